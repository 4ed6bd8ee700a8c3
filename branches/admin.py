from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import CommitteePosition, Organisation, PartyGroup, Role, Term, Unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "sort_order")
    search_fields = ("name", "short_name")


class TermInline(admin.TabularInline):
    model = Term
    extra = 0


class PartyGroupInline(admin.TabularInline):
    model = PartyGroup
    extra = 0
    raw_id_fields = ("leader",)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ("name", "kind", "unit", "parent", "status", "sort_order")
    list_filter = ("kind", "status", "unit")
    search_fields = ("name", "short_name", "unit__name")
    list_select_related = ("unit", "parent")
    raw_id_fields = ("parent",)
    readonly_fields = ("path", "depth", "created_at", "updated_at")
    inlines = [TermInline, PartyGroupInline]


@admin.register(Term)
class TermAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "number", "elected_on", "starts_on", "ends_on")
    list_filter = ("organisation__kind", "ends_on")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation",)
    date_hierarchy = "ends_on"


@admin.register(PartyGroup)
class PartyGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "organisation", "leader")
    search_fields = ("name", "organisation__name")
    list_select_related = ("organisation", "leader")
    raw_id_fields = ("organisation", "leader")


@admin.register(CommitteePosition)
class CommitteePositionAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "position", "member", "starts_on", "ends_on")
    list_filter = ("position",)
    search_fields = ("organisation__name", "member__name")
    list_select_related = ("organisation", "member")
    raw_id_fields = ("organisation", "member", "term")


@admin.register(Role)
class RoleAdmin(SimpleHistoryAdmin):
    list_display = ("user", "kind", "organisation", "granted_at")
    list_filter = ("kind",)
    search_fields = ("user__username", "user__full_name", "organisation__name")
    list_select_related = ("user", "organisation")
    raw_id_fields = ("user", "organisation")
