import datetime as dt

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.reversing import pk_url

from .choices import OrganisationKind, OrganisationStatus, Position, RoleKind


class Unit(models.Model):
    """所在单位: the government body an organisation sits in."""

    name = models.CharField("单位名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=30, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["sort_order", "name"]

    def __str__(self):
        return self.name


class OrganisationQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status=OrganisationStatus.ACTIVE)

    def subtree_of(self, organisations):
        """The given organisations and everything below them, in one query."""
        condition = Q(pk__in=[])
        for path in organisations.values_list("path", flat=True) if hasattr(organisations, "values_list") else [
            o.path for o in organisations
        ]:
            condition |= Q(path__startswith=path)
        return self.filter(condition)


class Organisation(models.Model):
    """党组织. The tree is kept as a materialised path ("/1/5/23/") so that
    "this organisation and everything below it" is one indexed prefix query."""

    kind = models.CharField("组织类型", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("全称", max_length=100)
    short_name = models.CharField("简称", max_length=40, blank=True)
    unit = models.ForeignKey(Unit, verbose_name="所在单位", on_delete=models.PROTECT, null=True, blank=True,
                             related_name="organisations")
    parent = models.ForeignKey("self", verbose_name="上级党组织", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="children")
    path = models.CharField("路径", max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    established_on = models.DateField("成立日期", null=True, blank=True)
    status = models.CharField("状态", max_length=10, choices=OrganisationStatus.choices,
                              default=OrganisationStatus.ACTIVE)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    address = models.CharField("活动场所地址", max_length=200, blank=True)
    description = models.TextField("简介", blank=True, help_text="在组织公开页面上显示")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=OrganisationStatus.ACTIVE) | Q(dissolved_on__isnull=False),
                name="organisation_dissolved_has_date",
            ),
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="organisation_not_own_parent"),
        ]
        indexes = [
            # The few organisations no longer active (the tree's tops lie below them or have no parent).
            models.Index(fields=["id"], condition=~Q(status=OrganisationStatus.ACTIVE), name="organisation_not_active"),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return pk_url(self.pk, "branches:organisation_detail")  # one reverse per process, not per row (core.reversing)

    @property
    def display_name(self):
        return self.short_name or self.name

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        path, depth = self.compute_path()
        if (path, depth) != (self.path, self.depth):
            self.path, self.depth = path, depth
            Organisation.objects.filter(pk=self.pk).update(path=path, depth=depth)

    def compute_path(self) -> tuple[str, int]:
        if self.parent_id is None:
            return f"/{self.pk}/", 0
        parent = Organisation.objects.only("path", "depth").get(pk=self.parent_id)
        return f"{parent.path}{self.pk}/", parent.depth + 1

    def is_below_or_is(self, other: "Organisation") -> bool:
        return self.path.startswith(other.path)

    def current_term(self) -> "Term | None":
        return self.terms.order_by("-starts_on").first()


class Term(models.Model):
    """届: one elected term of an organisation. The current term is the latest."""

    organisation = models.ForeignKey(Organisation, verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="terms")
    number = models.PositiveSmallIntegerField("届次", null=True, blank=True)
    elected_on = models.DateField("选举日期")
    starts_on = models.DateField("任期开始")
    ends_on = models.DateField("任期届满", blank=True, help_text="留空则按任期规则自动计算")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["organisation", "-starts_on"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"),
            models.UniqueConstraint(fields=["organisation", "starts_on"], name="term_unique_start"),
        ]

    def __str__(self):
        number = f"第{self.number}届" if self.number else "届"
        return f"{self.organisation} {number}（{self.starts_on:%Y.%m}—{self.ends_on:%Y.%m}）"

    def clean(self):
        if self.ends_on is None and self.starts_on and self.organisation_id:
            self.ends_on = self.default_end(self.organisation.kind, self.starts_on)
            if self.ends_on is None:
                raise ValidationError({"ends_on": "该类型党组织没有任期规则，请填写任期届满日期。"})

    @staticmethod
    def default_end(kind: str, starts_on: dt.date) -> dt.date | None:
        from rules.models import TermLength

        years = TermLength.years_for(kind, starts_on)
        return starts_on + relativedelta(years=years) if years else None

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.ends_on < (today or dt.date.today())


class PartyGroup(models.Model):
    """党小组."""

    organisation = models.ForeignKey(Organisation, verbose_name="所属党支部", on_delete=models.CASCADE,
                                     related_name="party_groups")
    name = models.CharField("名称", max_length=50)
    leader = models.ForeignKey("members.Member", verbose_name="组长", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="led_groups")
    sort_order = models.PositiveIntegerField("排序", default=0)

    class Meta:
        verbose_name = "党小组"
        verbose_name_plural = "党小组"
        ordering = ["organisation", "sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="partygroup_unique_name")]

    def __str__(self):
        return f"{self.organisation.display_name} {self.name}"


class CommitteePositionQuerySet(models.QuerySet):
    def current(self, on: dt.date | None = None):
        on = on or dt.date.today()
        return self.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=on), starts_on__lte=on)


class CommitteePosition(models.Model):
    """A member's seat on an organisation's committee (书记, 副书记, 组织委员 …)."""

    organisation = models.ForeignKey(Organisation, verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="positions")
    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.CASCADE,
                               related_name="positions")
    position = models.CharField("职务", max_length=20, choices=Position.choices)
    term = models.ForeignKey(Term, verbose_name="届次", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="positions")
    starts_on = models.DateField("任职日期")
    ends_on = models.DateField("离任日期", null=True, blank=True)

    history = HistoricalRecords()
    objects = CommitteePositionQuerySet.as_manager()

    class Meta:
        verbose_name = "委员职务"
        verbose_name_plural = "委员职务"
        ordering = ["organisation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "position"],
                condition=Q(ends_on__isnull=True, position__in=["SECRETARY"]),
                name="position_one_current_secretary",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on")),
                name="position_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.organisation.display_name} {self.get_position_display()} {self.member.name}"

    def clean(self):
        # A seat belongs to a term of its own organisation and starts within it (the committee of that term).
        if self.term_id and self.organisation_id and self.term.organisation_id != self.organisation_id:
            raise ValidationError({"term": "所选届次不属于该党组织。"})
        if self.term_id and self.starts_on and not (self.term.starts_on <= self.starts_on <= self.term.ends_on):
            raise ValidationError({"starts_on": "任职日期应在所选届次的任期之内。"})


class Role(models.Model):
    """What a login may do. Admin: everything. Secretary: one organisation and
    everything below it. (A member's own record needs no role: Member.user.)"""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="账号", on_delete=models.CASCADE,
                             related_name="roles")
    kind = models.CharField("角色", max_length=20, choices=RoleKind.choices)
    organisation = models.ForeignKey(Organisation, verbose_name="管理的党组织", on_delete=models.CASCADE, null=True,
                                     blank=True, related_name="roles")
    granted_at = models.DateTimeField("授予时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "角色"
        verbose_name_plural = "角色"
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind=RoleKind.ADMIN) & Q(organisation__isnull=True))
                | (Q(kind=RoleKind.SECRETARY) & Q(organisation__isnull=False)),
                name="role_secretary_has_organisation",
            ),
            models.UniqueConstraint(fields=["user", "kind", "organisation"], name="role_unique"),
            models.UniqueConstraint(fields=["user"], condition=Q(kind=RoleKind.ADMIN), name="role_one_admin_row"),
        ]

    def __str__(self):
        where = f"（{self.organisation.display_name}）" if self.organisation_id else ""
        return f"{self.user} {self.get_kind_display()}{where}"
