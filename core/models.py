from django.db import models


class Heartbeat(models.Model):
    """The last time a background process proved it was alive (the worker runs `core.tasks.worker_heartbeat`
    every minute from beat); /readyz reads it."""

    name = models.CharField("进程", max_length=50, primary_key=True)
    beat_at = models.DateTimeField("最近心跳")

    class Meta:
        verbose_name = "后台进程心跳"
        verbose_name_plural = "后台进程心跳"

    def __str__(self):
        return f"{self.name} @ {self.beat_at:%Y-%m-%d %H:%M:%S}"
