"""Exactly once: a sweep that runs twice, two sweeps that run at the same moment, a dispatch that crashes half
way and a worker that dies mid-send each create every notification once and send every message once."""

import datetime as dt
import threading
from unittest import mock

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone
from freezegun import freeze_time

from activities.reminders import activity_dues
from activities.tasks import remind_activities
from notifications import services
from notifications.choices import Channel, DeliveryStatus
from notifications.models import Delivery, Notification
from notifications.services import deliveries_due, deliveries_send, notifications_create, notifications_dispatch
from notifications.tasks import retry_deliveries
from tests.factories import AttendanceFactory, MemberFactory, UserFactory
from tests.notifications.conftest import meeting_due_now
from tests.notifications.factories import WebhookEndpointFactory
from tests.services import require_postgresql


def colleagues(city, activity, count: int) -> list:
    """More members of branch A with a login and an e-mail address, expected at the activity."""
    users = []
    for n in range(count):
        user = UserFactory(email=f"member{n}@example.cn")
        AttendanceFactory(activity=activity, member=MemberFactory(organisation=city.branch_a, user=user))
        users.append(user)
    return users


def recipients() -> list[str]:
    return sorted(address for message in mail.outbox for address in message.to)


# --- (a) the same sweep, run twice ------------------------------------------------------------------------------

def test_the_sweep_run_twice_creates_and_sends_each_reminder_once(city, robot_server,
                                                                   django_capture_on_commit_callbacks):
    activity = meeting_due_now(city)
    others = colleagues(city, activity, 2)
    WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url())
    for _ in range(2):
        # The real task (eager here), its sends run after its transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            remind_activities.delay()

    assert Notification.objects.filter(recipient__isnull=False).count() == 3
    assert Notification.objects.filter(webhook__isnull=False).count() == 1
    assert recipients() == sorted(["jia@example.cn", *(u.email for u in others)])
    assert len(robot_server.requests) == 1
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}
    assert Delivery.objects.count() == 4


# --- (b) two sweeps at the same moment ---------------------------------------------------------------------------

def run_side_by_side(count: int, *steps) -> None:
    """Run the steps in `count` threads, each step started by all threads at once (a barrier before each)."""
    barrier = threading.Barrier(count, timeout=30)
    errors: list[BaseException] = []

    def run():
        try:
            for step in steps:
                barrier.wait()
                step()
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)
            barrier.abort()
        finally:
            connections.close_all()  # this thread's connection

    threads = [threading.Thread(target=run) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a sweep hung"
    if errors:
        raise errors[0]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_sweeps_at_the_same_moment_create_and_send_each_reminder_once(city, robot_server):
    require_postgresql("concurrent sweeps need PostgreSQL")
    activity = meeting_due_now(city)
    others = colleagues(city, activity, 20)
    WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url())
    now = timezone.now()
    dispatched: list[list[int]] = []
    outcomes: list[dict] = []

    def create():
        notifications_create(activity_dues(now=now))

    def dispatch():
        dispatched.append(notifications_dispatch())

    def send():
        # Both runs try every delivery (as a redelivered message would): only the claim's winner sends it.
        outcomes.append(deliveries_send(Delivery.objects.order_by("pk").values_list("pk", flat=True)))

    run_side_by_side(2, create, dispatch, send)

    assert Notification.objects.filter(recipient__isnull=False).count() == 21
    assert Notification.objects.filter(webhook__isnull=False).count() == 1
    assert Notification.objects.filter(dispatched_at__isnull=True).count() == 0
    ids = sorted(pk for batch in dispatched for pk in batch)
    assert ids == sorted(Delivery.objects.values_list("pk", flat=True)) and len(ids) == 22, \
        "each delivery dispatched by exactly one run"
    assert sum(o["sent"] for o in outcomes) == 22 and sum(o["skipped"] for o in outcomes) == 22
    assert recipients() == sorted(["jia@example.cn", *(u.email for u in others)])
    assert len(robot_server.requests) == 1
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


# --- (c) crashes ---------------------------------------------------------------------------------------------------

def test_a_dispatch_that_crashes_after_its_claim_gives_the_claim_back_and_the_next_run_sends_everything_once(
        city, robot_server, django_capture_on_commit_callbacks):
    activity = meeting_due_now(city)
    colleagues(city, activity, 2)
    WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url())
    notifications_create(activity_dues(now=timezone.now()))
    real_bulk_create = Delivery.objects.bulk_create
    calls = []

    def crash_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise OSError("worker killed")
        return real_bulk_create(*args, **kwargs)

    with mock.patch.object(Delivery.objects, "bulk_create", side_effect=crash_once):
        with pytest.raises(OSError), django_capture_on_commit_callbacks(execute=True):
            remind_activities()  # the task's body, as the worker runs it
        assert len(calls) == 1, "it crashed after claiming the notifications"
        assert Notification.objects.count() == 4
        assert not Notification.objects.filter(dispatched_at__isnull=False).exists(), "the claim was rolled back"
        assert not Delivery.objects.exists() and mail.outbox == [] and robot_server.requests == []

        # The every-minute task finds the undispatched notifications and sends them.
        with django_capture_on_commit_callbacks(execute=True):
            retry_deliveries.delay()
        with django_capture_on_commit_callbacks(execute=True):
            retry_deliveries.delay()

    assert not Notification.objects.filter(dispatched_at__isnull=True).exists()
    assert Delivery.objects.filter(channel=Channel.EMAIL).count() == 3
    assert len(mail.outbox) == 3 and len(set(recipients())) == 3
    assert len(robot_server.requests) == 1
    assert set(Delivery.objects.values_list("status", "attempts")) == {(DeliveryStatus.SENT, 1)}


def test_a_delivery_left_sending_by_a_worker_that_died_is_sent_again_exactly_once(city):
    meeting_due_now(city)
    t0 = timezone.now()
    notifications_create(activity_dues(now=t0))
    [delivery_id] = notifications_dispatch()
    # A worker claimed it and died before it could send or record anything.
    Delivery.objects.filter(pk=delivery_id).update(status=DeliveryStatus.SENDING, claimed_at=t0, attempts=1)

    with freeze_time(t0 + dt.timedelta(minutes=5)):
        assert deliveries_due() == [], "five minutes: the worker may still be sending"
        assert deliveries_send([delivery_id])["skipped"] == 1, "and nobody else may claim it"
    assert Delivery.objects.get().status == DeliveryStatus.SENDING and mail.outbox == []

    with freeze_time(t0 + dt.timedelta(minutes=20)):
        due = deliveries_due()
        assert due == [delivery_id]
        assert deliveries_send(due) == {"sent": 1, "failed": 0, "skipped": 0}
        assert deliveries_due() == []
        assert deliveries_send(due)["skipped"] == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert recipients() == ["jia@example.cn"]


def test_a_delivery_whose_message_was_lost_is_sent_by_the_sweep_once(city):
    meeting_due_now(city)
    t0 = timezone.now()
    with freeze_time(t0):
        notifications_create(activity_dues(now=t0))
        notifications_dispatch()  # its send message never reached a worker (broker down)
    with freeze_time(t0 + services.LOST_MESSAGE - dt.timedelta(seconds=1)):
        assert deliveries_due() == [], "the message may still be on its way"
    with freeze_time(t0 + services.LOST_MESSAGE + dt.timedelta(seconds=1)):
        retry_deliveries.delay()
        retry_deliveries.delay()
    assert recipients() == ["jia@example.cn"]
    assert Delivery.objects.get().status == DeliveryStatus.SENT
