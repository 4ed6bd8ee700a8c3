"""Bugs found in review of the reminders and the notification centre, each pinned by a test."""

import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications import services
from notifications.choices import DeliveryStatus, Kind
from notifications.forms import WebhookForm
from notifications.models import Delivery
from notifications.services import Due, notifications_create, notifications_dispatch
from tests.notifications.factories import NotificationFactory, WebhookEndpointFactory

BASE_DIR = Path(__file__).resolve().parents[2]


def test_a_task_out_of_time_stops_sending_and_leaves_the_rest_for_the_next_sweep(city):
    """Celery's soft time limit used to be swallowed as one failed attempt, and the batch went on until the hard
    limit killed the worker mid-send."""
    robots = WebhookEndpointFactory.create_batch(3, organisation=city.branch_a)
    notifications_create([Due(kind=Kind.WEBHOOK_TEST, target=f"webhook:{robot.pk}", period="p", title="测试",
                              webhook_id=robot.pk) for robot in robots])
    ids = notifications_dispatch()
    with mock.patch("notifications.channels.post_webhook", side_effect=SoftTimeLimitExceeded()) as post:
        with pytest.raises(SoftTimeLimitExceeded):
            services.deliveries_send(ids)
    assert post.call_count == 1, "nothing more is sent once the task is out of time"
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.PENDING}
    assert services.deliveries_due() == sorted(ids), "the next sweep sends them at once, not after 15 minutes"


@pytest.mark.parametrize("url", [
    "http://127.0.0.1@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",
    "http://127.0.0.1:80@oapi.dingtalk.com/robot/send?access_token=1",
])
def test_a_robot_address_cannot_slip_plain_http_past_the_https_rule(settings, url):
    form = WebhookForm({"provider": "WECOM", "name": "群", "url": url, "activity_notices": "on", "is_active": "on"})
    assert not form.is_valid()
    assert "机器人地址须以 https:// 开头。" in form.errors["url"]


def test_the_local_test_robot_is_still_accepted():
    form = WebhookForm({"provider": "WECOM", "name": "群", "url": "http://127.0.0.1:8765/hook", "is_active": "on"})
    assert form.is_valid(), form.errors


def test_robot_hosts_from_the_environment_are_trimmed_and_lower_cased():
    env = {**os.environ, "NOTIFICATION_WEBHOOK_HOSTS": "qyapi.weixin.qq.com, OAPI.DingTalk.com ,",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.NOTIFICATION_WEBHOOK_HOSTS)"],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "['qyapi.weixin.qq.com', 'oapi.dingtalk.com']"


def test_the_admin_list_of_notifications_costs_the_same_for_many_robots(city, login):
    city.admin.is_staff = city.admin.is_superuser = True
    city.admin.save()
    client = login(city.admin)
    url = reverse("admin:notifications_notification_changelist")

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context.captured_queries)

    NotificationFactory(recipient=None, webhook=WebhookEndpointFactory())
    queries()  # the first request fills the cached roles every page reads
    one = queries()
    for _ in range(4):
        NotificationFactory(recipient=None, webhook=WebhookEndpointFactory())
    queries()  # the robots' new organisations: the shell's entry is made again once
    assert queries() == one
