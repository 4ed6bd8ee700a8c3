import datetime as dt
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from simple_history.models import HistoricalRecords

from core.reversing import pk_url

from .choices import (
    ActivityKind,
    ActivityStatus,
    AttendanceRole,
    AttendanceStatus,
    RecordedBy,
    RegistrationStatus,
    Theme,
    WishStatus,
)

# The longest an activity may last (a training course runs a few days). Calendars find what overlaps a range
# by the indexed start alone, from this long before the range: without that lower bound PostgreSQL walks every
# activity that started before the range's end (a province secretary's month: 3.6 s).
MAX_ACTIVITY_LENGTH = dt.timedelta(days=31)


class ActivityPlan(models.Model):
    """A recurring plan ("the themed day on the 15th of every month") that created individual activities."""

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="activity_plans")
    kind = models.CharField("活动类型", max_length=30, choices=ActivityKind.choices)
    theme = models.CharField("主题类别", max_length=20, choices=Theme.choices, blank=True)
    title = models.CharField("标题", max_length=100)
    day_of_month = models.PositiveSmallIntegerField("每月几号")
    start_time = models.TimeField("开始时间")
    duration_minutes = models.PositiveSmallIntegerField("时长（分钟）", default=90)
    place = models.CharField("地点", max_length=100, blank=True)
    first_month = models.DateField("起始月份")
    months = models.PositiveSmallIntegerField("共几个月", default=12)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "周期活动计划"
        verbose_name_plural = "周期活动计划"
        constraints = [
            models.CheckConstraint(condition=Q(day_of_month__gte=1, day_of_month__lte=31), name="plan_day_of_month"),
        ]

    def __str__(self):
        return f"{self.organisation.display_name} 每月{self.day_of_month}日 {self.title}"


class ActivityQuerySet(models.QuerySet):
    def held(self):
        return self.filter(status=ActivityStatus.HELD)

    def not_cancelled(self):
        return self.exclude(status=ActivityStatus.CANCELLED)


