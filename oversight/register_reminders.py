"""Reminders of the register (issue 15), in the shape of oversight.reminders: a rule finds the facts due today
and returns them as `Due`s; `notifications_create` inserts each keyed fact once, so the daily sweep may run as
often as it likes.

- TRANSFER_PENDING: a letter within the system not accepted (nor returned or withdrawn) TRANSFER_ACCEPT_DAYS
  after it was issued (a rule row), told to both sides' secretaries; told again once the letter's validity has
  run out. A letter to outside whose receipt has not come back within the same limit is told to the sender.
  Period: the step ("overdue" / "expired") and the letter, so each step is told once.

Who is told: the secretaries of the organisation concerned, or, when it has none with a login, those of the
nearest organisation above it. Personal facts (a member's name): never sent to group robots.
The sweep costs a fixed number of queries whatever the number of transfers.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.urls import reverse

from branches.choices import RoleKind
from branches.models import Organisation, Role
from notifications.choices import Kind
from notifications.services import Due

from members.choices import TransferKind, TransferStatus
from members.models import Transfer
from members.services import FALLBACK_DAYS


def _date_text(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass
class _Recipients:
    organisations: dict[int, str]  # pk → path
    secretaries: dict[int, list[int]]

    @classmethod
    def load(cls, organisation_ids: set[int]) -> "_Recipients":
        paths = dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "path"))
        above = {int(part) for path in paths.values() for part in path.strip("/").split("/") if part}
        secretaries: dict[int, list[int]] = defaultdict(list)
        for organisation_id, user_id in (Role.objects.filter(kind=RoleKind.SECRETARY, user__is_active=True,
                                                             organisation__in=above)
                                         .order_by("user_id").values_list("organisation_id", "user_id")):
            secretaries[organisation_id].append(user_id)
        return cls(paths, secretaries)

    def users_for(self, organisation_id: int) -> list[int]:
        path = self.organisations.get(organisation_id, "")
        for pk in reversed([int(part) for part in path.strip("/").split("/") if part]):
            if self.secretaries.get(pk):
                return self.secretaries[pk]
        return []


def _accept_days(today: dt.date) -> int:
    from members.services import transfer_limit_days

    return transfer_limit_days("TRANSFER_ACCEPT_DAYS", today) or FALLBACK_DAYS["TRANSFER_ACCEPT_DAYS"]


def transfer_dues(*, today: dt.date) -> list[Due]:
    """Open transfers past the acceptance limit (or past their validity), for both sides (three queries)."""
    limit = _accept_days(today)
    rows = list(Transfer.objects.filter(status=TransferStatus.SENT, sent_on__lte=today - dt.timedelta(days=limit))
                .order_by("sent_on", "pk")
                .values_list("pk", "kind", "member__name", "from_organisation_id", "from_organisation__name",
                             "to_organisation_id", "to_organisation__name", "outside_organisation", "sent_on",
                             "valid_until", "letter_year", "letter_number"))
    if not rows:
        return []
    recipients = _Recipients.load({pk for row in rows for pk in (row[3], row[5]) if pk})
    dues = []
    for (pk, kind, name, from_id, from_name, to_id, to_name, outside, sent_on, valid_until, year,
         number) in rows:
        expired = valid_until is not None and valid_until < today
        step = "expired" if expired else "overdue"
        letter = f"（{year}）第{number:04d}号" if number else ""
        link = reverse("members:transfer_detail", args=[pk])
        if kind == TransferKind.OUT:
            title = f"{name}转往{outside}的组织关系回执尚未收回"
            body = (f"介绍信{letter}于{_date_text(sent_on)}开具，已超过{limit}天仍未收到回执。"
                    "请与接收党组织联系，收到回执后在系统中登记。")
            sides = [from_id]
        else:
            title = (f"{name}的组织关系介绍信已过有效期，尚未接收" if expired
                     else f"{name}的组织关系转接超过{limit}天尚未接收")
            body = (f"介绍信{letter}于{_date_text(sent_on)}由{from_name}开具，转往{to_name}"
                    + (f"，有效期至{_date_text(valid_until)}" if valid_until else "")
                    + "。转入方请及时接收或退回；转出方请督促党员报到，必要时撤回后重新开具。")
            sides = [from_id, to_id]
        for organisation_id in sides:
            for user_id in recipients.users_for(organisation_id):
                dues.append(Due(kind=Kind.TRANSFER_PENDING, target=f"transfer:{pk}", period=step, title=title,
                                body=body, link=link, recipient_id=user_id, organisation_id=organisation_id))
    # Both sides may be run by the same secretary (a committee over both branches): tell them once.
    unique = {}
    for due in dues:
        unique.setdefault(due.key, due)
    return list(unique.values())
