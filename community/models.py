"""共驻共建: co-building agreements with communities, members reporting to their community ("双报到"/"三报到")
and the services they do there, and campaigns (flood relief, epidemic …) with donations and temporary branches.

Each fact is entered once; every total (organisation, city, the yearly report) is an aggregate over these rows."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import ExtractYear
from simple_history.models import HistoricalRecords

from rules.models import Rule

from .choices import CampaignKind, Reporter


class ReporterType(Rule):
    """A kind of reporting of the "三报到" (在职党员到居住地社区报到, 党组织到所在社区报到, and a third that
    varies by locality, e.g. 领导干部到联系点报到). Data, so that a locality's wording needs no release."""

    code = models.SlugField("代码", max_length=40)
    name = models.CharField("名称", max_length=50)
    reporter = models.CharField("报到主体", max_length=20, choices=Reporter.choices, default=Reporter.MEMBER)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "报到类型"
        verbose_name_plural = "报到类型"
        ordering = ["sort_order", "pk"]
        constraints = [models.UniqueConstraint(fields=["code", "effective_from"], name="reportertype_unique_code_date")]

    def __str__(self):
        return self.name


def _scan_path(instance, filename):
    # Unguessable names; the extension comes from the checked content, never from the upload.
    return f"cobuilding/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class CoBuildingAgreement(models.Model):
    """共驻共建协议 between an organisation and the community or street where it sits."""

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="cobuilding_agreements")
    community = models.CharField("共建社区/街道", max_length=100)
    signed_on = models.DateField("签署日期")
    scan = models.FileField("协议扫描件", upload_to=_scan_path, blank=True)
    scan_content_type = models.CharField("扫描件类型", max_length=50, blank=True)
    scan_name = models.CharField("扫描件原文件名", max_length=200, blank=True)
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "共驻共建协议"
        verbose_name_plural = "共驻共建协议"
        ordering = ["-signed_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "community", "signed_on"],
                                    name="cobuilding_unique_org_community_date"),
        ]

    def __str__(self):
        return f"{self.organisation.display_name} — {self.community}"


class JointProject(models.Model):
    """A project run together under an agreement (共建项目)."""

    agreement = models.ForeignKey(CoBuildingAgreement, verbose_name="共建协议", on_delete=models.CASCADE,
                                  related_name="projects")
    title = models.CharField("项目名称", max_length=100)
    description = models.TextField("内容", blank=True)
    year = models.PositiveSmallIntegerField("年度")

    class Meta:
        verbose_name = "共建项目"
        verbose_name_plural = "共建项目"
        ordering = ["-year", "pk"]

    def __str__(self):
        return self.title


class CommunityReport(models.Model):
    """A member's report (报到) to a community under one reporter type, once a year; the community confirms it
    (the signed 报到单)."""

    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.CASCADE,
                               related_name="community_reports")
    reporter_type = models.ForeignKey(ReporterType, verbose_name="报到类型", on_delete=models.PROTECT,
                                      related_name="reports")
    community = models.CharField("报到社区", max_length=100)
    reported_on = models.DateField("报到日期")
    confirmed_by_community = models.BooleanField("社区已确认", default=False)
    confirmed_on = models.DateField("确认日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "到社区报到"
        verbose_name_plural = "到社区报到"
        ordering = ["-reported_on", "pk"]
        indexes = [models.Index(fields=["reported_on"], name="communityreport_date")]
        constraints = [
            models.UniqueConstraint(F("member"), F("reporter_type"), ExtractYear("reported_on"),
                                    name="communityreport_once_a_year",
                                    violation_error_message="本年度已登记过该类型的报到。"),
            models.CheckConstraint(condition=Q(confirmed_by_community=False) | Q(confirmed_on__isnull=False),
                                   name="communityreport_confirmed_has_date"),
        ]

    def __str__(self):
        return f"{self.member} 到{self.community}报到（{self.reported_on:%Y}）"


class ServiceRecord(models.Model):
    """One service a member did in the community they reported to (服务卡上的一次记录)."""

    report = models.ForeignKey(CommunityReport, verbose_name="报到记录", on_delete=models.CASCADE,
                               related_name="services")
    served_on = models.DateField("服务日期", db_index=True)
    hours = models.DecimalField("服务时长（小时）", max_digits=5, decimal_places=1)
    description = models.CharField("服务内容", max_length=200)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        ordering = ["-served_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0) & Q(hours__lte=24), name="servicerecord_hours_in_a_day"),
        ]

    def __str__(self):
        return f"{self.report.member} {self.served_on} {self.description}"


class Campaign(models.Model):
    """急难险重任务 (flood relief, epidemic control …): donations are made to it, temporary branches set up for it."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=CampaignKind.choices)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    description = models.TextField("说明", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "专项任务"
        verbose_name_plural = "专项任务"
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="campaign_ends_after_start"),
        ]

    def __str__(self):
        return self.name


class CampaignBranch(models.Model):
    """A temporary branch (临时党支部, a branches.Organisation of kind TEMPORARY_BRANCH) set up for a campaign.
    Its secretary is a CommitteePosition of that organisation, as for any other branch."""

    campaign = models.ForeignKey(Campaign, verbose_name="专项任务", on_delete=models.PROTECT,
                                 related_name="temporary_branches")
    organisation = models.OneToOneField("branches.Organisation", verbose_name="临时党支部", on_delete=models.PROTECT,
                                        related_name="campaign_link")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "临时党支部"
        verbose_name_plural = "临时党支部"
        ordering = ["campaign", "pk"]

    def __str__(self):
        return str(self.organisation)


class Donation(models.Model):
    """A donation to a campaign by one member or one organisation (never both)."""

    campaign = models.ForeignKey(Campaign, verbose_name="专项任务", on_delete=models.PROTECT,
                                 related_name="donations")
    member = models.ForeignKey("members.Member", verbose_name="捐款党员", on_delete=models.PROTECT, null=True,
                               blank=True, related_name="donations")
    organisation = models.ForeignKey("branches.Organisation", verbose_name="捐款党组织", on_delete=models.PROTECT,
                                     null=True, blank=True, related_name="donations")
    amount = models.DecimalField("金额（元）", max_digits=12, decimal_places=2)
    donated_on = models.DateField("捐款日期")
    note = models.CharField("备注", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "捐款"
        verbose_name_plural = "捐款"
        ordering = ["-donated_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(member__isnull=False) ^ Q(organisation__isnull=False),
                                   name="donation_member_xor_organisation"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="donation_amount_positive"),
        ]

    def __str__(self):
        return f"{self.member or self.organisation} {self.amount} 元"
