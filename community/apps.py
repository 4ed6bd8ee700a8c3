from django.apps import AppConfig


class CommunityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "community"
    verbose_name = "共驻共建"

    def ready(self):
        from . import signals  # noqa: F401
