from django.contrib import admin

from .models import Report


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    """Read-mostly: reports are requested on the reports page; here admins look and delete."""

    list_display = ["__str__", "kind", "organisation", "status", "progress", "requested_by", "scheduled",
                    "created_at"]
    list_filter = ["kind", "status", "scheduled"]
    list_select_related = ["organisation", "requested_by"]
    search_fields = ["organisation__name"]
    readonly_fields = [f.name for f in Report._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
