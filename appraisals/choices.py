from django.db import models

from core.workflow import Workflow


class AppraisalStatus(models.TextChoices):
    DRAFT = "DRAFT", "评议中"
    SUBMITTED = "SUBMITTED", "已报上级"
    CONFIRMED = "CONFIRMED", "上级已确认"


APPRAISAL_WORKFLOW = Workflow(AppraisalStatus, {
    (AppraisalStatus.DRAFT, AppraisalStatus.SUBMITTED): "报上级党组织",
    (AppraisalStatus.SUBMITTED, AppraisalStatus.CONFIRMED): "确认",
    (AppraisalStatus.SUBMITTED, AppraisalStatus.DRAFT): "退回修改",
}, noun="该评议", decided=frozenset({AppraisalStatus.CONFIRMED}))


class Grade(models.TextChoices):
    EXCELLENT = "EXCELLENT", "优秀"
    QUALIFIED = "QUALIFIED", "合格"
    BASICALLY_QUALIFIED = "BASICALLY_QUALIFIED", "基本合格"
    UNQUALIFIED = "UNQUALIFIED", "不合格"


class FollowUp(models.TextChoices):
    """What the branch decides for a member graded 不合格 (《关于建立民主评议党员和组织处置不合格党员制度的意见》)."""

    CORRECTION = "CORRECTION", "限期改正"
    REMOVAL = "REMOVAL", "提出除名意见"
