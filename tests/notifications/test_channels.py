"""The channels beyond the notification centre, against a local robot server (never a real one): what the
企业微信 and 钉钉 robots receive, how a refusal, an HTTP error or a dead address is recorded on the send log and
retried, and that the in-app notification is there whatever the channels do. Tasks run eagerly here."""

import base64
import datetime as dt
import hashlib
import hmac
import smtplib
import time
from unittest import mock

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from freezegun import freeze_time

from activities.reminders import activity_dues
from notifications import services
from notifications.choices import Channel, DeliveryStatus, Kind, Provider
from notifications.models import Delivery, Notification
from notifications.services import Due, deliveries_due, notifications_create, notifications_dispatch
from notifications.tasks import retry_deliveries
from tests.notifications.conftest import MEETING, meeting_due_now
from tests.notifications.factories import WebhookEndpointFactory
from tests.notifications.robot_server import closed_port

SITE = "https://djpt.example.gov.cn"
DELAYS = [60, 300]  # so the third attempt is the last


@pytest.fixture(autouse=True)
def channel_settings(settings):
    settings.SITE_URL = SITE
    settings.NOTIFICATION_RETRY_DELAYS = DELAYS


def sweep_and_send(now: dt.datetime) -> dict:
    """What the periodic task does, at `now`: create what is due, dispatch it, send the deliveries."""
    with freeze_time(now):
        notifications_create(activity_dues(now=now))
        return services.deliveries_send(notifications_dispatch())


def retry_at(moment: dt.datetime) -> None:
    """The every-minute `retry_deliveries` task (eager here), run at `moment`."""
    with freeze_time(moment):
        retry_deliveries.delay()


def robot_delivery() -> Delivery:
    return Delivery.objects.get(channel=Channel.WEBHOOK)


def member_sees_it_in_the_centre(client, city) -> None:
    client.force_login(city.member_user)
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert "活动提醒：" in page and MEETING in page
    assert 'data-testid="unread-count">1<' in page


# --- what the robots receive ----------------------------------------------------------------------------------

def test_a_wecom_robot_receives_the_reminder_as_markdown_with_the_title_and_an_absolute_link(city, robot_server):
    activity = meeting_due_now(city)
    WebhookEndpointFactory(organisation=city.branch_a, provider=Provider.WECOM,
                           url=robot_server.url("/cgi-bin/webhook/send?key=wecom-key-1"))
    outcome = sweep_and_send(timezone.now())

    assert outcome == {"sent": 2, "failed": 0, "skipped": 0}, "the member's e-mail and the group's robot"
    [post] = robot_server.requests
    assert post.path == "/cgi-bin/webhook/send" and post.param("key") == "wecom-key-1"
    assert post.headers["content-type"].startswith("application/json")
    assert set(post.body) == {"msgtype", "markdown"} and post.body["msgtype"] == "markdown"
    content = post.body["markdown"]["content"]
    title = Notification.objects.get(webhook__isnull=False).title
    assert title.startswith("活动提醒：") and title.endswith(MEETING)
    assert content.startswith(f"**{title}**\n")
    assert f"[查看详情]({SITE}/activities/{activity.pk}/)" in content
    assert "甲局第一党支部" in content and "机关三楼党员活动室" in content
    delivery = robot_delivery()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 1, "")
    assert delivery.address == robot_server.url("/cgi-bin/webhook/send?key=wecom-key-1")


def test_a_dingtalk_robot_receives_a_markdown_title_and_text_without_a_signature_when_it_has_no_secret(
        city, robot_server):
    activity = meeting_due_now(city)
    WebhookEndpointFactory(organisation=city.branch_a, provider=Provider.DINGTALK, secret="",
                           url=robot_server.url("/robot/send?access_token=ding-token"))
    sweep_and_send(timezone.now())

    [post] = robot_server.requests
    assert post.path == "/robot/send" and post.query == {"access_token": ["ding-token"]}
    markdown = post.body["markdown"]
    assert post.body["msgtype"] == "markdown" and markdown["title"].startswith("活动提醒：")
    assert markdown["text"].startswith(f"#### {markdown['title']}\n\n")
    assert markdown["text"].endswith(f"[查看详情]({SITE}/activities/{activity.pk}/)")


def test_dingtalk_signing_adds_a_fresh_timestamp_and_its_hmac_signature_when_a_secret_is_set(city, robot_server):
    secret = "SEC0123456789abcdef"
    robot = WebhookEndpointFactory(organisation=city.branch_a, provider=Provider.DINGTALK, secret=secret,
                                   url=robot_server.url("/robot/send?access_token=ding-token"))
    notifications_create([Due(kind=Kind.WEBHOOK_TEST, target=f"webhook:{robot.pk}", period="1", title="测试消息",
                              webhook_id=robot.pk)])
    before = round(time.time() * 1000)
    assert services.deliveries_send(notifications_dispatch())["sent"] == 1
    after = round(time.time() * 1000)

    [post] = robot_server.requests
    assert post.param("access_token") == "ding-token", "the robot's own token is kept"
    timestamp = post.param("timestamp")
    assert before <= int(timestamp) <= after
    expected = base64.b64encode(hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(),
                                         hashlib.sha256).digest()).decode()
    assert post.param("sign") == expected
    assert secret not in post.raw.decode() and secret not in str(post.query), "the secret itself is never sent"


