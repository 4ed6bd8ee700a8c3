from django.apps import AppConfig


class YearlyConfig(AppConfig):
    """年度党建工作报告: the one report that draws on every feature app (members, activities, oversight, honours,
    community). It sits on the top floor, beside demo/, so that no feature app imports another and the reports
    app imports none: this app imports them all and registers the exporter with reports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "yearly"
    verbose_name = "年度党建工作报告"

    def ready(self):
        from reports.exporters import register

        from .exporters import YearlyExporter
        from .roster import RosterExporter

        # The roster report lives here too: members stands below reports and registers nothing with it.
        register(YearlyExporter, RosterExporter)
