import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from .choices import CHOOSABLE_KINDS, Channel, DeliveryStatus, Kind, Mode, Provider


class WebhookEndpoint(models.Model):
    """An organisation's group robot (企业微信 / 钉钉群机器人): messages are POSTed to its address."""

    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.CASCADE,
                                     related_name="webhook_endpoints")
    provider = models.CharField("类型", max_length=10, choices=Provider.choices)
    name = models.CharField("群名称", max_length=50, help_text="例如“第一党支部党员群”，便于辨认")
    url = models.URLField("机器人地址（Webhook）", max_length=500)
    secret = models.CharField("加签密钥", max_length=100, blank=True,
                              help_text="钉钉机器人开启“加签”时填写；企业微信不需要")
    activity_notices = models.BooleanField("推送活动提醒与变更", default=True)
    duty_notices = models.BooleanField("推送支部工作提醒", default=False,
                                       help_text="换届、应开会议等提醒（适合支委群）")
    is_active = models.BooleanField("启用", default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="设置人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+")
    created_at = models.DateTimeField("设置时间", auto_now_add=True)

    class Meta:
        verbose_name = "群机器人"
        verbose_name_plural = "群机器人"
        ordering = ["organisation", "pk"]

    def __str__(self):
        return f"{self.organisation} · {self.name}"

    @property
    def masked_url(self) -> str:
        """The robot's key is a secret: show only the host and the last characters."""
        head, _, tail = self.url.partition("?")
        return f"{head[:40]}…{self.url[-4:]}" if tail or len(self.url) > 44 else self.url


class Notification(models.Model):
    """One message about one fact, to one user (shown in their notification centre) or to one group robot.

    The key (kind, target, recipient, period) is unique: whatever runs twice — a retried task, two beat
    processes, a redelivered message — inserts the row once, and only the run that claims the row
    (`dispatched_at` from NULL) sends it on to e-mail and webhooks."""

    kind = models.CharField("类别", max_length=30, choices=Kind.choices, db_index=True)
    target = models.CharField("所涉对象", max_length=60, help_text="如 activity:12、organisation:3")
    recipient_key = models.CharField("接收方标识", max_length=30, editable=False)
    period = models.CharField("提醒批次", max_length=40, help_text="同一事项的不同提醒（如月份、提前 6 个月）")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="接收人", on_delete=models.CASCADE,
                                  null=True, blank=True, related_name="notifications")
    webhook = models.ForeignKey(WebhookEndpoint, verbose_name="群机器人", on_delete=models.CASCADE, null=True,
                                blank=True, related_name="notifications")
    organisation = models.ForeignKey("branches.Organisation", verbose_name="党组织", on_delete=models.SET_NULL,
                                     null=True, blank=True, related_name="+")
    mode = models.CharField("提醒方式", max_length=10, choices=Mode.choices, default=Mode.IMMEDIATE)
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    link = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("生成时间", auto_now_add=True, db_index=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    dispatched_at = models.DateTimeField("分发时间", null=True, blank=True)
    dispatch_token = models.UUIDField("分发批次", null=True, blank=True, editable=False)
    digested_in = models.ForeignKey("self", verbose_name="汇入的摘要", on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="digested")

    class Meta:
        verbose_name = "通知"
        verbose_name_plural = "通知"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "target", "recipient_key", "period"], name="notification_once"),
            models.CheckConstraint(condition=Q(recipient__isnull=False) ^ Q(webhook__isnull=False),
                                   name="notification_user_or_webhook"),
        ]
        indexes = [
            models.Index(fields=["recipient", "read_at"], name="notification_unread"),
            models.Index(fields=["dispatched_at"], name="notification_undispatched",
                         condition=Q(dispatched_at__isnull=True)),
        ]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        self.recipient_key = recipient_key(user_id=self.recipient_id, webhook_id=self.webhook_id)
        super().save(*args, **kwargs)

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


def recipient_key(*, user_id: int | None = None, webhook_id: int | None = None) -> str:
    return f"user:{user_id}" if user_id else f"webhook:{webhook_id}"


class Delivery(models.Model):
    """A notification sent on by e-mail or to a group robot: the log of what was sent, to whom, when, by which
    channel, and what failed. Claimed (PENDING → SENDING) before each attempt."""

    notification = models.ForeignKey(Notification, verbose_name="通知", on_delete=models.CASCADE,
                                     related_name="deliveries")
    channel = models.CharField("渠道", max_length=10, choices=Channel.choices)
    address = models.CharField("发送地址", max_length=500)
    status = models.CharField("状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING,
                              db_index=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    next_attempt_at = models.DateTimeField("下次尝试时间", null=True, blank=True)
    last_error = models.CharField("失败原因", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    claimed_at = models.DateTimeField("开始发送时间", null=True, blank=True)
    sent_at = models.DateTimeField("发送成功时间", null=True, blank=True)

    class Meta:
        verbose_name = "发送记录"
        verbose_name_plural = "发送记录"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["notification", "channel"], name="delivery_once_per_channel"),
            models.CheckConstraint(condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                                   name="delivery_sent_has_time"),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self):
        return f"{self.get_channel_display()} → {self.address}"


class NotificationSettings(models.Model):
    """A user's choices. Without a row the defaults apply: activity reminders the day before at 18:00 and one
    hour before, e-mail on when the user has an address, duty reminders by their kind's default mode."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE,
                                related_name="notification_settings")
    day_before = models.BooleanField("活动前一天提醒", default=True)
    day_before_at = models.TimeField("前一天提醒时间", default=dt.time(18, 0))
    soon = models.BooleanField("活动开始前提醒", default=True)
    soon_minutes = models.PositiveSmallIntegerField("提前多少分钟", default=60)
    changes = models.BooleanField("活动变更、取消时通知", default=True)
    by_email = models.BooleanField("同时发送电子邮件", default=True)
    modes = models.JSONField("各类支部工作提醒的方式", default=dict, blank=True,
                             help_text="类别 → 立即提醒 / 汇总到每周摘要；未列出的按默认")

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = "提醒设置"
        constraints = [
            models.CheckConstraint(condition=Q(soon_minutes__gte=5, soon_minutes__lte=24 * 60),
                                   name="settings_soon_minutes_range"),
        ]

    def __str__(self):
        return f"{self.user} 的提醒设置"

    def clean(self):
        unknown = set(self.modes) - set(CHOOSABLE_KINDS)
        if unknown or set(self.modes.values()) - set(Mode.values):
            raise ValidationError({"modes": "提醒方式设置有误。"})

    def mode_for(self, kind: str) -> str:
        from .choices import KIND_SPECS

        spec = KIND_SPECS[kind]
        return self.modes.get(kind, spec.default_mode) if spec.choosable else spec.default_mode
