"""The notification centre, the settings page and an organisation's group robots, through the web."""

import pytest
from django.urls import reverse

from notifications.choices import Kind, Mode
from notifications.models import Delivery, Notification, NotificationSettings, WebhookEndpoint
from tests.notifications.factories import NotificationFactory, WebhookEndpointFactory


def test_the_bell_shows_the_unread_count_on_every_page(city, login):
    client = login(city.member_user)
    NotificationFactory.create_batch(3, recipient=city.member_user)
    NotificationFactory(recipient=city.other_member.user or city.secretary)
    page = client.get(reverse("activities:activity_list")).content.decode()
    assert 'data-testid="unread-count">3<' in page


def test_opening_a_notification_marks_it_read_and_goes_to_what_it_is_about(city, login):
    client = login(city.member_user)
    notification = NotificationFactory(recipient=city.member_user, link="/activities/")
    response = client.get(reverse("notifications:notification_open", args=[notification.pk]))
    assert response.status_code == 302 and response["Location"] == "/activities/"
    notification.refresh_from_db()
    assert notification.is_read
    assert 'data-testid="unread-count"' not in client.get(reverse("home")).content.decode()


def test_a_link_to_another_site_is_never_followed(city, login):
    client = login(city.member_user)
    notification = NotificationFactory(recipient=city.member_user, link="https://evil.example/")
    response = client.get(reverse("notifications:notification_open", args=[notification.pk]))
    assert response["Location"] == reverse("notifications:notification_list")


def test_the_list_shows_only_ones_own_and_filters_unread(city, login, django_assert_max_num_queries):
    client = login(city.member_user)
    NotificationFactory(recipient=city.member_user, title="已读的通知", read_at="2026-11-01T10:00+08:00")
    NotificationFactory(recipient=city.member_user, title="未读的通知")
    NotificationFactory(recipient=city.secretary, title="书记的通知")
    page = client.get(reverse("notifications:notification_list")).content.decode()
    assert "已读的通知" in page and "未读的通知" in page and "书记的通知" not in page
    unread = client.get(reverse("notifications:notification_list") + "?show=unread").content.decode()
    assert "未读的通知" in unread and "已读的通知" not in unread
    NotificationFactory.create_batch(30, recipient=city.member_user)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("notifications:notification_list") + "?page=2")
    assert response.status_code == 200


