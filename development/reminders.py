"""Reminder rules of the development work, for the branch secretaries and the superior committee.

In the shape of oversight/reminders.py: each rule finds the facts due today and returns them as `Due`s; the
notification centre inserts each keyed fact once, so the daily sweep may run as often as it likes. All go
out as DEVELOPMENT_DUE, in the weekly digest by default (a secretary may ask for them at once).

- talk owed: an applicant without the talk (step 2) — told to the branch's secretaries. Period: the deadline
  (application + the talk rule's limit).
- eligible: an activist whose year (the activist→candidate rule) is over and who is not yet a candidate. Period:
  the day they became eligible.
- approval late: an admission or conversion waiting for the superior committee beyond the plain limit —
  told to the secretaries of the organisation above the branch. Period: the deadline.
- conversion owed: probation over (with any extension) and no conversion meeting. Period: the end of probation.
The probation-ending notice itself is oversight's PROBATION_ENDING (told once, not twice).
Who is told: the organisation's own secretaries, else those of the nearest organisation above it. The sweep
costs a fixed number of queries whatever the number of people.
"""

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.db.models import Exists, OuterRef
from django.urls import reverse

from branches.selectors import SecretaryDirectory
from members.choices import MembershipStatus, Stage
from notifications.choices import Kind
from notifications.services import Due
from rules.models import IntervalUnit, MemberEvent, StageInterval

from .choices import StepStatus
from .models import DevelopmentRecord, DevelopmentStep


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _shift(start: dt.date, rule: StageInterval | None, bound: str, default_months: int) -> dt.date:
    amount = getattr(rule, bound) if rule else None
    if amount is None:
        return start + relativedelta(months=default_months)
    if rule.unit == IntervalUnit.MONTH:
        return start + relativedelta(months=amount)
    if rule.unit == IntervalUnit.YEAR:
        return start + relativedelta(years=amount)
    return start + dt.timedelta(days=amount)


def _rule(from_event: str, to_event: str, on: dt.date) -> StageInterval | None:
    rules = StageInterval.rules_for(from_event, to_event, on)
    return rules[0] if rules else None


_Recipients = SecretaryDirectory


def _fact(users, *, record_id, what, period, title, body, organisation_id) -> list[Due]:
    link = reverse("development:timeline", args=[record_id])
    return [Due(kind=Kind.DEVELOPMENT_DUE, target=f"development:{record_id}:{what}", period=period, title=title,
                body=body, link=link, recipient_id=user_id, organisation_id=organisation_id) for user_id in users]


def _has(number: int):
    return Exists(DevelopmentStep.objects.filter(record=OuterRef("pk"), definition__number=number))


def secretary_dues(*, today: dt.date) -> list[Due]:
    """Every development reminder due today (about ten queries in all)."""
    recipients = _Recipients.load()
    records = DevelopmentRecord.objects.filter(member__status=MembershipStatus.ACTIVE, archived_on__isnull=True)
    fields = ("pk", "member__name", "member__organisation_id")
    dues: list[Due] = []

    talk = _rule(MemberEvent.APPLIED, MemberEvent.TALKED, today)
    for pk, name, org, applied in (records.filter(member__stage=Stage.APPLICANT, member__applied_on__isnull=False)
                                   .exclude(_has(2)).values_list(*fields, "member__applied_on")):
        deadline = _shift(applied, talk, "max_days", 1)
        dues += _fact(recipients.users_for(org), record_id=pk, what="talk", period=deadline.isoformat(),
                      organisation_id=org, title=f"入党申请人{name}应于{_date_text(deadline)}前完成谈话",
                      body=f"{name}于{_date_text(applied)}递交入党申请书，党组织应在一个月内派人谈话。")

    year = _rule(MemberEvent.ACTIVIST, MemberEvent.CANDIDATE, today)
    for pk, name, org, since in (records.filter(member__stage=Stage.ACTIVIST, member__activist_on__isnull=False)
                                 .exclude(_has(7)).values_list(*fields, "member__activist_on")):
        eligible = _shift(since, year, "min_days", 12)
        if eligible <= today:
            dues += _fact(recipients.users_for(org), record_id=pk, what="candidate", period=eligible.isoformat(),
                          organisation_id=org, title=f"入党积极分子{name}已满一年，可考虑确定为发展对象",
                          body=f"{name}于{_date_text(since)}被确定为入党积极分子。")

    admission = _rule(MemberEvent.ADMITTED, MemberEvent.APPROVED, today)
    conversion = _rule(MemberEvent.CONVERSION_MEETING, MemberEvent.CONVERSION_APPROVED, today)
    for pk, name, org, number, requested, admitted in (
            DevelopmentStep.objects.filter(record__in=records, definition__number__in=[17, 24],
                                           status__in=[StepStatus.SUBMITTED, StepStatus.RETURNED])
            .values_list("record_id", "record__member__name", "record__member__organisation_id",
                         "definition__number", "date", "record__member__admitted_on")):
        start, rule = (admitted or requested, admission) if number == 17 else (requested, conversion)
        deadline = _shift(start, rule, "max_days", 3)
        if deadline < today:
            what = "接收预备党员" if number == 17 else "预备党员转正"
            dues += _fact(recipients.superior_users_for(org), record_id=pk, what=f"approval{number}",
                          period=deadline.isoformat(), organisation_id=org,
                          title=f"{name}的{what}审批已超过三个月", body=f"应于{_date_text(deadline)}前审批。")

    from .selectors import probation_ends  # one definition of the probation end for lists and reminders

    probationary = records.filter(member__stage=Stage.PROBATIONARY, member__admitted_on__lte=today
                                  - relativedelta(years=1)).exclude(_has(23))
    names = {pk: (name, org) for pk, name, org in probationary.values_list(*fields)}
    for pk, ends in probation_ends(list(names)).items():
        if ends < today:
            name, org = names[pk]
            dues += _fact(recipients.users_for(org), record_id=pk, what="conversion", period=ends.isoformat(),
                          organisation_id=org, title=f"预备党员{name}的预备期已于{_date_text(ends)}届满，尚未讨论转正",
                          body="请及时召开支部党员大会讨论其转正问题，并报上级党委审批。")
    return dues
