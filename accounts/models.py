from django.contrib.auth.models import AbstractUser
from django.db import models

from core.validators import validate_mobile


class User(AbstractUser):
    """A login. Roles live in branches.Role; the party record in members.Member."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    phone = models.CharField(
        "手机号", max_length=11, unique=True, null=True, blank=True, validators=[validate_mobile]
    )
    # The first-login guide shows until the user dismisses it; then never again, on any device.
    guide_dismissed_at = models.DateTimeField("已关闭入门引导", null=True, blank=True)

    class Meta:
        verbose_name = "用户账号"
        verbose_name_plural = "用户账号"

    def __str__(self):
        return self.full_name or self.username

    def get_full_name(self):
        return self.full_name or self.username
