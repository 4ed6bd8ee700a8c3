from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    """数据导入导出: Excel imports (a registry of kinds) and the national base data set's layout."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "exchange"
    verbose_name = "数据导入导出"

    def ready(self):
        from . import kinds, signals  # noqa: F401 -- the built-in kinds register themselves; file clean-up
