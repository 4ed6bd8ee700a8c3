"""The daily dues sweep: the six-month warning to the member's secretaries, and the yearly base reminder in
January; each fact told once however often the sweep runs."""

import datetime as dt

from freezegun import freeze_time

from dues.reminders import secretary_dues
from dues.tasks import remind_dues
from notifications.choices import Kind
from notifications.models import Notification
from notifications.services import notifications_create
from tests.dues.helpers import base, pay


def test_the_secretaries_are_warned_once_when_a_member_has_paid_nothing_for_six_months(city):
    base(city.member, start=dt.date(2025, 1, 1))
    pay(city.member, dt.date(2025, 1, 1), dt.date(2025, 3, 1))
    assert not [d for d in secretary_dues(today=dt.date(2025, 9, 20)) if d.kind == Kind.DUES_UNPAID]
    dues = [d for d in secretary_dues(today=dt.date(2025, 10, 2)) if d.kind == Kind.DUES_UNPAID]
    assert [d.recipient_id for d in dues] == [city.secretary.pk]  # branch A has no secretary: A's general branch
    assert "连续6个月" in dues[0].title and "第九条" in dues[0].body
    assert notifications_create(dues) == 1
    later = [d for d in secretary_dues(today=dt.date(2025, 11, 2)) if d.kind == Kind.DUES_UNPAID]
    assert notifications_create(later) == 0  # the same unpaid run: told once


def test_in_january_every_organisation_with_members_is_asked_to_check_the_bases(city):
    with freeze_time("2026-01-05 09:00"):
        first = remind_dues()
        second = remind_dues()
    kinds = set(Notification.objects.values_list("kind", "recipient_id"))
    assert (Kind.DUES_BASE_UPDATE, city.secretary.pk) in kinds
    assert (Kind.DUES_BASE_UPDATE, city.other_secretary.pk) in kinds
    assert first >= 2 and second == 0
    assert not [d for d in secretary_dues(today=dt.date(2026, 2, 5)) if d.kind == Kind.DUES_BASE_UPDATE]
