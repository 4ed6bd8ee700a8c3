from django.apps import AppConfig


class HonoursConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "honours"
    verbose_name = "表彰与品牌"

    def ready(self):
        from . import signals  # noqa: F401
