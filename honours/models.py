"""表彰、星级评定、党建品牌与"十佳"评选.

Each honour is entered once (a Commendation, possibly created by approving a Nomination); member and organisation
pages, lists and the yearly report's figures are all read from these rows."""

import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.workflow import Decided
from rules.models import Rule

from .choices import (
    NOMINABLE_LEVELS,
    Level,
    NominationStatus,
    RatingStatus,
    SelectionStatus,
    SelectionSubject,
    Subject,
)
from .workflow import NOMINATION, RED_FLAG, SELECTION, STAR_RATING


def _private_path(folder):
    def upload_to(instance, filename):
        # Unguessable names; the extension comes from the checked content, never from the upload.
        return f"honours/{folder}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"
    upload_to.__name__ = f"upload_to_{folder}"
    return upload_to


def certificate_path(instance, filename):
    return _private_path("certificates")(instance, filename)


def evidence_path(instance, filename):
    return _private_path("evidence")(instance, filename)


def brand_photo_path(instance, filename):
    return _private_path("brands")(instance, filename)


class CommendationTitle(Rule):
    """A commendation title (先进基层党组织, 优秀共产党员 …): data that admins extend."""

    name = models.CharField("称号", max_length=50)
    subject = models.CharField("授予对象", max_length=20, choices=Subject.choices)
    is_advanced_model = models.BooleanField("计入先进典型", default=False)
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "表彰称号"
        verbose_name_plural = "表彰称号"
        ordering = ["sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["name", "effective_from"], name="commendationtitle_unique_name_date"),
        ]

    def __str__(self):
        return self.name


class Nomination(Decided):
    """A secretary's nomination of a member, or of their organisation, for a city-level title (推荐)."""

    workflow = NOMINATION

    title = models.ForeignKey(CommendationTitle, verbose_name="称号", on_delete=models.PROTECT,
                              related_name="nominations")
    level = models.CharField("级别", max_length=20, choices=[(v, Level(v).label) for v in NOMINABLE_LEVELS])
    year = models.PositiveSmallIntegerField("年度")
    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="nominations",
                                     help_text="被推荐的党组织，或被推荐党员所在的党组织")
    member = models.ForeignKey("members.Member", verbose_name="被推荐党员", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="nominations")
    reasons = models.TextField("推荐理由")
    evidence = models.FileField("证明材料", upload_to=evidence_path, blank=True)
    evidence_content_type = models.CharField("材料类型", max_length=50, blank=True)
    evidence_name = models.CharField("材料原文件名", max_length=200, blank=True)
    status = models.CharField("状态", max_length=20, choices=NominationStatus.choices,
                              default=NominationStatus.SUBMITTED)
    nominated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="推荐人", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    nominated_at = models.DateTimeField("推荐时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="审核人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    comment = models.TextField("审核意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "表彰推荐"
        verbose_name_plural = "表彰推荐"
        ordering = ["-nominated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(level__in=NOMINABLE_LEVELS), name="nomination_city_level_only"),
            models.CheckConstraint(condition=Q(status=NominationStatus.SUBMITTED) | Q(decided_at__isnull=False),
                                   name="nomination_decided_has_time"),
        ]

    def __str__(self):
        return f"{self.subject_name} — {self.title}（{self.year}）"

    @property
    def subject_name(self) -> str:
        return self.member.name if self.member_id else self.organisation.display_name


class Commendation(models.Model):
    """表彰: an honour given to one organisation or one member."""

    title = models.ForeignKey(CommendationTitle, verbose_name="称号", on_delete=models.PROTECT,
                              related_name="commendations")
    level = models.CharField("级别", max_length=20, choices=Level.choices, db_index=True)
    year = models.PositiveSmallIntegerField("年度", db_index=True)
    issuing_body = models.CharField("授予机关", max_length=100)
    document_number = models.CharField("文号", max_length=60, blank=True)
    certificate = models.FileField("证书扫描件", upload_to=certificate_path, blank=True)
    certificate_content_type = models.CharField("扫描件类型", max_length=50, blank=True)
    certificate_name = models.CharField("扫描件原文件名", max_length=200, blank=True)
    organisation = models.ForeignKey("branches.Organisation", verbose_name="受表彰党组织", on_delete=models.CASCADE,
                                     null=True, blank=True, related_name="commendations")
    member = models.ForeignKey("members.Member", verbose_name="受表彰党员", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="commendations")
    nomination = models.OneToOneField(Nomination, verbose_name="来自推荐", on_delete=models.SET_NULL, null=True,
                                      blank=True, related_name="commendation")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "表彰"
        verbose_name_plural = "表彰"
        ordering = ["-year", "title__sort_order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organisation__isnull=False, member__isnull=True)
                           | Q(organisation__isnull=True, member__isnull=False)),
                name="commendation_organisation_xor_member",
                violation_error_message="表彰对象须是一个党组织或一名党员（二选一）。",
            ),
        ]

    def __str__(self):
        return f"{self.subject_name} — {self.title}（{self.year}，{self.get_level_display()}）"

    @property
    def subject_name(self) -> str:
        return self.member.name if self.member_id else self.organisation.display_name


