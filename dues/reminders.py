"""Dues reminders for secretaries, in the shape of oversight/reminders.py: each rule finds the facts due today
and returns them as `Due`s; `notifications_create` inserts each keyed fact once, so the daily sweep
(dues.tasks.remind_dues, scheduled by dues/migrations/0002) may run as often as it likes.

- DUES_UNPAID: a member has paid nothing for the months of the 党章 Art. 9 rule (DUES_UNPAID_MONTHS, 6) in a row
  up to last month. The branch decides (视为自行脱党 or a good reason); the platform only warns. Period: the first
  unpaid month of the run, so a member who pays and later stops again is a new fact. Personal: no group robot.
- DUES_BASE_UPDATE: in the rule's month (DUES_BASE_REMINDER_MONTH, January), every organisation with party
  members of its own is asked to check its members' bases for the year. Period: the year.

Who is told: the organisation's secretaries, or, when it has none with a login, those of the nearest organisation
above it. The sweep costs a fixed number of queries whatever the number of members."""

import datetime as dt

from django.urls import reverse

from branches.choices import OrganisationStatus
from branches.selectors import SecretaryDirectory
from members.models import Member
from notifications.choices import Kind
from notifications.services import Due, webhooks_for
from rules.models import Threshold, ThresholdCode

from . import selectors

FALLBACK_REMINDER_MONTH = 1


def _reminder_month(today: dt.date) -> int:
    try:
        return Threshold.value_of(ThresholdCode.DUES_BASE_REMINDER_MONTH, today)
    except LookupError:
        return FALLBACK_REMINDER_MONTH


_Recipients = SecretaryDirectory


def _unpaid(today: dt.date, recipients: _Recipients) -> list[Due]:
    limit = selectors.unpaid_months_limit(today)
    members = Member.objects.party_members().filter(organisation__status=OrganisationStatus.ACTIVE)
    late = {pk: s for pk, s in selectors.standings(today=today, members=members).items() if s.streak >= limit}
    dues = []
    for pk, name, organisation_id in (members.filter(pk__in=list(late)).order_by("organisation_id", "name", "pk")
                                      .values_list("pk", "name", "organisation_id")):
        standing = late[pk]
        first = standing.first_unpaid
        title = f"党员{name}已连续{standing.streak}个月未交纳党费"
        body = (f"{recipients.name(organisation_id)}党员{name}自{first.year}年{first.month}月起未交纳党费。"
                "按《中国共产党章程》第九条，党员没有正当理由连续六个月不交纳党费的，被认为是自行脱党，"
                "请支部了解情况、做好工作并研究处理。")
        for user_id in recipients.users_for(organisation_id):
            dues.append(Due(kind=Kind.DUES_UNPAID, target=f"member:{pk}", period=first.isoformat(), title=title,
                            body=body, link=reverse("dues:member", args=[pk]), recipient_id=user_id,
                            organisation_id=organisation_id))
    return dues


def _base_update(today: dt.date, recipients: _Recipients) -> list[Due]:
    if today.month != _reminder_month(today):
        return []
    organisation_ids = sorted(set(Member.objects.party_members().filter(
        organisation__status=OrganisationStatus.ACTIVE).values_list("organisation_id", flat=True).distinct()))
    hooks = webhooks_for(organisation_ids, duty=True)
    dues = []
    for organisation_id in organisation_ids:
        common = {"kind": Kind.DUES_BASE_UPDATE, "target": f"organisation:{organisation_id}",
                  "period": str(today.year), "title": f"请核定{today.year}年度党员党费基数",
                  "body": (f"{recipients.name(organisation_id)}：请根据党员本年度的税后月工资收入（离退休党员为月退休费）"
                           "核定党费基数；收入变化的，从变化当月起按新基数交纳。"),
                  "link": reverse("dues:ledger", args=[organisation_id]), "organisation_id": organisation_id}
        dues += [Due(recipient_id=user_id, **common) for user_id in recipients.users_for(organisation_id)]
        dues += [Due(webhook_id=hook, **common) for hook in hooks.get(organisation_id, [])]
    return dues


def secretary_dues(*, today: dt.date) -> list[Due]:
    """Every dues reminder due to secretaries (and, for the yearly base reminder, their duty robots) today."""
    recipients = SecretaryDirectory.load()
    return _unpaid(today, recipients) + _base_update(today, recipients)
