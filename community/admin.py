from django.contrib import admin

from .models import (
    Campaign,
    CampaignBranch,
    CoBuildingAgreement,
    CommunityReport,
    Donation,
    JointProject,
    ReporterType,
    ServiceRecord,
)


@admin.register(ReporterType)
class ReporterTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "reporter", "effective_from", "source")
    list_filter = ("reporter", "effective_from")


class JointProjectInline(admin.TabularInline):
    model = JointProject
    extra = 0


@admin.register(CoBuildingAgreement)
class CoBuildingAgreementAdmin(admin.ModelAdmin):
    list_display = ("organisation", "community", "signed_on")
    search_fields = ("community", "organisation__name")
    raw_id_fields = ("organisation", "created_by")
    inlines = [JointProjectInline]


class ServiceRecordInline(admin.TabularInline):
    model = ServiceRecord
    extra = 0
    raw_id_fields = ("recorded_by",)


@admin.register(CommunityReport)
class CommunityReportAdmin(admin.ModelAdmin):
    list_display = ("member", "reporter_type", "community", "reported_on", "confirmed_by_community")
    list_filter = ("reporter_type", "confirmed_by_community")
    search_fields = ("member__name", "community")
    raw_id_fields = ("member", "created_by")
    inlines = [ServiceRecordInline]


class CampaignBranchInline(admin.TabularInline):
    model = CampaignBranch
    extra = 0
    raw_id_fields = ("organisation", "created_by")


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "starts_on", "ends_on")
    list_filter = ("kind",)
    inlines = [CampaignBranchInline]


@admin.register(Donation)
class DonationAdmin(admin.ModelAdmin):
    list_display = ("campaign", "member", "organisation", "amount", "donated_on")
    list_filter = ("campaign",)
    raw_id_fields = ("member", "organisation", "recorded_by")