class StarCriterion(Rule):
    """One item of the year's star-rating (五星党员) or red-flag (红旗党支部) criteria, with its points."""

    year = models.PositiveSmallIntegerField("年度")
    subject = models.CharField("适用对象", max_length=20, choices=Subject.choices)
    name = models.CharField("评定标准", max_length=100)
    points = models.PositiveSmallIntegerField("分值")
    sort_order = models.PositiveSmallIntegerField("排序", default=0)

    class Meta:
        verbose_name = "星级评定标准"
        verbose_name_plural = "星级评定标准"
        ordering = ["year", "subject", "sort_order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["year", "subject", "name"], name="starcriterion_unique_year_name"),
        ]

    def __str__(self):
        return f"{self.year} {self.name}（{self.points}分）"


class StarRating(Decided):
    """A member's stars for a year (1–5), given by their secretary and confirmed by an admin."""

    workflow = STAR_RATING

    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.CASCADE,
                               related_name="star_ratings")
    year = models.PositiveSmallIntegerField("年度")
    stars = models.PositiveSmallIntegerField("星级", validators=[MinValueValidator(1), MaxValueValidator(5)])
    reason = models.TextField("评定理由")
    status = models.CharField("状态", max_length=20, choices=RatingStatus.choices, default=RatingStatus.SUBMITTED)
    rated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评定人", on_delete=models.SET_NULL,
                                 null=True, blank=True, related_name="+")
    rated_at = models.DateTimeField("评定时间", auto_now=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    comment = models.TextField("确认意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "星级评定"
        verbose_name_plural = "星级评定"
        ordering = ["-year", "member__name"]
        constraints = [
            models.UniqueConstraint(fields=["member", "year"], name="starrating_once_a_year",
                                    violation_error_message="该党员本年度已有星级评定。"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="starrating_one_to_five"),
        ]

    def __str__(self):
        return f"{self.member} {self.year}年 {self.stars}星"

    # Their former names (the confirmation is the decision), for older code and tests.
    confirmed_by = property(lambda self: self.decided_by, lambda self, user: setattr(self, "decided_by", user))
    confirmed_at = property(lambda self: self.decided_at, lambda self, at: setattr(self, "decided_at", at))


class RedFlagApplication(Decided):
    """An organisation's application for 红旗党支部 in a year, scored against the year's criteria."""

    workflow = RED_FLAG

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="red_flag_applications")
    year = models.PositiveSmallIntegerField("年度")
    summary = models.TextField("申报材料摘要")
    status = models.CharField("状态", max_length=20, choices=RatingStatus.choices, default=RatingStatus.SUBMITTED)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="申报人", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    submitted_at = models.DateTimeField("申报时间", auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="确认人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    decided_at = models.DateTimeField("确认时间", null=True, blank=True)
    comment = models.TextField("确认意见", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "红旗党支部申报"
        verbose_name_plural = "红旗党支部申报"
        ordering = ["-year", "organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="redflag_once_a_year",
                                    violation_error_message="该党组织本年度已申报。"),
        ]

    def __str__(self):
        return f"{self.organisation} {self.year}年红旗党支部申报"

    # Their former names (the confirmation is the decision), for older code and tests.
    confirmed_by = property(lambda self: self.decided_by, lambda self, user: setattr(self, "decided_by", user))
    confirmed_at = property(lambda self: self.decided_at, lambda self, at: setattr(self, "decided_at", at))


class RedFlagScore(models.Model):
    application = models.ForeignKey(RedFlagApplication, verbose_name="申报", on_delete=models.CASCADE,
                                    related_name="scores")
    criterion = models.ForeignKey(StarCriterion, verbose_name="评定标准", on_delete=models.PROTECT,
                                  related_name="+")
    points = models.PositiveSmallIntegerField("得分")

    class Meta:
        verbose_name = "红旗党支部得分"
        verbose_name_plural = "红旗党支部得分"
        constraints = [
            models.UniqueConstraint(fields=["application", "criterion"], name="redflagscore_once_per_criterion"),
        ]


class Brand(models.Model):
    """党建品牌 registered by an organisation. Public within the platform: every signed-in user sees the gallery."""

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="brands")
    name = models.CharField("品牌名称", max_length=60)
    summary = models.CharField("简介", max_length=200)
    story = models.TextField("品牌故事", blank=True)
    year = models.PositiveSmallIntegerField("创建年度", db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    class Meta:
        verbose_name = "党建品牌"
        verbose_name_plural = "党建品牌"
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="brand_unique_name_per_organisation",
                                    violation_error_message="本组织已有同名品牌。"),
        ]

    def __str__(self):
        return self.name


