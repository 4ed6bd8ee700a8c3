"""The imports' safety-net sweep: every 10 minutes (get_or_create: idempotent)."""

from django.db import migrations

TASK_NAME = "导入任务补发与中断检查（每 10 分钟）"


def create_schedule(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    every, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={
        "task": "exchange.tasks.recover_imports", "interval": every, "enabled": True,
        "description": "排队过久的导入任务重新加入队列；任务进程意外退出的导入标为失败（未写入任何数据）。"})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
