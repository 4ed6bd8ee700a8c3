from django.db import models


class JobStatus(models.TextChoices):
    CHECKING = "CHECKING", "正在检查"
    INVALID = "INVALID", "有错误，未导入"
    READY = "READY", "检查通过，待确认"
    WRITING = "WRITING", "正在导入"
    DONE = "DONE", "已导入"
    FAILED = "FAILED", "导入失败"
