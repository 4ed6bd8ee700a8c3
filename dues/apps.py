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

        # A payment changed outside the service (the admin site): the cached city totals are out of date.
        from django.db.models.signals import post_delete, post_save

        from .models import DuesPayment
        from .selectors import totals_changed

        def changed(**kwargs):
            totals_changed()

        post_save.connect(changed, sender=DuesPayment, dispatch_uid="dues-totals-save", weak=False)
        post_delete.connect(changed, sender=DuesPayment, dispatch_uid="dues-totals-delete", weak=False)

        # The secretary's 待办 (arrears) is cached per subtree (branches/versions.py).
        from branches.versions import organisation_of_member, watch

        from .models import DuesBase

        watch(DuesPayment, lambda payment: [payment.organisation_id])
        watch(DuesBase, lambda base: organisation_of_member(base.member_id))
