"""The reports' sweep runs every minute (it was every 10): a report whose worker died is taken over within about
two minutes, and a report requested while the broker was down is sent a minute after it answers again."""

from django.db import migrations

OLD_NAME = "报表补发与中断检查（每 10 分钟）"
NEW_NAME = "报表补发与中断检查（每分钟）"
TASK = "reports.tasks.recover_reports"


def every_minute(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    minute, _ = IntervalSchedule.objects.get_or_create(every=1, period="minutes")
    PeriodicTask.objects.filter(name=OLD_NAME).delete()
    PeriodicTask.objects.update_or_create(name=NEW_NAME, defaults={
        "task": TASK, "interval": minute, "enabled": True,
        "description": "排队中但消息丢失或任务服务曾不可用的报表重新加入队列；任务进程中断的报表自动重新生成，"
                       "多次中断后标为失败并说明原因。"})


def every_ten_minutes(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTask.objects.filter(name=NEW_NAME).delete()
    every, _ = IntervalSchedule.objects.get_or_create(every=10, period="minutes")
    PeriodicTask.objects.get_or_create(name=OLD_NAME, defaults={"task": TASK, "interval": every, "enabled": True})


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0005_heartbeat"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(every_minute, every_ten_minutes)]
