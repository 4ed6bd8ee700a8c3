"""Reminders on a real Celery worker (tests/worker.py: a `celery worker` process on the test PostgreSQL database
and the settings' broker, Redis in CI). The worker runs the sweep, writes the member's notification, sends the
e-mail (to files) and posts to the branch's group robot (the local robot server); failures are retried by the
`retry_deliveries` task, which the test enqueues itself once a retry is due (beat does not run in tests). The
worker retries after 1 s and gives up after 3 attempts (NOTIFICATION_RETRY_DELAYS=1,1)."""

import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.tasks import remind_activities
from notifications.choices import Channel, DeliveryStatus, Kind
from notifications.models import Delivery, Notification
from notifications.tasks import retry_deliveries
from tests.notifications.conftest import MEETING, meeting_due_now
from tests.notifications.factories import WebhookEndpointFactory

# Committed data, which the worker process can read; serialized_rollback keeps the seeded rule tables afterwards.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

REFUSED = "群机器人拒绝了消息：invalid webhook url（错误码 93000）"


@pytest.fixture
def worker(celery_worker_process):
    return celery_worker_process


@pytest.fixture
def setting(city, robot_server):
    """The meeting due now, the member with an address of this test's own (the worker's outbox is shared by the
    session), and branch A's robot at the robot server."""
    address = f"member-{uuid.uuid4().hex[:10]}@example.cn"
    activity = meeting_due_now(city, email=address)
    robot = WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url())
    return activity, address, robot


def finished(worker, result, timeout: float = 30) -> str:
    """Wait until the worker logged the task's success (there is no result back-end); return that log line,
    "Task <name>[<id>] succeeded in <seconds>s: <return value>"."""
    def line():
        return next((ln for ln in worker.log().splitlines() if f"[{result.id}] succeeded" in ln), None)

    return worker.wait_for(line, timeout=timeout, message=f"task {result.id} to succeed")


def mails_to(worker, address: str) -> list:
    return [m for m in worker.read_outbox() if m["To"] == address]


def robot_delivery(**conditions):
    return Delivery.objects.filter(channel=Channel.WEBHOOK, **conditions).first()


def retry_when_due(worker, delivery: Delivery):
    """Once the delivery's retry time has come, enqueue the every-minute task, as beat would; wait for it."""
    worker.wait_for(lambda: timezone.now() >= delivery.next_attempt_at, timeout=10, interval=0.05,
                    message="the retry time")
    line = finished(worker, retry_deliveries.delay())
    assert line.endswith(": 1"), f"the retry task resent the one delivery due: {line}"
    return Delivery.objects.get(pk=delivery.pk)


def test_the_worker_reminds_the_member_in_the_centre_by_e_mail_and_in_the_group(worker, setting, city,
                                                                               robot_server, client):
    activity, address, _ = setting
    remind_activities.delay()

    notification = worker.wait_for(
        lambda: Notification.objects.filter(recipient=city.member_user, kind=Kind.ACTIVITY_DAY_BEFORE).first(),
        message="the member's notification")
    assert notification.title.startswith("活动提醒：") and notification.title.endswith(MEETING)
    assert notification.link == activity.get_absolute_url()
    [message] = worker.wait_for(lambda: mails_to(worker, address), message="the e-mail")
    # (the generator folds the long encoded subject onto the next line: the parser keeps the fold's space)
    assert message["Subject"].strip() == f"【机关党建】{notification.title}"
    assert f"/activities/{activity.pk}/" in message.get_body().get_content()
    [post] = robot_server.wait_for_requests(1)
    assert post.body["msgtype"] == "markdown" and notification.title in post.body["markdown"]["content"]
    worker.wait_for(lambda: not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
                    and Delivery.objects.count() == 2, message="both deliveries sent")

    client.force_login(city.member_user)
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert notification.title in page and 'data-testid="unread-count">1<' in page
    assert "send_deliveries" in worker.log(), "the worker sent them, not this process"


def test_a_robot_that_fails_twice_is_resent_by_retry_deliveries_and_ends_sent_after_three_attempts(
        worker, setting, robot_server):
    robot_server.fail_next(status=500)
    robot_server.fail_next(errcode=93000, errmsg="invalid webhook url")
    remind_activities.delay()

    delivery = worker.wait_for(lambda: robot_delivery(attempts=1, status=DeliveryStatus.PENDING),
                               message="the first attempt to fail")
    assert delivery.last_error == "群机器人返回 HTTP 500" and delivery.next_attempt_at is not None
    assert len(robot_server.requests) == 1

    delivery = retry_when_due(worker, delivery)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.PENDING, 2, REFUSED)
    assert len(robot_server.requests) == 2, "the retry task resent it"

    delivery = retry_when_due(worker, delivery)
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 3, "")
    assert len(robot_server.requests) == 3
    log = worker.log()
    assert f"delivery {delivery.pk} failed (attempt 1), retrying: 群机器人返回 HTTP 500" in log
    assert f"delivery {delivery.pk} failed (attempt 2), retrying: {REFUSED}" in log


def test_a_robot_that_always_fails_ends_failed_and_the_member_keeps_the_notification(worker, setting, city,
                                                                                    robot_server):
    _, address, _ = setting
    robot_server.always(errcode=93000, errmsg="invalid webhook url")
    remind_activities.delay()

    delivery = worker.wait_for(lambda: robot_delivery(attempts=1, status=DeliveryStatus.PENDING),
                               message="the first attempt to fail")
    delivery = retry_when_due(worker, delivery)
    assert delivery.attempts == 2
    delivery = retry_when_due(worker, delivery)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert delivery.last_error == REFUSED and delivery.next_attempt_at is None
    assert f"delivery {delivery.pk} failed for good after 3 attempts" in worker.log()
    assert finished(worker, retry_deliveries.delay()).endswith(": 0"), "a failed delivery is not tried again"
    assert len(robot_server.requests) == 3
    assert Notification.objects.filter(recipient=city.member_user, read_at__isnull=True).count() == 1
    assert len(mails_to(worker, address)) == 1, "the member's e-mail went regardless"


def test_the_sweep_enqueued_twice_reminds_once(worker, setting, city, robot_server):
    _, address, _ = setting
    first, second = remind_activities.delay(), remind_activities.delay()
    finished(worker, first)
    finished(worker, second)
    worker.wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 2,
                    message="the deliveries sent")
    # One more task behind everything the sweeps enqueued (one worker, in order): once it is done, so are they.
    assert finished(worker, retry_deliveries.delay()).endswith(": 0")

    assert Notification.objects.filter(recipient=city.member_user).count() == 1
    assert Notification.objects.filter(webhook__isnull=False).count() == 1
    assert len(mails_to(worker, address)) == 1
    assert len(robot_server.requests) == 1
    assert set(Delivery.objects.values_list("attempts", flat=True)) == {1}
