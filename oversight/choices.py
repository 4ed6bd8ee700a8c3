from django.db import models


class ReviewStatus(models.TextChoices):
    DRAFT = "DRAFT", "填报中"
    SUBMITTED = "SUBMITTED", "已提交待审核"
    RETURNED = "RETURNED", "退回整改"
    ACCEPTED = "ACCEPTED", "验收合格"
    FAILED = "FAILED", "验收不合格"


class ItemVerdict(models.TextChoices):
    PENDING = "PENDING", "待审核"
    PASS = "PASS", "通过"
    NEEDS_CORRECTION = "NEEDS_CORRECTION", "需整改"


class ReviewAction(models.TextChoices):
    SAVED = "SAVED", "保存草稿"
    SUBMITTED = "SUBMITTED", "提交自评"
    ITEM_PASSED = "ITEM_PASSED", "审核通过单项"
    ITEM_RETURNED = "ITEM_RETURNED", "单项退回整改"
    RETURNED = "RETURNED", "退回整改"
    RESUBMITTED = "RESUBMITTED", "整改后重新提交"
    ACCEPTED = "ACCEPTED", "验收合格"
    FAILED = "FAILED", "验收不合格"


class DutyStatus(models.TextChoices):
    OPEN = "OPEN", "待完成"
    DONE = "DONE", "已完成"
