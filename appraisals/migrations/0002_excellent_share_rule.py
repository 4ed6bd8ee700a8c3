"""优秀 at most one third of those graded: a rule row (1/N, N = 3)."""

import datetime as dt

from django.db import migrations

CODE = "APPRAISAL_EXCELLENT_DIVISOR"
EFFECTIVE = dt.date(2008, 1, 1)
SOURCE = "民主评议党员通行做法（各地实施办法）：评为“优秀”的一般不超过参评（评定等次）党员的三分之一"


def create(apps, schema_editor):
    Threshold = apps.get_model("rules", "Threshold")
    Threshold.objects.get_or_create(code=CODE, effective_from=EFFECTIVE, defaults={"value": 3, "source": SOURCE})


def remove(apps, schema_editor):
    apps.get_model("rules", "Threshold").objects.filter(code=CODE, effective_from=EFFECTIVE).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("appraisals", "0001_initial"),
        ("rules", "0004_dues_appraisal_threshold_codes"),
    ]

    operations = [migrations.RunPython(create, remove)]
