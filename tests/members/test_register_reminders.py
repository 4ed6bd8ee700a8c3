"""Transfers not accepted within the rule's limit remind both sides, once per step, through the daily sweep."""

import datetime as dt

import pytest
from freezegun import freeze_time

from members import services
from oversight.register_reminders import transfer_dues
from notifications.choices import Kind
from notifications.models import Notification
from notifications.services import notifications_create
from rules.models import Threshold, ThresholdCode

pytestmark = pytest.mark.django_db


def _send(city, on):
    return services.transfer_send(member=city.member, to_organisation=city.org_b, reason="工作调动", sent_on=on,
                                  by=city.secretary)


def test_a_transfer_within_the_limit_reminds_nobody(city):
    _send(city, dt.date(2026, 3, 2))
    assert transfer_dues(today=dt.date(2026, 3, 31)) == []


def test_a_transfer_not_accepted_in_time_reminds_both_sides_once_per_step(city):
    transfer = _send(city, dt.date(2026, 3, 2))
    limit = Threshold.value_of(ThresholdCode.TRANSFER_ACCEPT_DAYS, dt.date(2026, 3, 2))
    overdue_day = dt.date(2026, 3, 2) + dt.timedelta(days=limit)
    dues = transfer_dues(today=overdue_day)
    assert {d.recipient_id for d in dues} == {city.secretary.pk, city.other_secretary.pk}
    assert all(d.kind == Kind.TRANSFER_PENDING and d.period == "overdue" for d in dues)
    assert city.member.name in dues[0].title
    assert notifications_create(dues) == 2
    assert notifications_create(transfer_dues(today=overdue_day + dt.timedelta(days=1))) == 0
    # Past the letter's validity: told again, once.
    expired_day = transfer.valid_until + dt.timedelta(days=1)
    assert notifications_create(transfer_dues(today=expired_day)) == 2
    assert Notification.objects.filter(kind=Kind.TRANSFER_PENDING).count() == 4


def test_an_accepted_transfer_is_no_longer_chased(city):
    transfer = _send(city, dt.date(2026, 3, 2))
    services.transfer_accept(transfer=transfer, by=city.other_secretary, accepted_on=dt.date(2026, 3, 5))
    assert transfer_dues(today=dt.date(2026, 6, 30)) == []


def test_the_daily_sweep_includes_the_register_reminders(city):
    from oversight.tasks import remind_secretaries

    _send(city, dt.date(2026, 3, 2))
    with freeze_time("2026-05-01 09:00"):
        remind_secretaries()
    assert Notification.objects.filter(kind=Kind.TRANSFER_PENDING, target__startswith="transfer:").count() == 2
