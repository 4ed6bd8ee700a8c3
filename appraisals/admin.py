from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Appraisal, AppraisalEntry


class EntryInline(admin.TabularInline):
    model = AppraisalEntry
    raw_id_fields = ["member"]
    extra = 0


@admin.register(Appraisal)
class AppraisalAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "year", "status", "decided_at"]
    list_filter = ["year", "status"]
    search_fields = ["organisation__name"]
    raw_id_fields = ["organisation", "meeting", "decided_by", "created_by"]
    inlines = [EntryInline]
