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


def test_the_organisations_a_secretary_runs_come_with_the_roles_and_follow_the_tree_at_once(city):
    from branches import access
    from tests.factories import MemberFactory, OrganisationFactory

    client = _logged_in(city.secretary)
    url = reverse("members:member_list")
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert not [q for q in queries.captured_queries  # the pks run: not asked again
                if q["sql"].startswith('SELECT "branches_organisation"."id" AS "pk" FROM "branches_organisation"')]
    newcomer = MemberFactory(organisation=OrganisationFactory(parent=city.branch_a, unit=city.org_a.unit))
    access.tree_generation = 0  # as in another process, which saw no organisation saved
    assert client.get(reverse("members:member_detail", args=[newcomer.pk])).status_code == 200
    moved = OrganisationFactory(parent=city.org_b, unit=city.org_b.unit)
    elsewhere = MemberFactory(organisation=moved)
    client.get(url)
    assert client.get(reverse("members:member_detail", args=[elsewhere.pk])).status_code == 404
    moved.parent = city.org_a
    moved.save()
    access.tree_generation = 0
    assert client.get(reverse("members:member_detail", args=[elsewhere.pk])).status_code == 200


def _cache_reads(client, url, monkeypatch) -> list[str]:
    """The round trips a page makes to read the cache backend (a get_many that the test cache answers by calling
    its own get per key counts once)."""
    from django.core.cache import cache

    backend = cache.primary if hasattr(cache, "primary") else cache
    reads, depth = [], []
    for method in ("get", "get_many", "has_key"):
        original = getattr(backend, method)

        def counted(*args, _original=original, _method=method, **kwargs):
            if not depth:
                reads.append(_method)
            depth.append(_method)
            try:
                return _original(*args, **kwargs)
            finally:
                depth.pop()

        monkeypatch.setattr(backend, method, counted)
    assert client.get(url).status_code == 200
    monkeypatch.undo()
    return reads


def test_a_page_reads_session_then_user_roles_and_bell_in_two_round_trips(city, monkeypatch):
    client = _logged_in(city.secretary)
    url = reverse("notifications:notification_list")
    client.get(url)
    client.get(url)  # the version counters exist, session, user, roles and count are cached
    assert _cache_reads(client, url, monkeypatch) == ["get", "get_many"]


def test_a_count_changed_during_the_request_is_read_again(city):
    """What came back with the user is dropped when the request itself changes it."""
    from core.cache import keep_read_ahead, read_ahead, read_ahead_scope
    from notifications.unread import unread_changed, unread_count, unread_keys
    from tests.notifications.factories import NotificationFactory

    user = city.member_user
    NotificationFactory(recipient=user)
    with read_ahead_scope():
        keep_read_ahead(unread_keys(user.pk), {unread_keys(user.pk)[0]: 0})
        assert read_ahead(unread_keys(user.pk)) == {unread_keys(user.pk)[0]: 0}
        assert unread_count(user) == 0  # what was read ahead
        unread_changed([user.pk])
        assert read_ahead(unread_keys(user.pk)) is None
        assert unread_count(user) == 1
    assert read_ahead(unread_keys(user.pk)) is None  # nothing outlives the request


def test_roles_read_ahead_are_dropped_when_the_version_moves(city):
    from branches import access
    from core.cache import keep_read_ahead, read_ahead, read_ahead_scope

    keys = access.shell_keys(city.secretary.pk)
    with read_ahead_scope():
        keep_read_ahead(keys, {})
        assert read_ahead(keys) == {}
        access.shell_changed()
        assert read_ahead(keys) is None


def test_the_view_reads_the_user_itself_not_through_the_lazy_wrapper(city):
    """Once LoginRequiredMiddleware has read the user, the user takes the wrapper's place (every attribute read
    through a SimpleLazyObject costs a caught AttributeError); logged out, the view gets AnonymousUser itself."""
    from django.contrib.auth.models import AnonymousUser
    from django.utils.functional import SimpleLazyObject

    from accounts.models import User

    request = _logged_in(city.member_user).get(reverse("help")).wsgi_request
    assert type(request.user) is User and request.user == city.member_user
    assert not isinstance(request.user, SimpleLazyObject)
    anonymous = Client().get(reverse("account_login")).wsgi_request
    assert type(anonymous.user) is AnonymousUser
