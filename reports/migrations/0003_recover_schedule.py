"""The reports' safety-net sweep: every 10 minutes (get_or_create: idempotent)."""

from django.db import migrations

TASK_NAME = "报表补发与中断检查（每 10 分钟）"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={
        "task": "reports.tasks.recover_reports", "interval": every, "enabled": True,
        "description": "排队过久的报表重新加入队列；任务进程意外退出的报表标为失败，可重新生成。"})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0002_monthly_schedule"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
