"""The beat schedule of the monthly report: 06:00 (Asia/Shanghai) on the 1st of every month.
get_or_create, so running the migration again (or on a database that already has it) changes nothing."""

from django.db import migrations

TASK_NAME = "每月1日生成上月组织生活月报"


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    schedule, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="6", day_of_month="1", month_of_year="*", day_of_week="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(name=TASK_NAME, defaults={
        "task": "reports.tasks.create_monthly_reports", "crontab": schedule, "enabled": True,
        "description": "生成上一个月的全市组织生活月报（重复运行不会重复生成）。"})


def remove_schedule(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=TASK_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, remove_schedule)]
