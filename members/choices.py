from django.db import models

# Re-exported: the organisation pages (branches) count members by them too.
from core.choices import MembershipStatus, Stage  # noqa: F401


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    DOCTORATE = "DOCTORATE", "博士研究生"
    MASTER = "MASTER", "硕士研究生"
    BACHELOR = "BACHELOR", "大学本科"
    COLLEGE = "COLLEGE", "大学专科"
    SECONDARY = "SECONDARY", "中专/高中"
    BELOW = "BELOW", "初中及以下"


class EmploymentStatus(models.TextChoices):
    SERVING = "SERVING", "在职"
    RETIRED = "RETIRED", "离退休"
    STUDENT = "STUDENT", "学生"
    UNEMPLOYED = "UNEMPLOYED", "无固定收入"


class TransferKind(models.TextChoices):
    WITHIN = "WITHIN", "系统内转接"
    OUT = "OUT", "转出至系统外"
    IN = "IN", "从系统外转入"


class TransferStatus(models.TextChoices):
    SENT = "SENT", "待接收"
    ACCEPTED = "ACCEPTED", "已接收"
    RETURNED = "RETURNED", "已退回"
    CANCELLED = "CANCELLED", "已撤回"


class LeavingKind(models.TextChoices):
    SUSPENDED = "SUSPENDED", "停止党籍"
    EXPELLED = "EXPELLED", "开除党籍"
    REMOVED = "REMOVED", "除名"
    PERSUADED = "PERSUADED", "劝其退党"
    LAPSED = "LAPSED", "自行脱党"
    DECEASED = "DECEASED", "去世"


# How each way of leaving shows on the member's record (出党 covers the four ways out of the party).
LEAVING_STATUS = {
    LeavingKind.SUSPENDED: MembershipStatus.SUSPENDED,
    LeavingKind.EXPELLED: MembershipStatus.EXPELLED,
    LeavingKind.REMOVED: MembershipStatus.EXPELLED,
    LeavingKind.PERSUADED: MembershipStatus.EXPELLED,
    LeavingKind.LAPSED: MembershipStatus.EXPELLED,
    LeavingKind.DECEASED: MembershipStatus.DECEASED,
}


class CategoryKind(models.TextChoices):
    FLOWING = "FLOWING", "流动党员"
    LOST_CONTACT = "LOST_CONTACT", "失联党员"
    ABROAD = "ABROAD", "出国（境）党员"
