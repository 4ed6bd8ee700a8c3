from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo city (`manage.py seed_demo`): the one app that may import every other, since it fills them all."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "demo"
    verbose_name = "演示数据"
