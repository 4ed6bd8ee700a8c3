from dataclasses import dataclass

from django.db import models


class Kind(models.TextChoices):
    # For members: activities they are expected at.
    ACTIVITY_DAY_BEFORE = "ACTIVITY_DAY_BEFORE", "活动前一天提醒"
    ACTIVITY_SOON = "ACTIVITY_SOON", "活动即将开始"
    ACTIVITY_CHANGED = "ACTIVITY_CHANGED", "活动时间地点变更"
    ACTIVITY_CANCELLED = "ACTIVITY_CANCELLED", "活动取消"
    # For secretaries: their organisation's duties.
    MEETINGS_DUE = "MEETINGS_DUE", "本月应开会议尚未召开"
    THEMED_DAY_UNPLANNED = "THEMED_DAY_UNPLANNED", "本月主题党日尚未安排"
    REELECTION_DUE = "REELECTION_DUE", "换届到期提醒"
    PROBATION_ENDING = "PROBATION_ENDING", "预备期即将届满"
    REVIEW_RETURNED = "REVIEW_RETURNED", "标准化验收退回修改"
    DUTY_DUE = "DUTY_DUE", "责任清单事项即将到期"
    DUES_BASE_UPDATE = "DUES_BASE_UPDATE", "年度核定党费基数"
    DUES_UNPAID = "DUES_UNPAID", "党员连续未交党费"
    TRANSFER_PENDING = "TRANSFER_PENDING", "组织关系转接逾期未接收"
    DEVELOPMENT_DUE = "DEVELOPMENT_DUE", "发展党员工作待办"
    # Summaries.
    WEEKLY_DIGEST = "WEEKLY_DIGEST", "每周工作摘要"
    ADMIN_DIGEST = "ADMIN_DIGEST", "工委每周摘要"
    WEBHOOK_TEST = "WEBHOOK_TEST", "群机器人测试消息"
    # For whoever asked for a report: it is ready, or it failed and can be generated again.
    REPORT_READY = "REPORT_READY", "报表已生成"
    REPORT_FAILED = "REPORT_FAILED", "报表生成失败"


class Mode(models.TextChoices):
    IMMEDIATE = "IMMEDIATE", "立即提醒"
    DIGEST = "DIGEST", "汇总到每周摘要"


@dataclass(frozen=True)
class KindSpec:
    default_mode: str
    # Secretaries may choose between an immediate message and the weekly digest for these kinds.
    choosable: bool = False


# Urgent facts go out at once; everything else waits for the weekly digest unless the user asks otherwise
# (users of these systems complain most about being pushed too often).
KIND_SPECS = {
    Kind.ACTIVITY_DAY_BEFORE: KindSpec(Mode.IMMEDIATE),
    Kind.ACTIVITY_SOON: KindSpec(Mode.IMMEDIATE),
    Kind.ACTIVITY_CHANGED: KindSpec(Mode.IMMEDIATE),
    Kind.ACTIVITY_CANCELLED: KindSpec(Mode.IMMEDIATE),
    Kind.MEETINGS_DUE: KindSpec(Mode.DIGEST, choosable=True),
    Kind.THEMED_DAY_UNPLANNED: KindSpec(Mode.DIGEST, choosable=True),
    Kind.REELECTION_DUE: KindSpec(Mode.DIGEST, choosable=True),
    Kind.PROBATION_ENDING: KindSpec(Mode.DIGEST, choosable=True),
    Kind.REVIEW_RETURNED: KindSpec(Mode.IMMEDIATE, choosable=True),
    Kind.DUTY_DUE: KindSpec(Mode.DIGEST, choosable=True),
    Kind.DUES_BASE_UPDATE: KindSpec(Mode.DIGEST, choosable=True),
    Kind.DUES_UNPAID: KindSpec(Mode.DIGEST, choosable=True),
    Kind.TRANSFER_PENDING: KindSpec(Mode.DIGEST, choosable=True),
    Kind.DEVELOPMENT_DUE: KindSpec(Mode.DIGEST, choosable=True),
    Kind.WEEKLY_DIGEST: KindSpec(Mode.IMMEDIATE),
    Kind.ADMIN_DIGEST: KindSpec(Mode.IMMEDIATE),
    Kind.WEBHOOK_TEST: KindSpec(Mode.IMMEDIATE),
    Kind.REPORT_READY: KindSpec(Mode.IMMEDIATE),
    Kind.REPORT_FAILED: KindSpec(Mode.IMMEDIATE),
}

CHOOSABLE_KINDS = [kind for kind, spec in KIND_SPECS.items() if spec.choosable]
ACTIVITY_KINDS = (Kind.ACTIVITY_DAY_BEFORE, Kind.ACTIVITY_SOON, Kind.ACTIVITY_CHANGED, Kind.ACTIVITY_CANCELLED)


class Channel(models.TextChoices):
    EMAIL = "EMAIL", "电子邮件"
    WEBHOOK = "WEBHOOK", "群机器人"


class DeliveryStatus(models.TextChoices):
    PENDING = "PENDING", "待发送"
    SENDING = "SENDING", "发送中"
    SENT = "SENT", "已发送"
    FAILED = "FAILED", "发送失败"


class Provider(models.TextChoices):
    WECOM = "WECOM", "企业微信群机器人"
    DINGTALK = "DINGTALK", "钉钉群机器人"
