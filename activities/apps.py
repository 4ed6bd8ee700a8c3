from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = "组织生活"

    def ready(self):
        from core import todo

        from . import signals  # noqa: F401
        from .todo import meetings_to_record

        todo.register("activities.meetings_to_record", meetings_to_record)
