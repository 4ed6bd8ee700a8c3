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

        # The secretary's 待办 (steps due) and the overview are cached per subtree (branches/versions.py).
        from branches.versions import organisation_of_member, watch
        from members.models import Member

        from .models import DevelopmentPlan, DevelopmentRecord, DevelopmentStep

        watch(DevelopmentRecord, lambda record: organisation_of_member(record.member_id))
        watch(DevelopmentStep, lambda step: Member.objects.filter(development__pk=step.record_id)
              .values_list("organisation_id", flat=True))
        watch(DevelopmentPlan, lambda plan: [plan.organisation_id])
