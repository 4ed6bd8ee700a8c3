from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "督导考核"

    def ready(self):
        # The receivers that remove evidence files after their rows are deleted (however deleted), and those
        # that keep cached compliance matrices in step with every change they are computed from.
        from . import evidence, signals  # noqa: F401
