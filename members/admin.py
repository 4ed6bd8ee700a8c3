from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Leaving, Member, MemberCategory, MemberOrganisationPeriod, Transfer


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ("name", "gender", "organisation", "stage", "status", "employment_status", "admitted_on")
    list_filter = ("stage", "status", "employment_status", "gender", "education")
    search_fields = ("name", "phone", "organisation__name")
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "party_group", "user")
    date_hierarchy = "admitted_on"


@admin.register(Transfer)
class TransferAdmin(SimpleHistoryAdmin):
    list_display = ("member", "kind", "status", "from_organisation", "to_organisation", "outside_organisation",
                    "sent_on", "letter_year", "letter_number", "accepted_on")
    list_filter = ("kind", "status", "letter_year")
    search_fields = ("member__name", "outside_organisation", "incoming_letter_number")
    list_select_related = ("member", "from_organisation", "to_organisation")
    raw_id_fields = ("member", "from_organisation", "to_organisation", "decided_by", "created_by")
    date_hierarchy = "sent_on"


@admin.register(Leaving)
class LeavingAdmin(SimpleHistoryAdmin):
    list_display = ("member", "kind", "left_on", "document_number")
    list_filter = ("kind",)
    search_fields = ("member__name", "document_number")
    raw_id_fields = ("member", "recorded_by")
    date_hierarchy = "left_on"


@admin.register(MemberCategory)
class MemberCategoryAdmin(SimpleHistoryAdmin):
    list_display = ("member", "kind", "starts_on", "ends_on", "place")
    list_filter = ("kind",)
    search_fields = ("member__name", "place")
    raw_id_fields = ("member", "created_by")


@admin.register(MemberOrganisationPeriod)
class MemberOrganisationPeriodAdmin(admin.ModelAdmin):
    list_display = ("member", "organisation", "starts_on", "ends_on")
    search_fields = ("member__name", "organisation__name")
    raw_id_fields = ("member", "organisation", "transfer")
