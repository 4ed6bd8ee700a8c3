"""The bell's unread count comes from the shared cache, and changes as soon as the notifications do."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from notifications.choices import Kind
from notifications.models import Notification
from notifications.services import Due, notification_read, notifications_create, notifications_read_all
from tests.notifications.factories import NotificationFactory


def _bell(client) -> str | None:
    page = client.get(reverse("home")).content.decode()
    marker = 'data-testid="unread-count">'
    return page.split(marker, 1)[1].split("<", 1)[0] if marker in page else None


def test_the_count_is_read_back_without_a_query(city, login):
    client = login(city.member_user)
    NotificationFactory.create_batch(2, recipient=city.member_user)
    assert _bell(client) == "2"
    with CaptureQueriesContext(connection) as queries:
        assert _bell(client) == "2"
    assert not any("notifications_notification" in q["sql"] for q in queries.captured_queries)


def test_the_count_follows_every_kind_of_change(city, login):
    client = login(city.member_user)
    first = NotificationFactory(recipient=city.member_user)
    assert _bell(client) == "1"
    notifications_create([Due(kind=Kind.ACTIVITY_DAY_BEFORE, target="activity:99", period="p",
                              recipient_id=city.member_user.pk, title="明天开会")])
    assert _bell(client) == "2"
    notification_read(notification=first)
    assert _bell(client) == "1"
    Notification.objects.filter(recipient=city.member_user, read_at__isnull=True).get().delete()
    assert _bell(client) is None
    NotificationFactory.create_batch(3, recipient=city.member_user)
    assert _bell(client) == "3"
    notifications_read_all(user=city.member_user)
    assert _bell(client) is None


def test_one_users_change_leaves_anothers_count_alone(city, login):
    NotificationFactory(recipient=city.secretary)
    client = login(city.member_user)
    NotificationFactory(recipient=city.member_user)
    assert _bell(client) == "1"
    NotificationFactory(recipient=city.secretary)
    with CaptureQueriesContext(connection) as queries:
        assert _bell(client) == "1"
    assert not any("notifications_notification" in q["sql"] for q in queries.captured_queries)
