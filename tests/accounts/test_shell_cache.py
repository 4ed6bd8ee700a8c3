"""Every page's session and user come from the shared cache (core.sessions, accounts.middleware), yet a logout,
a deactivation or a password change takes effect at the next request."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PASSWORD


def _tables_read(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return " ".join(q["sql"] for q in queries.captured_queries)


def _logged_in(user) -> Client:
    client = Client()
    assert client.post(reverse("account_login"), {"login": user.username, "password": PASSWORD}).status_code == 302
    return client


def test_a_page_reads_neither_the_session_nor_the_user_row_once_cached(city):
    client = _logged_in(city.member_user)
    client.get(reverse("home"))
    sql = _tables_read(client, reverse("notifications:notification_list"))
    assert "django_session" not in sql and "accounts_user" not in sql


def test_a_logout_ends_the_session_everywhere(city):
    client = _logged_in(city.member_user)
    client.get(reverse("home"))  # session and user now cached
    stolen = Client()
    stolen.cookies = client.cookies.__class__(client.cookies)
    assert stolen.get(reverse("home")).context["user"] == city.member_user
    client.post(reverse("account_logout"))
    assert not stolen.get(reverse("home"), follow=True).context["user"].is_authenticated


def test_a_deactivated_account_is_logged_out_at_its_next_request(city):
    client = _logged_in(city.member_user)
    client.get(reverse("home"))
    city.member_user.is_active = False
    city.member_user.save(update_fields=["is_active"])
    assert not client.get(reverse("home"), follow=True).context["user"].is_authenticated


def test_a_password_changed_elsewhere_ends_the_other_sessions(city):
    client = _logged_in(city.member_user)
    client.get(reverse("home"))
    city.member_user.set_password("another-password-456")
    city.member_user.save()
    assert not client.get(reverse("home"), follow=True).context["user"].is_authenticated


def test_a_changed_name_shows_at_once(city):
    client = _logged_in(city.member_user)
    client.get(reverse("home"))
    city.member_user.full_name = "甲党员（新名）"
    city.member_user.save()
    assert "甲党员（新名）" in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("key", ["_auth_user_hash", "_auth_user_backend"])
def test_a_session_without_its_hash_or_backend_is_not_taken_from_the_cache(city, key):
    client = _logged_in(city.member_user)
    client.get(reverse("home"))
    session = client.session
    del session[key]
    session.save()
    assert not client.get(reverse("home"), follow=True).context["user"].is_authenticated


def test_roles_come_from_the_cache_and_a_removed_role_ends_at_once(city):
    from branches.models import Role

    client = _logged_in(city.secretary)
    url = reverse("members:member_list")
    client.get(url)
    assert "branches_role" not in _tables_read(client, url)
    Role.objects.filter(user=city.secretary).delete()
    assert client.get(url).status_code == 403
