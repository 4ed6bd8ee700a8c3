from django.conf import settings
from django.db import models


class Action(models.TextChoices):
    PERSONAL_DATA_VIEWED = "PERSONAL_DATA_VIEWED", "查看个人敏感信息"
    MEMBER_CREATED = "MEMBER_CREATED", "新增党员"
    MEMBER_UPDATED = "MEMBER_UPDATED", "修改党员信息"
    ORGANISATION_UPDATED = "ORGANISATION_UPDATED", "修改党组织信息"
    ACCOUNT_CREATED = "ACCOUNT_CREATED", "创建账号"
    CALENDAR_FEED_RESET = "CALENDAR_FEED_RESET", "重置日历订阅地址"
    EXEMPTION_GRANTED = "EXEMPTION_GRANTED", "批准要求豁免"
    WEBHOOK_CREATED = "WEBHOOK_CREATED", "添加群机器人"
    WEBHOOK_UPDATED = "WEBHOOK_UPDATED", "修改群机器人"
    WEBHOOK_DELETED = "WEBHOOK_DELETED", "删除群机器人"


class ActionLog(models.Model):
    """Business events and reads of personal data: who did what to whom, when.
    Field-level history of every model is kept separately by django-simple-history.

    Every read of personal data writes here (an API page of 50 members: 50 rows in one INSERT), so the references
    carry no database constraint: PostgreSQL checked three foreign keys per row at commit (150 lookups, about as long
    as the INSERT itself) for ids the same request had just read. Django still applies `on_delete` (a deleted
    member's rows lose the link, as before)."""

    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.SET_NULL,
                              null=True, related_name="+", db_constraint=False)
    action = models.CharField("操作", max_length=40, choices=Action.choices, db_index=True)
    member = models.ForeignKey("members.Member", verbose_name="涉及党员", on_delete=models.SET_NULL, null=True,
                               blank=True, related_name="+", db_constraint=False)
    organisation = models.ForeignKey("branches.Organisation", verbose_name="涉及党组织", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+", db_constraint=False)
    detail = models.CharField("说明", max_length=300, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)

    class Meta:
        verbose_name = "操作日志"
        verbose_name_plural = "操作日志"
        ordering = ["-at"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.get_action_display()}"