class BrandPhoto(models.Model):
    brand = models.ForeignKey(Brand, verbose_name="品牌", on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to=brand_photo_path, width_field="width", height_field="height")
    width = models.PositiveIntegerField("宽", default=0)
    height = models.PositiveIntegerField("高", default=0)
    original_name = models.CharField("原文件名", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "品牌照片"
        verbose_name_plural = "品牌照片"
        ordering = ["pk"]


class TopTenSelection(models.Model):
    """A year's "十佳" selection of brands or of open lectures."""

    workflow = SELECTION

    year = models.PositiveSmallIntegerField("年度")
    subject = models.CharField("评选类别", max_length=20, choices=SelectionSubject.choices)
    status = models.CharField("状态", max_length=20, choices=SelectionStatus.choices,
                              default=SelectionStatus.SHORTLISTING)
    decided_at = models.DateTimeField("评定时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "十佳评选"
        verbose_name_plural = "十佳评选"
        ordering = ["-year", "subject"]
        constraints = [
            models.UniqueConstraint(fields=["year", "subject"], name="toptenselection_once_a_year",
                                    violation_error_message="本年度已有该类评选。"),
        ]

    def __str__(self):
        return f"{self.year}年{self.get_subject_display()}"


class SelectionEntry(models.Model):
    """A brand or an open lecture put forward in a selection; `rank` 1–10 marks the ten."""

    selection = models.ForeignKey(TopTenSelection, verbose_name="评选", on_delete=models.CASCADE,
                                  related_name="entries")
    brand = models.ForeignKey(Brand, verbose_name="品牌", on_delete=models.CASCADE, null=True, blank=True,
                              related_name="selection_entries")
    activity = models.ForeignKey("activities.Activity", verbose_name="开放式党课", on_delete=models.CASCADE,
                                 null=True, blank=True, related_name="selection_entries")
    shortlisted = models.BooleanField("入围", default=True)
    rank = models.PositiveSmallIntegerField("名次", null=True, blank=True,
                                            validators=[MinValueValidator(1), MaxValueValidator(10)])

    class Meta:
        verbose_name = "评选参评项"
        verbose_name_plural = "评选参评项"
        ordering = ["rank", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(brand__isnull=False, activity__isnull=True)
                           | Q(brand__isnull=True, activity__isnull=False)),
                name="selectionentry_brand_xor_activity"),
            models.UniqueConstraint(fields=["selection", "brand"], name="selectionentry_unique_brand"),
            models.UniqueConstraint(fields=["selection", "activity"], name="selectionentry_unique_activity"),
            models.UniqueConstraint(fields=["selection", "rank"], name="selectionentry_unique_rank"),
            models.CheckConstraint(condition=Q(rank__isnull=True) | Q(rank__gte=1, rank__lte=10),
                                   name="selectionentry_rank_in_ten"),
        ]

    def __str__(self):
        return str(self.brand or self.activity)


class JuryScore(models.Model):
    entry = models.ForeignKey(SelectionEntry, verbose_name="参评项", on_delete=models.CASCADE, related_name="scores")
    juror = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="评委", on_delete=models.CASCADE,
                              related_name="+")
    score = models.PositiveSmallIntegerField("评分", validators=[MaxValueValidator(100)])

    class Meta:
        verbose_name = "评委评分"
        verbose_name_plural = "评委评分"
        constraints = [
            models.UniqueConstraint(fields=["entry", "juror"], name="juryscore_once_per_juror"),
            models.CheckConstraint(condition=Q(score__lte=100), name="juryscore_at_most_100"),
        ]