def test_mark_all_read_touches_only_ones_own(city, login):
    client = login(city.member_user)
    NotificationFactory.create_batch(2, recipient=city.member_user)
    theirs = NotificationFactory(recipient=city.secretary)
    client.post(reverse("notifications:notification_read_all"))
    assert not Notification.objects.filter(recipient=city.member_user, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_a_member_changes_their_reminder_times(city, login):
    client = login(city.member_user)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "活动前一天提醒" in page and "立即提醒" not in page, "members see no duty kinds"
    response = client.post(reverse("notifications:settings"), {
        "day_before": "on", "day_before_at": "20:30", "soon_minutes": "30", "by_email": "on"})
    assert response.status_code == 302
    saved = NotificationSettings.objects.get(user=city.member_user)
    assert (str(saved.day_before_at), saved.soon, saved.soon_minutes, saved.changes) == ("20:30:00", False, 30,
                                                                                         False)


def test_a_bad_value_is_refused_in_chinese_and_keeps_what_was_typed(city, login):
    client = login(city.member_user)
    response = client.post(reverse("notifications:settings"), {"day_before_at": "20:30", "soon_minutes": "2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请填写 5 至 1440 之间的分钟数。" in page
    assert 'value="20:30"' in page
    assert not NotificationSettings.objects.exists()


def test_a_secretary_chooses_immediate_or_weekly_per_kind(city, login):
    client = login(city.secretary)
    assert "换届到期提醒" in client.get(reverse("notifications:settings")).content.decode()
    data = {"day_before": "on", "day_before_at": "18:00", "soon": "on", "soon_minutes": "60", "changes": "on"}
    from notifications.choices import CHOOSABLE_KINDS

    data.update({f"mode_{kind}": Mode.DIGEST for kind in CHOOSABLE_KINDS})
    data[f"mode_{Kind.REELECTION_DUE}"] = Mode.IMMEDIATE
    assert client.post(reverse("notifications:settings"), data).status_code == 302
    saved = NotificationSettings.objects.get(user=city.secretary)
    assert saved.mode_for(Kind.REELECTION_DUE) == Mode.IMMEDIATE
    assert saved.mode_for(Kind.REVIEW_RETURNED) == Mode.DIGEST


ROBOT = {"provider": "WECOM", "name": "第一支部党员群", "activity_notices": "on", "is_active": "on",
         "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc-123"}


def test_a_secretary_adds_a_group_robot_and_sends_a_test_message(city, login, django_capture_on_commit_callbacks,
                                                                 monkeypatch):
    posted = []
    monkeypatch.setattr("notifications.channels.post_webhook", lambda endpoint, n: posted.append(n.title))
    client = login(city.secretary)
    response = client.post(reverse("notifications:webhook_create", args=[city.branch_a.pk]), ROBOT)
    assert response.status_code == 302
    robot = WebhookEndpoint.objects.get(organisation=city.branch_a)
    assert robot.created_by == city.secretary
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notifications:webhook_test", args=[robot.pk]))
    assert posted == ["机关党建平台测试消息"]
    assert Delivery.objects.get().status == "SENT"
    page = client.get(reverse("notifications:webhook_list", args=[city.branch_a.pk])).content.decode()
    assert "第一支部党员群" in page and "abc-123" not in page, "the robot's key is not shown"


@pytest.mark.parametrize(("url", "error"), [
    ("http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1", "机器人地址须以 https:// 开头。"),
    ("https://example.com/hook", "请填写企业微信或钉钉群机器人的地址"),
    ("不是网址", "输入一个有效的 URL。"),
])
def test_a_robot_address_that_is_not_a_group_robot_is_refused(city, login, url, error):
    client = login(city.secretary)
    response = client.post(reverse("notifications:webhook_create", args=[city.branch_a.pk]), {**ROBOT, "url": url})
    page = response.content.decode()
    assert response.status_code == 200 and error in page
    assert "第一支部党员群" in page, "the form keeps what was typed"
    assert not WebhookEndpoint.objects.exists()


def test_another_organisations_secretary_cannot_touch_the_robot_by_post(city, login):
    robot = WebhookEndpointFactory(organisation=city.branch_a)
    client = login(city.other_secretary)
    assert client.post(reverse("notifications:webhook_delete", args=[robot.pk])).status_code == 404
    assert client.post(reverse("notifications:webhook_test", args=[robot.pk])).status_code == 404
    assert client.post(reverse("notifications:webhook_edit", args=[robot.pk]), ROBOT).status_code == 404
    assert WebhookEndpoint.objects.filter(pk=robot.pk, name="党员群").exists()
    assert not Notification.objects.exists()


def test_the_own_secretary_deletes_the_robot(city, login):
    robot = WebhookEndpointFactory(organisation=city.branch_a)
    login(city.secretary).post(reverse("notifications:webhook_delete", args=[robot.pk]))
    assert not WebhookEndpoint.objects.exists()


def test_admins_see_the_send_log_and_the_schedules(city, login):
    city.admin.is_staff = city.admin.is_superuser = True
    city.admin.save()
    client = login(city.admin)
    NotificationFactory(recipient=city.member_user)
    assert client.get(reverse("admin:notifications_delivery_changelist")).status_code == 200
    assert client.get(reverse("admin:notifications_notification_changelist")).status_code == 200
    schedules = client.get(reverse("admin:django_celery_beat_periodictask_changelist")).content.decode()
    assert "活动提醒（每 5 分钟）" in schedules and "每周摘要（周一 8:30）" in schedules


def _bell_queries(context) -> int:
    return sum('"notifications_notification"' in query["sql"] for query in context.captured_queries)


def test_the_bell_costs_one_query_on_a_page_and_none_on_a_polled_fragment(city, login):
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from reports.models import Report

    client = login(city.admin)
    NotificationFactory.create_batch(2, recipient=city.admin)
    report = Report.objects.create(kind="ROSTER", organisation=city.org_a, requested_by=city.admin,
                                   period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))
    with CaptureQueriesContext(connection) as page:
        assert 'data-testid="unread-count">2<' in client.get(reverse("home")).content.decode()
    assert _bell_queries(page) == 1
    with CaptureQueriesContext(connection) as fragment:
        response = client.get(reverse("reports:report_progress", args=[report.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert _bell_queries(fragment) == 0
