from django.apps import AppConfig


class MembersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "members"
    verbose_name = "党员"

    def ready(self):
        from reports.exporters import register

        from .exporters import RosterExporter

        register(RosterExporter)  # the reports this app contributes
