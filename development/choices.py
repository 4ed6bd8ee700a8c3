from django.db import models

from core.workflow import Workflow


class StepStatus(models.TextChoices):
    RECORDED = "RECORDED", "已记录"
    SUBMITTED = "SUBMITTED", "已报上级党委"
    APPROVED = "APPROVED", "已批准"
    RETURNED = "RETURNED", "已退回"


# Steps the superior committee decides: recorded → submitted → approved / returned (a returned step is corrected
# and submitted again). Steps without approval stay recorded.
STEP_WORKFLOW = Workflow(StepStatus, {
    (StepStatus.RECORDED, StepStatus.SUBMITTED): "报上级党委",
    (StepStatus.SUBMITTED, StepStatus.APPROVED): "批准",
    (StepStatus.SUBMITTED, StepStatus.RETURNED): "退回",
    (StepStatus.RETURNED, StepStatus.SUBMITTED): "修改后重新报送",
}, noun="该步骤", decided=frozenset({StepStatus.APPROVED, StepStatus.RETURNED}))


class People(models.TextChoices):
    NONE = "", "无"
    CONTACTS = "CONTACTS", "培养联系人"
    INTRODUCERS = "INTRODUCERS", "入党介绍人"


class Outcome(models.TextChoices):
    """Step 24: what the superior committee decides at the end of probation."""

    CONVERTED = "CONVERTED", "按期转为正式党员"
    EXTENDED = "EXTENDED", "延长预备期"
    CANCELLED = "CANCELLED", "取消预备党员资格"


class DocumentKind(models.TextChoices):
    TALK_RECORD = "TALK_RECORD", "谈话记录"
    ACTIVIST_FILING = "ACTIVIST_FILING", "确定入党积极分子备案报告"
    CONTACT_OPINION = "CONTACT_OPINION", "培养联系人意见"
    CANDIDATE_FILING = "CANDIDATE_FILING", "确定发展对象备案报告"
    INTRODUCER_OPINION = "INTRODUCER_OPINION", "入党介绍人意见"
    PUBLICITY_NOTICE = "PUBLICITY_NOTICE", "发展对象公示"
    ADMISSION_REQUEST = "ADMISSION_REQUEST", "关于接收预备党员的请示"
    CONVERSION_REQUEST = "CONVERSION_REQUEST", "关于预备党员转正的请示"
    EXTENSION_DECISION = "EXTENSION_DECISION", "延长预备期的决定"


class Timing(models.TextChoices):
    DONE = "DONE", "已完成"
    WAITING = "WAITING", "待审批"
    DUE = "DUE", "待办"
    OVERDUE = "OVERDUE", "已逾期"
    LATER = "LATER", "未到"
