import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.reversing import pk_url
from core.workflow import Decided, Workflow

from .choices import (
    CategoryKind,
    Education,
    EmploymentStatus,
    Gender,
    LeavingKind,
    MembershipStatus,
    Stage,
    TransferKind,
    TransferStatus,
)
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
    retired_on = models.DateField("离退休日期", null=True, blank=True)

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
        return pk_url(self.pk, "members:member_detail")  # one reverse per process, not per row (core.reversing)

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


class MemberOrganisationPeriod(models.Model):
    """Which organisation a member's relationship sat in, from when to when: the answer to "in which
    organisation on day D" after transfers. The period runs from `starts_on` (empty: since before the
    register kept periods) up to the day before `ends_on` (empty: still there). A member with no period
    rows has never moved: their organisation is the current one."""

    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.CASCADE, related_name="periods")
    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.PROTECT,
                                     related_name="member_periods")
    starts_on = models.DateField("转入日期", null=True, blank=True)
    ends_on = models.DateField("转出日期", null=True, blank=True)
    transfer = models.ForeignKey("Transfer", verbose_name="转入依据", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="+")

    class Meta:
        verbose_name = "组织关系所在期间"
        verbose_name_plural = "组织关系所在期间"
        ordering = ["member", "starts_on"]
        indexes = [models.Index(fields=["member", "starts_on"], name="memberperiod_member_start"),
                   models.Index(fields=["organisation", "starts_on"], name="memberperiod_org_start")]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(ends_on__isnull=True),
                                    name="memberperiod_one_open_per_member"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True)
                                   | Q(ends_on__gt=F("starts_on")), name="memberperiod_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.member} @ {self.organisation}（{self.starts_on or '…'}—{self.ends_on or '今'}）"


TRANSFER = Workflow(TransferStatus, {
    (TransferStatus.SENT, TransferStatus.ACCEPTED): "接收",
    (TransferStatus.SENT, TransferStatus.RETURNED): "退回",
    (TransferStatus.SENT, TransferStatus.CANCELLED): "撤回",
}, noun="该组织关系转接")


