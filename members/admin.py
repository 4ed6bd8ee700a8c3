from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Member


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("name", "gender", "organisation", "stage", "status", "employment_status", "admitted_on")
    list_filter = ("stage", "status", "employment_status", "gender", "education")
    search_fields = ("name", "phone", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "party_group", "user")
    date_hierarchy = "admitted_on"
