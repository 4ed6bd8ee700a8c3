import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from .choices import Education, EmploymentStatus, Gender, MembershipStatus, Stage
from .validators import mask_id_number, mask_phone, validate_id_number, validate_mobile


class MemberQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=MembershipStatus.ACTIVE)

    def party_members(self):
        """Full and probationary members (the ones counted as 党员)."""
        return self.active().filter(stage__in=[Stage.PROBATIONARY, Stage.FULL])


class Member(models.Model):
    """党员 (and those on the way to becoming one). The stage dates are the
    facts; the stage itself is kept for fast filtering and checked against them."""

    name = models.CharField("姓名", max_length=50, db_index=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True, null=True, blank=True,
                                 validators=[validate_id_number])
    phone = models.CharField("手机号码", max_length=11, blank=True, db_index=True, validators=[validate_mobile])
    education = models.CharField("学历", max_length=20, choices=Education.choices, blank=True)
    employment_status = models.CharField("工作状态", max_length=20, choices=EmploymentStatus.choices,
                                         default=EmploymentStatus.SERVING)
    job_title = models.CharField("职务/岗位", max_length=50, blank=True)

    organisation = models.ForeignKey("branches.Organisation", verbose_name="所在党组织", on_delete=models.PROTECT,
                                     related_name="members")
    party_group = models.ForeignKey("branches.PartyGroup", verbose_name="党小组", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="members")
    stage = models.CharField("发展阶段", max_length=20, choices=Stage.choices, default=Stage.FULL, db_index=True)
    status = models.CharField("党籍状态", max_length=20, choices=MembershipStatus.choices,
                              default=MembershipStatus.ACTIVE, db_index=True)

    applied_on = models.DateField("递交入党申请书日期", null=True, blank=True)
    activist_on = models.DateField("确定为积极分子日期", null=True, blank=True)
    candidate_on = models.DateField("确定为发展对象日期", null=True, blank=True)
    admitted_on = models.DateField("入党日期（接收为预备党员）", null=True, blank=True)
    full_on = models.DateField("转正日期", null=True, blank=True)
    left_on = models.DateField("离开日期", null=True, blank=True)

    residential_community = models.CharField("居住地社区", max_length=100, blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="登录账号", on_delete=models.SET_NULL,
                                null=True, blank=True, related_name="member")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员"
        ordering = ["organisation", "name", "pk"]
        indexes = [models.Index(fields=["organisation", "stage"], name="member_org_stage")]
        constraints = [
            models.CheckConstraint(
                condition=Q(applied_on__isnull=True) | Q(applied_on__gt=F("birth_date")),
                name="member_applied_after_birth",
            ),
            models.CheckConstraint(
                condition=Q(full_on__isnull=True) | Q(admitted_on__isnull=True) | Q(full_on__gt=F("admitted_on")),
                name="member_full_after_admitted",
            ),
            models.CheckConstraint(
                condition=~Q(stage__in=[Stage.PROBATIONARY, Stage.FULL]) | Q(admitted_on__isnull=False),
                name="member_party_member_has_admission_date",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:member_detail", args=[self.pk])

    def clean(self):
        from .rules import raise_for_dates
        from .validators import normalise_id_number

        if self.id_number:
            self.id_number = normalise_id_number(self.id_number)
        if self.party_group_id and self.organisation_id and self.party_group.organisation_id != self.organisation_id:
            raise ValidationError({"party_group": "所选党小组不属于该党组织。"})
        raise_for_dates(self)

    @property
    def masked_id_number(self) -> str:
        return mask_id_number(self.id_number or "")

    @property
    def masked_phone(self) -> str:
        return mask_phone(self.phone)

    def age(self, on: dt.date | None = None) -> int:
        on = on or dt.date.today()
        return on.year - self.birth_date.year - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def party_standing_years(self) -> int | None:
        """党龄: counted from conversion to full membership."""
        if not self.full_on:
            return None
        today = dt.date.today()
        return today.year - self.full_on.year - ((today.month, today.day) < (self.full_on.month, self.full_on.day))