# --- failures, retries, the last attempt --------------------------------------------------------------------

REFUSED = "群机器人拒绝了消息：invalid webhook url（错误码 93000）"


@pytest.mark.parametrize("failure, reason", [
    ("errcode", REFUSED),
    ("http500", "群机器人返回 HTTP 500"),
    ("refused", "无法连接群机器人："),
])
def test_a_robot_failure_is_recorded_in_chinese_with_a_next_attempt_and_the_member_is_still_told(
        city, robot_server, client, failure, reason):
    meeting_due_now(city)
    url = robot_server.url("/cgi-bin/webhook/send?key=k")
    if failure == "errcode":
        robot_server.fail_next(errcode=93000, errmsg="invalid webhook url")
    elif failure == "http500":
        robot_server.fail_next(status=500)
    else:
        url = f"http://127.0.0.1:{closed_port()}/cgi-bin/webhook/send?key=k"
    WebhookEndpointFactory(organisation=city.branch_a, url=url)
    t0 = timezone.now()

    assert sweep_and_send(t0) == {"sent": 1, "failed": 1, "skipped": 0}
    delivery = robot_delivery()
    assert delivery.status == DeliveryStatus.PENDING and delivery.attempts == 1
    assert delivery.last_error.startswith(reason) and delivery.sent_at is None
    assert delivery.next_attempt_at == t0 + dt.timedelta(seconds=DELAYS[0])
    assert len(robot_server.requests) == (0 if failure == "refused" else 1)
    # The member's own reminder is in the centre and went by e-mail, whatever the robot did.
    assert Delivery.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.SENT
    assert [m.subject for m in mail.outbox] == [f"【机关党建】{Notification.objects.get(recipient=city.member_user)}"]
    member_sees_it_in_the_centre(client, city)


def test_a_robot_that_refuses_twice_is_retried_when_due_and_sent_on_the_third_attempt(city, robot_server):
    meeting_due_now(city)
    WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url())
    robot_server.fail_next(status=500)
    robot_server.fail_next(errcode=93000, errmsg="invalid webhook url")
    t0 = timezone.now()
    sweep_and_send(t0)
    first_retry = t0 + dt.timedelta(seconds=DELAYS[0])

    with freeze_time(first_retry - dt.timedelta(seconds=1)):
        assert deliveries_due() == [], "not before its time"
    with freeze_time(first_retry):
        assert deliveries_due() == [robot_delivery().pk]
    retry_at(first_retry)
    delivery = robot_delivery()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.PENDING, 2, REFUSED)
    assert delivery.next_attempt_at == first_retry + dt.timedelta(seconds=DELAYS[1])
    assert len(robot_server.requests) == 2

    retry_at(delivery.next_attempt_at)
    delivery = robot_delivery()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 3, "")
    assert delivery.next_attempt_at is None and delivery.sent_at is not None
    assert len(robot_server.requests) == 3
    assert len({str(r.body) for r in robot_server.requests}) == 1, "the same message each time"
    retry_at(delivery.sent_at + dt.timedelta(hours=1))
    assert len(robot_server.requests) == 3, "nothing more once it was sent"


def test_a_robot_that_always_refuses_is_failed_after_the_last_attempt_and_the_notification_stays(
        city, robot_server, client):
    meeting_due_now(city)
    WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url())
    robot_server.always(errcode=93000, errmsg="invalid webhook url")
    t0 = timezone.now()
    sweep_and_send(t0)
    retry_at(t0 + dt.timedelta(seconds=DELAYS[0]))
    retry_at(t0 + dt.timedelta(seconds=DELAYS[0] + DELAYS[1]))

    delivery = robot_delivery()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, len(DELAYS) + 1)
    assert delivery.last_error == REFUSED and delivery.next_attempt_at is None
    assert len(robot_server.requests) == 3
    retry_at(t0 + dt.timedelta(days=1))
    assert len(robot_server.requests) == 3, "a failed delivery is not tried again"
    assert Notification.objects.filter(webhook__isnull=False).exists(), "the log keeps what failed"
    member_sees_it_in_the_centre(client, city)


