from django.apps import AppConfig


class DuesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dues"
    verbose_name = "党费"

    def ready(self):
        # The 党费台账 is a report kind (reports.choices.ReportKind.DUES): its exporter joins the reports registry.
        from reports.exporters import register

        from .exporters import DuesExporter

        register(DuesExporter)

        from core import todo

        from .todo import dues_arrears

        todo.register("dues.arrears", dues_arrears)
