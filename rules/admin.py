from django.contrib import admin

from .models import DuesRate, MeetingRequirement, StageInterval, TermLength, Threshold


class RuleAdmin(admin.ModelAdmin):
    list_filter = ("effective_from",)
    search_fields = ("source", "note")


@admin.register(TermLength)
class TermLengthAdmin(RuleAdmin):
    list_display = ("organisation_kind", "years", "effective_from", "source")


@admin.register(Threshold)
class ThresholdAdmin(RuleAdmin):
    list_display = ("code", "value", "effective_from", "source")


@admin.register(StageInterval)
class StageIntervalAdmin(RuleAdmin):
    list_display = ("name", "from_event", "to_event", "unit", "min_days", "max_days", "max_with_reason", "max_times",
                    "effective_from", "source")


@admin.register(DuesRate)
class DuesRateAdmin(RuleAdmin):
    list_display = ("category", "income_above", "income_up_to", "rate_percent", "fixed_amount", "effective_from")
    list_filter = ("category", "effective_from")


@admin.register(MeetingRequirement)
class MeetingRequirementAdmin(RuleAdmin):
    list_display = ("activity_kind", "period", "times", "applies_when", "months", "effective_from", "source")
