from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "督导考核"

    def ready(self):
        from core import todo
        from notifications.registry import register_admin_digest_lines

        # The receivers that remove evidence files after their rows are deleted (however deleted), and those
        # that keep cached compliance matrices in step with every change they are computed from.
        from . import evidence, signals  # noqa: F401
        from .reminders import admin_digest_lines
        from .todo import reviews_returned

        register_admin_digest_lines("oversight", admin_digest_lines)
        todo.register("oversight.reviews_returned", reviews_returned)

        from reports.exporters import register

        from .exporters import StandardisationExporter

        register(StandardisationExporter)  # the reports this app contributes
