from django.db import models

from members.choices import EmploymentStatus
from rules.models import DuesCategory

# The dues category a member's employment status suggests (the secretary may record another: a serving member on
# unpaid leave pays the fixed amount, for instance).
CATEGORY_FOR_EMPLOYMENT = {
    EmploymentStatus.SERVING: DuesCategory.SERVING,
    EmploymentStatus.RETIRED: DuesCategory.RETIRED,
    EmploymentStatus.STUDENT: DuesCategory.NO_INCOME,
    EmploymentStatus.UNEMPLOYED: DuesCategory.NO_INCOME,
}


class PaymentKind(models.TextChoices):
    """When a month's dues were paid, relative to the month itself (derived from the dates on recording)."""

    ON_TIME = "ON_TIME", "按月交纳"
    ADVANCE = "ADVANCE", "预交"
    LATE = "LATE", "补交"
