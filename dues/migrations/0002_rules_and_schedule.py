"""The dues rules (the 党章 Art. 9 six months; the month of the yearly base reminder) and the daily dues sweep in
django-celery-beat's table, next to the other sweeps (notifications/migrations/0002_schedules.py)."""

import datetime as dt

from django.db import migrations

THRESHOLDS = [
    ("DUES_UNPAID_MONTHS", 6, "《中国共产党章程》第九条：党员没有正当理由，连续六个月不交纳党费，就被认为是自行脱党",
     dt.date(2022, 10, 22)),
    ("DUES_BASE_REMINDER_MONTH", 1, ("本系统设置：每年该月提醒支部核定党员的党费基数（收入变化后按新收入交纳，"
                                     "见《关于中国共产党党费收缴、使用和管理的规定》2008）"), dt.date(2020, 1, 1)),
]
SCHEDULE = ("党费提醒（每天 8:10）", "dues.tasks.remind_dues", ("10", "8", "*"),
            "连续未交党费预警（党章第九条）；每年提醒核定党费基数。")


def create(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    for code, value, source, effective in THRESHOLDS:
        Threshold.objects.get_or_create(code=code, effective_from=effective,
                                        defaults={"value": value, "source": source})
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    name, task, (minute, hour, day_of_week), description = SCHEDULE
    crontab, _ = CrontabSchedule.objects.get_or_create(minute=minute, hour=hour, day_of_week=day_of_week,
                                                       day_of_month="*", month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(name=name, defaults={"task": task, "description": description,
                                                            "enabled": True, "crontab": crontab})
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    for code, _, _, effective in THRESHOLDS:
        Threshold.objects.filter(code=code, effective_from=effective).delete()
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=SCHEDULE[0]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dues", "0001_initial"),
        ("rules", "0004_dues_appraisal_threshold_codes"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
