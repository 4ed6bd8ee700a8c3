from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ChecklistItem,
    Duty,
    DutyAssignment,
    Evidence,
    Exemption,
    ReviewEvent,
    ReviewItem,
    StandardisationReview,
)


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ("sort_order", "title", "evidence_required", "effective_from", "retired_from", "source")
    list_display_links = ("title",)
    list_filter = ("evidence_required", "effective_from")
    search_fields = ("title", "description", "code")


class ReviewItemInline(admin.TabularInline):
    model = ReviewItem
    extra = 0
    fields = ("checklist_item", "statement", "verdict", "comment", "reviewed_by", "reviewed_at")
    raw_id_fields = ("reviewed_by",)


class ReviewEventInline(admin.TabularInline):
    model = ReviewEvent
    extra = 0
    fields = ("at", "action", "actor", "item", "comment")
    readonly_fields = fields
    can_delete = False


@admin.register(StandardisationReview)
class StandardisationReviewAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "year", "status", "submitted_at", "decided_at", "decided_by")
    list_filter = ("year", "status")
    search_fields = ("organisation__name",)
    list_select_related = ("organisation", "decided_by")
    raw_id_fields = ("organisation", "decided_by")
    inlines = [ReviewItemInline, ReviewEventInline]


@admin.register(Evidence)
class EvidenceAdmin(admin.ModelAdmin):
    list_display = ("original_name", "content_type", "size", "uploaded_by", "uploaded_at")
    search_fields = ("original_name",)
    raw_id_fields = ("review_item", "duty_assignment", "uploaded_by")


@admin.register(Exemption)
class ExemptionAdmin(SimpleHistoryAdmin):
    list_display = ("organisation", "activity_kind", "reason", "valid_from", "valid_until", "granted_by")
    list_filter = ("activity_kind",)
    search_fields = ("organisation__name", "reason")
    raw_id_fields = ("organisation", "granted_by")


class DutyAssignmentInline(admin.TabularInline):
    model = DutyAssignment
    extra = 0
    raw_id_fields = ("organisation", "reported_by")


@admin.register(Duty)
class DutyAdmin(admin.ModelAdmin):
    list_display = ("title", "deadline", "created_by", "created_at")
    search_fields = ("title", "detail")
    date_hierarchy = "deadline"
    inlines = [DutyAssignmentInline]


@admin.register(DutyAssignment)
class DutyAssignmentAdmin(SimpleHistoryAdmin):
    list_display = ("duty", "organisation", "status", "completed_at")
    list_filter = ("status",)
    search_fields = ("duty__title", "organisation__name")
    raw_id_fields = ("duty", "organisation", "reported_by")


@admin.register(ReviewEvent)
class ReviewEventAdmin(admin.ModelAdmin):
    list_display = ("at", "review", "action", "actor", "comment")
    list_filter = ("action",)
    raw_id_fields = ("review", "item", "actor")

    def has_change_permission(self, request, obj=None):
        return False
