from django.contrib import admin

from .models import ActionLog


@admin.register(ActionLog)
class ActionLogAdmin(admin.ModelAdmin):
    list_display = ("at", "actor", "action", "member", "organisation", "detail", "ip_address")
    list_filter = ("action", "at")
    search_fields = ("actor__username", "actor__full_name", "member__name", "organisation__name", "detail")
    date_hierarchy = "at"
    list_select_related = ("actor", "member", "organisation")

    # The log is evidence: nobody edits or deletes it through the admin.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
