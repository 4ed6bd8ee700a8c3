from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "督导考核"

    def ready(self):
        # Connects the receiver that removes evidence files after their rows are deleted, however deleted.
        from . import evidence  # noqa: F401
        # Cached compliance matrices follow every change they are computed from.
        from . import signals  # noqa: F401
