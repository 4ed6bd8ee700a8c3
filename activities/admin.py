from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Activity, ActivityPlan, Attendance, CalendarFeed, MicroWish, Photo, Registration


class AttendanceInline(admin.TabularInline):
    model = Attendance
    extra = 0
    raw_id_fields = ("member", "recorded_by")
    fields = ("member", "guest_name", "guest_unit", "role", "status", "leave_reason", "recorded_via")


@admin.register(Activity)
class ActivityAdmin(SimpleHistoryAdmin):
    list_display = ("title", "kind", "organisation", "planned_start", "status", "is_open", "is_city_wide")
    list_filter = ("kind", "status", "is_open", "is_city_wide", "theme")
    search_fields = ("title", "organisation__name", "place", "lecturer")
    date_hierarchy = "planned_start"
    list_select_related = ("organisation",)
    raw_id_fields = ("organisation", "party_group", "plan", "created_by")
    filter_horizontal = ("joint_organisations",)
    readonly_fields = ("uid", "sequence", "created_at", "updated_at")
    inlines = [AttendanceInline]


@admin.register(ActivityPlan)
class ActivityPlanAdmin(admin.ModelAdmin):
    list_display = ("title", "organisation", "kind", "day_of_month", "first_month", "months")
    list_filter = ("kind",)
    search_fields = ("title", "organisation__name")
    raw_id_fields = ("organisation", "created_by")


@admin.register(Attendance)
class AttendanceAdmin(SimpleHistoryAdmin):
    list_display = ("activity", "member", "guest_name", "role", "status", "recorded_via", "recorded_at")
    list_filter = ("status", "role", "recorded_via")
    search_fields = ("activity__title", "member__name", "guest_name")
    list_select_related = ("activity", "member")
    raw_id_fields = ("activity", "member", "recorded_by")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    list_display = ("activity", "member", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("activity__title", "member__name")
    raw_id_fields = ("activity", "member")


@admin.register(Photo)
class PhotoAdmin(admin.ModelAdmin):
    list_display = ("activity", "caption", "width", "height", "uploaded_by", "uploaded_at")
    search_fields = ("activity__title", "caption")
    raw_id_fields = ("activity", "uploaded_by")
    readonly_fields = ("image", "thumbnail", "width", "height")


@admin.register(MicroWish)
class MicroWishAdmin(SimpleHistoryAdmin):
    list_display = ("title", "organisation", "wisher_name", "status", "claimed_by", "fulfilled_at")
    list_filter = ("status",)
    search_fields = ("title", "wisher_name", "organisation__name", "claimed_by__name")
    raw_id_fields = ("organisation", "activity", "created_by")
    # Claiming and fulfilling go through activities.wishes (one claimer, checked photos), not the admin.
    readonly_fields = ("status", "claimed_by", "claimed_at", "fulfilled_at", "fulfilment_photo")


@admin.register(CalendarFeed)
class CalendarFeedAdmin(admin.ModelAdmin):
    list_display = ("user", "created_at")
    search_fields = ("user__username", "user__full_name")
    raw_id_fields = ("user",)
    readonly_fields = ("token",)
