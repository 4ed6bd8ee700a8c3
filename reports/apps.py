from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "统计报表"

    def ready(self):
        from . import signals  # noqa: F401  (connects the file clean-up on delete)