class Transfer(Decided):
    """组织关系转接. Within the system the sending organisation issues a letter (介绍信) and the receiving one
    accepts or returns it; to outside the member leaves when the letter is issued and the receipt (回执) is
    recorded when it comes back (that is the acceptance); from outside the receiving organisation records
    the incoming letter and the member at once."""

    workflow = TRANSFER

    status = models.CharField("状态", max_length=20, choices=TransferStatus.choices, default=TransferStatus.SENT,
                              db_index=True)
    kind = models.CharField("转接类型", max_length=10, choices=TransferKind.choices)
    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="transfers")
    from_organisation = models.ForeignKey("branches.Organisation", verbose_name="转出党组织", on_delete=models.PROTECT,
                                          null=True, blank=True, related_name="transfers_out")
    to_organisation = models.ForeignKey("branches.Organisation", verbose_name="转入党组织", on_delete=models.PROTECT,
                                        null=True, blank=True, related_name="transfers_in")
    outside_organisation = models.CharField("系统外党组织", max_length=200, blank=True,
                                            help_text="转往或来自的系统外党组织全称")
    reason = models.CharField("转接原因", max_length=200)
    sent_on = models.DateField("开具日期")
    letter_year = models.PositiveSmallIntegerField("介绍信年度", null=True, blank=True)
    letter_number = models.PositiveIntegerField("介绍信编号", null=True, blank=True)
    valid_until = models.DateField("有效期至", null=True, blank=True)
    dues_paid_to = models.DateField("党费交至（月）", null=True, blank=True)
    stage = models.CharField("转接时身份", max_length=20, choices=Stage.choices)
    accepted_on = models.DateField("接收日期", null=True, blank=True)
    receipt_note = models.CharField("回执说明", max_length=200, blank=True)
    incoming_letter_number = models.CharField("来信介绍信编号", max_length=50, blank=True)
    incoming_letter_date = models.DateField("来信开具日期", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="经办人", on_delete=models.SET_NULL,
                                   null=True, related_name="+")
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "组织关系转接"
        verbose_name_plural = "组织关系转接"
        ordering = ["-sent_on", "-pk"]
        indexes = [models.Index(fields=["-sent_on", "-id"], name="transfer_list_order"),
                   models.Index(fields=["status", "sent_on"], name="transfer_status_sent"),
                   models.Index(fields=["from_organisation", "sent_on"], name="transfer_from_sent"),
                   models.Index(fields=["to_organisation", "sent_on"], name="transfer_to_sent")]
        constraints = [
            models.UniqueConstraint(fields=["member"], condition=Q(status="SENT"),
                                    name="transfer_one_open_per_member"),
            models.UniqueConstraint(fields=["letter_year", "letter_number"], name="transfer_unique_letter_number"),
            models.CheckConstraint(
                condition=(Q(kind=TransferKind.WITHIN, from_organisation__isnull=False, to_organisation__isnull=False)
                           | Q(kind=TransferKind.OUT, from_organisation__isnull=False, to_organisation__isnull=True)
                           | Q(kind=TransferKind.IN, from_organisation__isnull=True, to_organisation__isnull=False)),
                name="transfer_kind_has_its_organisations"),
            models.CheckConstraint(condition=~Q(kind=TransferKind.WITHIN) | ~Q(from_organisation=F("to_organisation")),
                                   name="transfer_not_to_same_organisation"),
            models.CheckConstraint(condition=Q(kind=TransferKind.IN) | Q(letter_number__isnull=False),
                                   name="transfer_letter_is_numbered"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()} {self.letter_text}"

    def get_absolute_url(self):
        return pk_url(self.pk, "members:transfer_detail")  # one reverse per process, not per row (core.reversing)

    @property
    def letter_text(self) -> str:
        if self.letter_number is None:
            return self.incoming_letter_number
        return f"（{self.letter_year}）第{self.letter_number:04d}号"

    @property
    def from_text(self) -> str:
        return self.from_organisation.name if self.from_organisation_id else self.outside_organisation

    @property
    def to_text(self) -> str:
        return self.to_organisation.name if self.to_organisation_id else self.outside_organisation

    @property
    def is_open(self) -> bool:
        return self.status == TransferStatus.SENT


def _document_path(instance, filename):
    import uuid

    return f"members/leavings/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1].lower()}"


class Leaving(models.Model):
    """A member's leaving the register (停止党籍, 出党, 去世): recorded once; the record stays, read-only."""

    member = models.OneToOneField(Member, verbose_name="党员", on_delete=models.PROTECT, related_name="leaving")
    kind = models.CharField("离开方式", max_length=20, choices=LeavingKind.choices)
    left_on = models.DateField("日期")
    reason = models.CharField("原因", max_length=300)
    document_number = models.CharField("决定文号", max_length=100, blank=True)
    document = models.FileField("决定文件", upload_to=_document_path, blank=True)
    document_content_type = models.CharField("文件类型", max_length=50, blank=True)
    document_name = models.CharField("原文件名", max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                    null=True, related_name="+")
    recorded_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "党员离开党籍记录"
        verbose_name_plural = "党员离开党籍记录"
        ordering = ["-left_on", "-pk"]
        indexes = [models.Index(fields=["left_on"], name="leaving_left_on")]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()}（{self.left_on}）"


class MemberCategory(models.Model):
    """A member's situation for a while: 流动党员 (where, contact, pledge of activity), 失联党员 (since when,
    the branch's efforts), 出国（境）. Ended when it no longer applies; the rows are the history."""

    member = models.ForeignKey(Member, verbose_name="党员", on_delete=models.CASCADE, related_name="categories")
    kind = models.CharField("类别", max_length=20, choices=CategoryKind.choices)
    starts_on = models.DateField("起始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)
    place = models.CharField("所在地/流入地", max_length=200, blank=True)
    contact = models.CharField("联系方式", max_length=100, blank=True)
    pledge = models.TextField("参加组织生活的承诺", blank=True)
    efforts = models.TextField("组织所做的工作", blank=True, help_text="失联党员：寻找、联系的经过")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                   null=True, related_name="+")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "党员类别"
        verbose_name_plural = "党员类别"
        ordering = ["member", "-starts_on"]
        indexes = [models.Index(fields=["kind", "ends_on"], name="membercategory_kind_end")]
        constraints = [
            models.UniqueConstraint(fields=["member", "kind"], condition=Q(ends_on__isnull=True),
                                    name="membercategory_one_open_per_kind"),
            models.CheckConstraint(condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                                   name="membercategory_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.member} {self.get_kind_display()}"

    def clean(self):
        if self.kind == CategoryKind.FLOWING and not self.place:
            raise ValidationError({"place": "请填写流动党员的所在地（流入地）。"})
