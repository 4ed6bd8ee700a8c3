from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Brand,
    Commendation,
    CommendationTitle,
    Nomination,
    RedFlagApplication,
    StarCriterion,
    StarRating,
    TopTenSelection,
)


@admin.register(CommendationTitle)
class CommendationTitleAdmin(admin.ModelAdmin):
    list_display = ["name", "subject", "is_advanced_model", "effective_from", "source"]


@admin.register(StarCriterion)
class StarCriterionAdmin(admin.ModelAdmin):
    list_display = ["year", "subject", "name", "points"]
    list_filter = ["year", "subject"]


@admin.register(Commendation)
class CommendationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "level", "year", "organisation", "member", "document_number"]
    list_filter = ["level", "year", "title"]
    raw_id_fields = ["organisation", "member", "nomination"]


@admin.register(Nomination)
class NominationAdmin(SimpleHistoryAdmin):
    list_display = ["title", "level", "year", "organisation", "member", "status"]
    list_filter = ["status", "year"]
    raw_id_fields = ["organisation", "member"]


@admin.register(StarRating)
class StarRatingAdmin(SimpleHistoryAdmin):
    list_display = ["member", "year", "stars", "status"]
    raw_id_fields = ["member"]


@admin.register(RedFlagApplication)
class RedFlagApplicationAdmin(SimpleHistoryAdmin):
    list_display = ["organisation", "year", "status"]
    raw_id_fields = ["organisation"]


@admin.register(Brand)
class BrandAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "year"]
    raw_id_fields = ["organisation"]


@admin.register(TopTenSelection)
class TopTenSelectionAdmin(SimpleHistoryAdmin):
    list_display = ["year", "subject", "status"]