class Activity(models.Model):
    """One meeting, lesson, themed day, lecture … of one organisation (or several,
    for joint activities; the working committee's for city-wide ones).
    The planned times never change once the activity is held; the actual ones are recorded beside them."""

    organisation = models.ForeignKey("branches.Organisation", verbose_name="主办党组织", on_delete=models.PROTECT,
                                     related_name="activities")
    joint_organisations = models.ManyToManyField("branches.Organisation", verbose_name="联合开展的党组织",
                                                 blank=True, related_name="joint_activities")
    party_group = models.ForeignKey("branches.PartyGroup", verbose_name="党小组", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="activities")
    plan = models.ForeignKey(ActivityPlan, verbose_name="所属周期计划", on_delete=models.SET_NULL, null=True,
                             blank=True, related_name="activities")
    kind = models.CharField("活动类型", max_length=30, choices=ActivityKind.choices, db_index=True)
    theme = models.CharField("主题类别", max_length=20, choices=Theme.choices, blank=True)
    title = models.CharField("标题", max_length=100)
    planned_start = models.DateTimeField("计划开始时间", db_index=True)
    planned_end = models.DateTimeField("计划结束时间")
    actual_start = models.DateTimeField("实际开始时间", null=True, blank=True)
    actual_end = models.DateTimeField("实际结束时间", null=True, blank=True)
    place = models.CharField("地点", max_length=100, blank=True)
    host = models.CharField("主持人", max_length=50, blank=True)
    lecturer = models.CharField("主讲人", max_length=50, blank=True)
    recorder = models.CharField("记录人", max_length=50, blank=True)
    agenda = models.TextField("议程", blank=True)
    minutes = models.TextField("会议记录", blank=True)
    resolutions = models.TextField("决议事项", blank=True)
    status = models.CharField("状态", max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED,
                              db_index=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    is_open = models.BooleanField("公开活动", default=False, help_text="开放式党课等：任何人可参加，群众也计入参与人次")
    is_city_wide = models.BooleanField("全市性活动", default=False, help_text="市直机关大讲堂、培训班等，所有党员可见")
    capacity = models.PositiveIntegerField("报名名额", null=True, blank=True, help_text="留空表示不需报名")
    participant_count = models.PositiveIntegerField("参与人次", null=True, blank=True,
                                                    help_text="公开活动的总参与人次（含群众）；留空则按签到人数计")
    rescheduled_at = models.DateTimeField("时间地点变更时间", null=True, blank=True, editable=False,
                                          help_text="计划时间或地点最近一次变更的时间；据此通知应参加的党员")
    uid = models.UUIDField("日历标识", default=uuid.uuid4, unique=True, editable=False)
    sequence = models.PositiveIntegerField("日历版本号", default=0, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="创建人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["updated_at", "sequence", "rescheduled_at"])
    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "组织生活"
        verbose_name_plural = "组织生活"
        ordering = ["-planned_start"]
        indexes = [
            models.Index(fields=["organisation", "planned_start"], name="activity_org_start"),
            # The compliance matrix groups held activities by month of their actual start.
            models.Index(fields=["status", "actual_start"], name="activity_status_actual"),
            # Calendars and feeds filter on the effective time (actual once held, else planned).
            models.Index(Coalesce("actual_start", "planned_start"), name="activity_effective_start"),
            models.Index(Coalesce("actual_end", "planned_end"), name="activity_effective_end"),
            # Open lectures and city-wide events to come (every secretary's activity list): a few hundred rows
            # among millions of branch meetings.
            models.Index(fields=["planned_start"], name="activity_public_start",
                         condition=Q(is_open=True) | Q(is_city_wide=True)),
            # The activity list's order to the row: a city's branches hold their themed day at the same hour, and
            # the planned_start index alone made an admin's first page sort 13,000 ties at province scale.
            models.Index(fields=["planned_start", "id"], name="activity_list_order"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(planned_end__gt=models.F("planned_start")),
                                   name="activity_planned_end_after_start"),
            models.CheckConstraint(condition=Q(actual_end__isnull=True) | Q(actual_start__isnull=True)
                                   | Q(actual_end__gt=models.F("actual_start")),
                                   name="activity_actual_end_after_start"),
            models.CheckConstraint(condition=~Q(status=ActivityStatus.CANCELLED) | ~Q(cancel_reason=""),
                                   name="activity_cancelled_has_reason"),
            models.CheckConstraint(condition=~Q(status=ActivityStatus.HELD) | Q(actual_start__isnull=False),
                                   name="activity_held_has_actual_start"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return pk_url(self.pk, "activities:activity_detail")  # one reverse per process, not per row (core.reversing)

    @property
    def start(self):
        return self.actual_start or self.planned_start

    @property
    def end(self):
        return self.actual_end or self.planned_end

    @property
    def is_locked(self) -> bool:
        """A held activity is a record: changes need a reason and are kept in its history."""
        return self.status == ActivityStatus.HELD


class Attendance(models.Model):
    """Who was expected at an activity and what became of it. A member's row
    exists from planning (EXPECTED) and is settled when attendance is recorded;
    invited non-members (列席) and guests of open events have a name instead of a member."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="attendances")
    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.CASCADE, null=True,
                               blank=True, related_name="attendances")
    guest_name = models.CharField("姓名（非党员）", max_length=50, blank=True)
    guest_unit = models.CharField("单位（非党员）", max_length=100, blank=True)
    role = models.CharField("身份", max_length=10, choices=AttendanceRole.choices, default=AttendanceRole.ATTENDEE)
    # Not indexed: always read with its activity (tens of millions of rows at province scale, four values).
    status = models.CharField("出勤", max_length=10, choices=AttendanceStatus.choices,
                              default=AttendanceStatus.EXPECTED)
    leave_reason = models.CharField("请假事由", max_length=200, blank=True)
    recorded_via = models.CharField("登记方式", max_length=10, choices=RecordedBy.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField("登记时间", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "出勤记录"
        verbose_name_plural = "出勤记录"
        constraints = [
            models.UniqueConstraint(fields=["activity", "member"], condition=Q(member__isnull=False),
                                    name="attendance_one_row_per_member"),
            models.CheckConstraint(condition=Q(member__isnull=False) | ~Q(guest_name=""),
                                   name="attendance_member_or_guest_name"),
            models.CheckConstraint(condition=~Q(status=AttendanceStatus.LEAVE) | ~Q(leave_reason=""),
                                   name="attendance_leave_has_reason"),
        ]

    def __str__(self):
        return f"{self.activity} {self.member or self.guest_name} {self.get_status_display()}"


class Registration(models.Model):
    """A sign-up for an open event with limited places; over capacity it waits in line."""

    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE,
                                 related_name="registrations")
    member = models.ForeignKey("members.Member", verbose_name="党员", on_delete=models.CASCADE,
                               related_name="registrations")
    status = models.CharField("状态", max_length=12, choices=RegistrationStatus.choices)
    created_at = models.DateTimeField("报名时间", auto_now_add=True)

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        ordering = ["created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["activity", "member"], name="registration_unique")]


def _photo_path(instance, filename):
    # Unguessable names; the extension comes from the decoded format, never from the upload.
    return f"activity-photos/{instance.activity_id}/{uuid.uuid4().hex}.{filename.rsplit('.', 1)[-1]}"


class Photo(models.Model):
    activity = models.ForeignKey(Activity, verbose_name="活动", on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField("照片", upload_to=_photo_path, width_field="width", height_field="height")
    thumbnail = models.ImageField("缩略图", upload_to=_photo_path)
    width = models.PositiveIntegerField("宽", default=0)
    height = models.PositiveIntegerField("高", default=0)
    caption = models.CharField("说明", max_length=100, blank=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.SET_NULL,
                                    null=True, blank=True, related_name="+")
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "活动照片"
        verbose_name_plural = "活动照片"
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.caption or f"{self.activity} 照片"


# The wish board's order: open wishes first, then claimed, then fulfilled; newest first within each. An index on
# the same expression (MicroWish.Meta) lets a page of the board read its rows in order instead of sorting every
# wish of the province.
WISH_BOARD_ORDER = models.Case(*(models.When(status=value, then=models.Value(rank))
                                 for rank, value in enumerate(WishStatus.values)),
                               output_field=models.IntegerField())


class MicroWish(models.Model):
    """微心愿: a small wish (of a member or a resident) that a member claims and fulfils."""

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="micro_wishes")
    activity = models.ForeignKey(Activity, verbose_name="发布的主题党日", on_delete=models.SET_NULL, null=True,
                                 blank=True, related_name="micro_wishes")
    title = models.CharField("心愿", max_length=100)
    description = models.TextField("说明", blank=True)
    wisher_name = models.CharField("许愿人", max_length=50)
    wisher_contact = models.CharField("许愿人联系方式", max_length=50, blank=True)
    status = models.CharField("状态", max_length=10, choices=WishStatus.choices, default=WishStatus.OPEN,
                              db_index=True)
    claimed_by = models.ForeignKey("members.Member", verbose_name="认领党员", on_delete=models.SET_NULL, null=True,
                                   blank=True, related_name="claimed_wishes")
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    fulfilled_at = models.DateTimeField("实现时间", null=True, blank=True)
    fulfilment_note = models.TextField("实现情况", blank=True)
    fulfilment_photo = models.ImageField("实现照片", upload_to="wish-photos/", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="录入人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("发布时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "微心愿"
        verbose_name_plural = "微心愿"
        ordering = ["status", "-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(status=WishStatus.OPEN) | Q(claimed_by__isnull=False),
                                   name="wish_claimed_has_member"),
            models.CheckConstraint(condition=~Q(status=WishStatus.FULFILLED) | Q(fulfilled_at__isnull=False),
                                   name="wish_fulfilled_has_date"),
        ]
        indexes = [models.Index(WISH_BOARD_ORDER, models.F("created_at").desc(), models.F("id").desc(),
                                name="wish_board_order")]

    def __str__(self):
        return self.title


class CalendarFeed(models.Model):
    """A user's secret iCalendar subscription URL; resetting the token revokes the old URL."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="calendar_feed")
    token = models.CharField("令牌", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "日历订阅"
        verbose_name_plural = "日历订阅"

    def __str__(self):
        return f"{self.user} 的日历订阅"
