from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = "组织生活"

    def ready(self):
        from . import signals  # noqa: F401
        from .registrations import register

        register()
