"""The daily development reminder sweep, in django-celery-beat's table beside oversight's (notifications 0002)."""

from django.db import migrations

NAME = "发展党员提醒（每天 8:10）"


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    PeriodicTasks = apps.get_model("django_celery_beat", "PeriodicTasks")
    crontab, _ = CrontabSchedule.objects.get_or_create(minute="10", hour="8", day_of_week="*", day_of_month="*",
                                                       month_of_year="*", timezone="Asia/Shanghai")
    PeriodicTask.objects.get_or_create(name=NAME, defaults={
        "task": "development.tasks.remind_development", "crontab": crontab, "enabled": True,
        "description": "谈话到期、积极分子满一年、审批超过三个月、预备期满未讨论转正。"})
    from django.utils import timezone

    PeriodicTasks.objects.update_or_create(ident=1, defaults={"last_update": timezone.now()})


def remove(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("development", "0002_steps_2014"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(create, remove)]
