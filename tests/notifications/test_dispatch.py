"""Dispatch: which channels a notification goes on by, and the weekly digest of what waited."""

import datetime as dt

import pytest
from django.core import mail

from notifications import digests, services
from notifications.choices import Channel, DeliveryStatus, Kind, Mode
from notifications.models import Delivery, Notification, NotificationSettings
from notifications.services import Due, notifications_create, notifications_dispatch
from tests.factories import UserFactory
from tests.notifications.factories import NotificationFactory


def due(user, kind=Kind.ACTIVITY_DAY_BEFORE, target="activity:1", period="p", title="明天开会"):
    return Due(kind=kind, target=target, period=period, title=title, recipient_id=user.pk, link="/activities/")


@pytest.fixture
def user(db):
    return UserFactory(email="zhang@example.cn")


def send_all() -> dict:
    return services.deliveries_send(notifications_dispatch())


def test_an_immediate_notification_goes_by_e_mail_once(user):
    notifications_create([due(user)])
    assert send_all() == {"sent": 1, "failed": 0, "skipped": 0}
    assert send_all() == {"sent": 0, "failed": 0, "skipped": 0}
    assert [m.to for m in mail.outbox] == [["zhang@example.cn"]]
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == (Channel.EMAIL, DeliveryStatus.SENT, 1)
    assert delivery.sent_at is not None


def test_it_sends_no_e_mail_to_users_without_an_address_or_who_turned_it_off(user):
    no_address = UserFactory(email="")
    NotificationSettings.objects.create(user=user, by_email=False)
    notifications_create([due(user), due(no_address)])
    send_all()
    assert Notification.objects.count() == 2, "the in-app notifications stay"
    assert not Delivery.objects.exists()
    assert mail.outbox == []


def test_a_duty_reminder_waits_for_the_digest_by_default_and_goes_at_once_when_chosen(user):
    chooser = UserFactory(email="li@example.cn")
    NotificationSettings.objects.create(user=chooser, modes={Kind.DUTY_DUE: Mode.IMMEDIATE})
    notifications_create([due(user, kind=Kind.DUTY_DUE), due(chooser, kind=Kind.DUTY_DUE)])
    send_all()
    assert dict(Notification.objects.values_list("recipient", "mode")) == {user.pk: Mode.DIGEST,
                                                                          chooser.pk: Mode.IMMEDIATE}
    assert [m.to for m in mail.outbox] == [["li@example.cn"]]


def test_a_user_cannot_put_an_urgent_kind_into_the_digest(user):
    NotificationSettings.objects.create(user=user, modes={Kind.ACTIVITY_CANCELLED: Mode.DIGEST})
    assert NotificationSettings.objects.get(user=user).mode_for(Kind.ACTIVITY_CANCELLED) == Mode.IMMEDIATE


def test_the_weekly_digest_gathers_what_waited_once(user):
    notifications_create([due(user, kind=Kind.DUTY_DUE, target="assignment:1", title="责任清单：报送总结"),
                          due(user, kind=Kind.PROBATION_ENDING, target="member:9", title="预备期将满：张三")])
    notifications_dispatch()
    assert digests.secretary_digests_create(today=dt.date(2026, 11, 30)) == 1
    assert digests.secretary_digests_create(today=dt.date(2026, 11, 30)) == 0
    digest = Notification.objects.get(kind=Kind.WEEKLY_DIGEST)
    assert digest.title == "本周待办摘要：2 项支部工作提醒"
    assert digest.body.splitlines() == ["· 责任清单：报送总结", "· 预备期将满：张三"]
    assert Notification.objects.filter(digested_in=digest).count() == 2
    send_all()
    assert [m.subject for m in mail.outbox] == ["【机关党建】本周待办摘要：2 项支部工作提醒"]
    # Next week: nothing new waited, so no digest at all.
    assert digests.secretary_digests_create(today=dt.date(2026, 12, 7)) == 0


def test_a_reminder_created_after_the_digest_waits_for_next_week(user):
    notifications_create([due(user, kind=Kind.DUTY_DUE, target="assignment:1")])
    notifications_dispatch()
    digests.secretary_digests_create(today=dt.date(2026, 11, 30))
    notifications_create([due(user, kind=Kind.DUTY_DUE, target="assignment:2", title="新事项")])
    notifications_dispatch()
    assert digests.secretary_digests_create(today=dt.date(2026, 11, 30)) == 0
    assert digests.secretary_digests_create(today=dt.date(2026, 12, 7)) == 1
    assert Notification.objects.filter(kind=Kind.WEEKLY_DIGEST).latest("pk").body == "· 新事项"


def test_the_key_makes_a_second_insert_of_the_same_fact_a_no_op(user):
    assert notifications_create([due(user), due(user)]) == 1
    assert notifications_create([due(user)]) == 0
    assert notifications_create([due(user, period="q")]) == 1
    NotificationFactory(recipient=user, kind=Kind.ACTIVITY_SOON, target="activity:1", period="p")
    assert Notification.objects.count() == 3


def test_each_outcome_is_recorded_as_it_happens_so_a_crash_resends_only_the_one_in_flight(user, monkeypatch):
    second = UserFactory(email="wang@example.cn")
    notifications_create([due(user), due(second)])
    delivery_ids = notifications_dispatch()
    real_sent, calls = services._sent, []

    def crash_on_the_second(delivery):
        calls.append(delivery.pk)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        real_sent(delivery)

    monkeypatch.setattr(services, "_sent", crash_on_the_second)
    with pytest.raises(SystemExit):
        services.deliveries_send(delivery_ids)
    statuses = dict(Delivery.objects.values_list("address", "status"))
    assert statuses == {"zhang@example.cn": DeliveryStatus.SENT, "wang@example.cn": DeliveryStatus.SENDING}
