from django.db import models


class ReportKind(models.TextChoices):
    MONTHLY_ACTIVITY = "MONTHLY_ACTIVITY", "月度组织生活报表"
    YEARLY = "YEARLY", "年度党建工作报告"
    ROSTER = "ROSTER", "党员花名册"
    ATTENDANCE = "ATTENDANCE", "出勤统计表"
    STANDARDISATION = "STANDARDISATION", "标准化验收结果"
    HONOURS = "HONOURS", "表彰名单"
    DUES = "DUES", "党费台账"


class ReportStatus(models.TextChoices):
    PENDING = "PENDING", "排队中"
    RUNNING = "RUNNING", "生成中"
    DONE = "DONE", "已完成"
    FAILED = "FAILED", "生成失败"


class Period(models.TextChoices):
    """What a kind of report covers: a month, a year, or the state on the day it is generated."""

    MONTH = "MONTH", "月度"
    YEAR = "YEAR", "年度"
    SNAPSHOT = "SNAPSHOT", "当前"


class FileFormat(models.TextChoices):
    XLSX = "xlsx", "Excel"
    PDF = "pdf", "PDF"
