from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "督导考核"

    def ready(self):
        # Connects the receiver that removes evidence files after their rows are deleted, however deleted.
        from notifications.registry import register_admin_digest_lines

        from . import evidence  # noqa: F401
        from .reminders import admin_digest_lines

        register_admin_digest_lines("oversight", admin_digest_lines)

        # Cached compliance matrices follow every change they are computed from.
        from . import signals  # noqa: F401

        from core import todo

        from .todo import reviews_returned

        todo.register("oversight.reviews_returned", reviews_returned)
