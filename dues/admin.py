from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DuesBase, DuesPayment


@admin.register(DuesBase)
class DuesBaseAdmin(SimpleHistoryAdmin):
    list_display = ["member", "effective_from", "category", "monthly_income"]
    list_filter = ["category"]
    search_fields = ["member__name"]
    raw_id_fields = ["member", "recorded_by"]


@admin.register(DuesPayment)
class DuesPaymentAdmin(SimpleHistoryAdmin):
    list_display = ["member", "month", "amount", "paid_on", "kind", "organisation"]
    list_filter = ["kind"]
    date_hierarchy = "month"
    search_fields = ["member__name"]
    raw_id_fields = ["member", "organisation", "base", "recorded_by"]
