from django.apps import AppConfig


class DevelopmentConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "development"
    verbose_name = "发展党员"

    def ready(self):
        from core import todo

        from . import signals  # noqa: F401 - registers the file clean-up receivers
        from .todo import development_due

        todo.register("development.due", development_due)
