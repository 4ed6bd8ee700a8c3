import datetime as dt

from django.db import migrations

SOURCE = "《中国共产党党内功勋荣誉表彰条例》及市直机关工委表彰办法"
TITLES = [
    ("先进基层党组织", "ORGANISATION", False),
    ("优秀共产党员", "MEMBER", False),
    ("优秀党务工作者", "MEMBER", False),
    ("红旗党支部", "ORGANISATION", False),
    ("五星党员", "MEMBER", False),
    ("先进典型", "MEMBER", True),
]


def seed(apps, schema_editor):
    CommendationTitle = apps.get_model("honours", "CommendationTitle")
    for order, (name, subject, advanced) in enumerate(TITLES, start=1):
        CommendationTitle.objects.get_or_create(
            name=name, effective_from=dt.date(2017, 1, 1),
            defaults={"subject": subject, "is_advanced_model": advanced, "sort_order": order, "source": SOURCE})


class Migration(migrations.Migration):
    dependencies = [("honours", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
