from django.apps import AppConfig


class ActivitiesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "activities"
    verbose_name = "组织生活"

    def ready(self):
        from reports.exporters import register

        from .exporters import AttendanceExporter, MonthlyActivityExporter

        register(AttendanceExporter, MonthlyActivityExporter)  # the reports this app contributes
        from . import signals  # noqa: F401
        from .registrations import register

        register()

        from core.cache import read_with_user

        from .access import ways_in_keys

        read_with_user(ways_in_keys)  # a user's ways into the activities come back with the user

        # Search-as-you-type: the themed days a wish may be published at (core.lookups).
        from django.db.models import Q

        from core import lookups

        from . import access
        from .forms import themed_day_label, themed_days_for

        def themed_days(user):
            if not access.can_plan_activities(user):
                return None
            return themed_days_for(access.organisations_managed_by(user).active())

        lookups.register("themed-days", queryset=themed_days, label=themed_day_label,
                         search=lambda q: Q(title__contains=q) | Q(organisation__name__contains=q)
                         | Q(organisation__short_name__contains=q))
