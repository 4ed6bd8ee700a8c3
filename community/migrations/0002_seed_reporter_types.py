"""The reporter types of the "三报到", as data: a locality renames or adds one in the admin."""

import datetime as dt

from django.db import migrations

SOURCE = "中共中央组织部《关于推动党组织和在职党员到社区报到的通知》及本市“三报到”要求"
SINCE = dt.date(2019, 1, 1)
TYPES = [
    ("member-residence", "在职党员到居住地社区报到", "MEMBER", 1),
    ("organisation-community", "党组织到所在社区报到", "ORGANISATION", 2),
    ("leader-contact-point", "领导干部到联系点报到", "MEMBER", 3),
]


def seed(apps, schema_editor):
    ReporterType = apps.get_model("community", "ReporterType")
    for code, name, reporter, order in TYPES:
        ReporterType.objects.get_or_create(code=code, effective_from=SINCE, defaults={
            "name": name, "reporter": reporter, "sort_order": order, "source": SOURCE})


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
