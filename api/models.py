from django.conf import settings
from django.db import models
from django.db.models import Q


class ApiToken(models.Model):
    """A per-user key for the JSON API, issued and revoked by an admin. Only its SHA-256 is stored: the plaintext
    is shown once, when it is issued. A call with it sees exactly what its user sees on the pages."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="所属账号", on_delete=models.CASCADE,
                             related_name="api_tokens")
    name = models.CharField("用途", max_length=100, help_text="例如：市委组织部平台同步、机关 OA 对接")
    prefix = models.CharField("令牌前缀", max_length=12, unique=True, editable=False,
                              help_text="令牌开头的几个字符，用于在日志和列表中辨认令牌，不能用来调用接口")
    key_hash = models.CharField("令牌摘要（SHA-256）", max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField("签发时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="签发人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+", editable=False)
    last_used_at = models.DateTimeField("最近使用时间", null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True, editable=False, db_index=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="吊销人", on_delete=models.SET_NULL,
                                   null=True, blank=True, related_name="+", editable=False)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(key_hash__regex=r"^[0-9a-f]{64}$"), name="api_token_hash_is_sha256"),
        ]

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
