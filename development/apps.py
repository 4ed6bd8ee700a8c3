from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "development"
    verbose_name = "发展党员"
