from django.apps import AppConfig


class OversightConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "督导考核"

    def ready(self):
        from reports.exporters import register

        from .exporters import StandardisationExporter

        register(StandardisationExporter)  # the reports this app contributes
        # Connects the receiver that removes evidence files after their rows are deleted, however deleted.
        from . import evidence  # noqa: F401