@pytest.mark.parametrize("answer, reason", [("not http", "无法连接群机器人："), ("json list", "群机器人的应答无法识别")])
def test_a_robot_that_answers_nonsense_is_a_failed_attempt_and_the_e_mails_sent_with_it_stay_sent(
        city, robot_server, answer, reason):
    meeting_due_now(city)
    WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url())
    if answer == "not http":
        robot_server.garble_next()
    else:
        robot_server.reply_next(payload=[{"errcode": 0}])

    assert sweep_and_send(timezone.now()) == {"sent": 1, "failed": 1, "skipped": 0}
    robot = robot_delivery()
    assert robot.status == DeliveryStatus.PENDING and robot.attempts == 1
    assert robot.last_error.startswith(reason)
    # Had the batch crashed, the e-mail already sent would stay SENDING and go out again 15 minutes later.
    assert Delivery.objects.get(channel=Channel.EMAIL).status == DeliveryStatus.SENT
    assert len(mail.outbox) == 1


def test_a_robot_host_outside_the_allowed_list_is_refused_without_any_request(city, robot_server, settings):
    assert "localhost" not in settings.NOTIFICATION_WEBHOOK_HOSTS
    meeting_due_now(city)
    # The same local server under another name: had the address been called, the server would have seen it.
    WebhookEndpointFactory(organisation=city.branch_a,
                           url=f"http://localhost:{robot_server.port}/cgi-bin/webhook/send?key=k")
    sweep_and_send(timezone.now())

    delivery = robot_delivery()
    # It can never succeed, so it is not retried: FAILED at the first attempt, and the log says why.
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == (DeliveryStatus.FAILED, 1, None)
    assert delivery.last_error.startswith("群机器人地址不在允许的范围内")
    assert robot_server.requests == []


# --- e-mail -----------------------------------------------------------------------------------------------------

def _connection_refuses_to_open():
    return mock.patch("django.core.mail.backends.locmem.EmailBackend.open",
                      side_effect=ConnectionRefusedError(111, "Connection refused"), create=True)


def _server_drops_the_message():
    return mock.patch("django.core.mail.backends.locmem.EmailBackend.send_messages",
                      side_effect=smtplib.SMTPServerDisconnected("Connection unexpectedly closed"))


@pytest.mark.parametrize("breakage, reason", [
    (_connection_refuses_to_open, "邮件服务器连接失败："),
    (_server_drops_the_message, "邮件发送失败："),
])
def test_an_e_mail_failure_is_retried_while_the_notification_stays_in_the_centre(city, client, breakage, reason):
    meeting_due_now(city)
    t0 = timezone.now()
    with breakage():
        assert sweep_and_send(t0) == {"sent": 0, "failed": 1, "skipped": 0}
    delivery = Delivery.objects.get()
    assert (delivery.channel, delivery.status, delivery.attempts) == (Channel.EMAIL, DeliveryStatus.PENDING, 1)
    assert delivery.last_error.startswith(reason) and delivery.address == "jia@example.cn"
    assert delivery.next_attempt_at == t0 + dt.timedelta(seconds=DELAYS[0])
    assert mail.outbox == []
    member_sees_it_in_the_centre(client, city)

    retry_at(t0 + dt.timedelta(seconds=DELAYS[0]))  # the mail server is back
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_error) == (DeliveryStatus.SENT, 2, "")
    title = Notification.objects.get(recipient=city.member_user).title
    [message] = mail.outbox
    assert message.subject == f"【机关党建】{title}" and message.to == ["jia@example.cn"]
    assert f"{SITE}/activities/" in message.body


def test_an_e_mail_that_keeps_failing_is_failed_after_the_last_attempt(city):
    meeting_due_now(city)
    t0 = timezone.now()
    with _server_drops_the_message():
        sweep_and_send(t0)
        retry_at(t0 + dt.timedelta(seconds=DELAYS[0]))
        retry_at(t0 + dt.timedelta(seconds=DELAYS[0] + DELAYS[1]))
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.FAILED, 3)
    assert delivery.last_error.startswith("邮件发送失败：") and delivery.next_attempt_at is None
    retry_at(t0 + dt.timedelta(days=1))
    assert mail.outbox == [] and Delivery.objects.get().attempts == 3
    assert Notification.objects.filter(recipient=city.member_user, read_at__isnull=True).count() == 1


def test_a_robot_that_answers_with_a_redirect_is_not_followed(city, robot_server):
    """A redirect could carry the POST (and the robot's key) to any host: it is a failed attempt instead."""
    meeting_due_now(city)
    elsewhere = f"http://127.0.0.1:{closed_port()}/collect"
    robot_server.garble_next(raw=(f"HTTP/1.1 302 Found\r\nLocation: {elsewhere}\r\nContent-Length: 0\r\n"
                                  "Connection: close\r\n\r\n").encode())
    WebhookEndpointFactory(organisation=city.branch_a, url=robot_server.url())
    sweep_and_send(timezone.now())
    delivery = robot_delivery()
    assert (delivery.status, delivery.last_error) == (DeliveryStatus.PENDING, "群机器人返回 HTTP 302")
