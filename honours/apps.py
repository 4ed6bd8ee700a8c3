from django.apps import AppConfig


class HonoursConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "honours"
    verbose_name = "表彰与品牌"

    def ready(self):
        from branches.panels import register_organisation_panel
        from members.panels import register_member_panel
        from reports.exporters import register

        from .exporters import HonoursExporter

        register(HonoursExporter)  # the reports this app contributes
        from . import signals  # noqa: F401
        from .selectors import MEMBER_ROWS, member_honours

        register_member_panel("honours", template="honours/_member_panel.html", order=10, rows=MEMBER_ROWS,
                              context=lambda member, present: {"honours": member_honours(member, present)})
        register_organisation_panel("honours", template="honours/_organisation_honours.html", order=10)
