from django.db import models

from core.choices import ActivityKind  # noqa: F401  (re-exported: the rules tables name it too)

# The 三会一课 and other regular meetings: the kinds the compliance rules count.
REGULAR_KINDS = (
    ActivityKind.GENERAL_MEETING, ActivityKind.COMMITTEE_MEETING, ActivityKind.GROUP_MEETING,
    ActivityKind.PARTY_LESSON, ActivityKind.THEMED_DAY, ActivityKind.ORG_LIFE_MEETING,
    ActivityKind.APPRAISAL_MEETING,
)


class Theme(models.TextChoices):
    OATH_RENEWAL = "OATH_RENEWAL", "重温入党誓词"
    MICRO_LESSON = "MICRO_LESSON", "微党课"
    MICRO_REFLECTION = "MICRO_REFLECTION", "微感言"
    MICRO_WISH = "MICRO_WISH", "微心愿"
    OTHER = "OTHER", "其他主题"


class ActivityStatus(models.TextChoices):
    PLANNED = "PLANNED", "计划中"
    HELD = "HELD", "已开展"
    CANCELLED = "CANCELLED", "已取消"


class AttendanceStatus(models.TextChoices):
    EXPECTED = "EXPECTED", "待签到"
    PRESENT = "PRESENT", "出席"
    LEAVE = "LEAVE", "请假"
    ABSENT = "ABSENT", "缺席"


class AttendanceRole(models.TextChoices):
    ATTENDEE = "ATTENDEE", "应到人员"
    OBSERVER = "OBSERVER", "列席"
    GUEST = "GUEST", "参加群众/来宾"


class RecordedBy(models.TextChoices):
    QR = "QR", "扫码签到"
    SECRETARY = "SECRETARY", "书记登记"
    IMPORT = "IMPORT", "批量导入"


class RegistrationStatus(models.TextChoices):
    REGISTERED = "REGISTERED", "已报名"
    WAITLISTED = "WAITLISTED", "候补"
    CANCELLED = "CANCELLED", "已取消"


class WishStatus(models.TextChoices):
    OPEN = "OPEN", "待认领"
    CLAIMED = "CLAIMED", "已认领"
    FULFILLED = "FULFILLED", "已实现"
