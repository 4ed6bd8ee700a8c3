from django.apps import AppConfig


class HonoursConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "honours"
    verbose_name = "表彰与品牌"

    def ready(self):
        from reports.exporters import register

        from .exporters import HonoursExporter

        register(HonoursExporter)  # the reports this app contributes
        from . import signals  # noqa: F401
