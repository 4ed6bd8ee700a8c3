import datetime as dt
from decimal import Decimal

from dues import services
from rules.models import DuesCategory


def base(member, *, start=dt.date(2025, 1, 1), income="4000", category=DuesCategory.SERVING, by=None, note=""):
    return services.dues_base_set(member=member, effective_from=start, category=category,
                                  monthly_income=Decimal(income) if income is not None else None, note=note, by=by)


def pay(member, first, last=None, *, paid_on=None, by=None):
    return services.dues_payments_record(member=member, first_month=first, last_month=last or first,
                                         paid_on=paid_on or first, by=by)
