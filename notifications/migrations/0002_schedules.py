"""The periodic sweeps, in django-celery-beat's tables (admins see and change them in the admin)."""

from django.db import migrations

SCHEDULES = [
    # (name, task, interval minutes or None, crontab (minute, hour, day_of_week) or None, description)
    ("活动提醒（每 5 分钟）", "activities.tasks.remind_activities", 5, None,
     "找出即将开始的活动，提醒应参加的党员；活动变更、取消时通知。"),
    ("补发与重试（每分钟）", "notifications.tasks.retry_deliveries", 1, None,
     "发送失败的邮件和群消息按间隔重试；消息丢失或任务中断的补发。"),
    ("支部工作提醒（每天 8:00）", "oversight.tasks.remind_secretaries", None, ("0", "8", "*"),
     "应开会议、主题党日、换届、预备期、验收退回、责任清单到期。"),
    ("每周摘要（周一 8:30）", "notifications.tasks.send_weekly_digests", None, ("30", "8", "1"),
     "书记的每周待办摘要与工委的每周摘要。"),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    for name, task, minutes, cron, description in SCHEDULES:
        fields = {"task": task, "description": description, "enabled": True}
        if minutes:
            interval, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
            fields["interval"] = interval
        else:
            minute, hour, day_of_week = cron
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute, hour=hour, day_of_week=day_of_week, day_of_month="*", month_of_year="*",
                timezone="Asia/Shanghai")
            fields["crontab"] = crontab
        PeriodicTask.objects.get_or_create(name=name, defaults=fields)
    # Tell a running beat that the schedule changed.
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name__in=[name for name, *_ in SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, remove)]
