"""Redis (the shared cache) down: login and pages keep working on a local stand-in, with a warning."""

import logging
import pickle
import time
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.core.paginator import Paginator
from django.urls import reverse

from core.cache import PackedRows
from tests.factories import PASSWORD, UserFactory

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def redis_down(settings):
    settings.CACHES = {"default": {"BACKEND": "core.cache.FallbackCache", "LOCATION": UNREACHABLE_REDIS,
                                   "OPTIONS": {"PRIMARY_OPTIONS": {"socket_connect_timeout": 1},
                                               "RETRY_AFTER": 30}}}
    return settings


def test_the_cache_falls_back_to_local_memory_with_a_warning(redis_down, caplog):
    with caplog.at_level(logging.WARNING, logger="core.cache"):
        cache.set("k", "v", 30)
        assert cache.get("k") == "v"
        assert cache.add("n", 1) and cache.incr("n") == 2
    warnings = [r for r in caplog.records if r.name == "core.cache"]
    assert len(warnings) == 1 and "共享缓存不可用" in warnings[0].getMessage(), "one warning, not one per call"


def test_login_succeeds_while_the_cache_is_unreachable(redis_down, client, db):
    user = UserFactory(username="zhangwei")
    response = client.post(reverse("account_login"), {"login": "zhangwei", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("home")).context["user"] == user


def test_login_rate_limits_still_hold_on_the_fallback(redis_down, client, db):
    UserFactory(username="zhangwei")
    for _ in range(5):
        client.post(reverse("account_login"), {"login": "zhangwei", "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": "zhangwei", "password": PASSWORD})
    assert response.status_code in (200, 429)
    assert not client.get(reverse("account_login")).context["user"].is_authenticated


def test_pages_answer_while_the_cache_is_unreachable(redis_down, city, login):
    client = login(city.admin)
    for name in ("home", "reports:report_list", "notifications:notification_list", "oversight:matrix"):
        assert client.get(reverse(name)).status_code == 200, name


def test_sessions_users_and_unread_counts_never_go_to_the_stand_in(redis_down, city, login):
    """While Redis is down each process has a stand-in of its own; a session ended (or a user deactivated) in
    one process would still be found in another's. What SharedOnly keeps is therefore read from the database."""
    from notifications.models import Notification

    Notification.objects.create(kind="ACTIVITY_DAY_BEFORE", target="t", period="p", recipient=city.member_user,
                                title="明天开会")
    client = login(city.member_user)
    assert client.get(reverse("home")).status_code == 200
    stand_in = cache.fallback
    kept = [key for key in stand_in._cache if any(part in key for part in ("sessions:", "accounts:user:",
                                                                          "notifications:unread:"))]
    assert kept == []


def test_shared_only_caps_every_timeout(settings):
    from django.core.cache import caches

    from core.cache import SharedOnly

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cap"}}
    shared = SharedOnly(seconds=60)
    shared.set("long", 1, 24 * 3600)
    shared.set("default", 1)
    locmem = caches["default"]
    for key in ("long", "default"):
        left = locmem._expire_info[locmem.make_and_validate_key(key)] - time.time()
        assert 55 < left <= 60, key
    shared.set("short", 1, 5)
    assert locmem._expire_info[locmem.make_and_validate_key("short")] - time.time() <= 5



@dataclass
class PackedRow:  # at module level: a pickled row's class is pickled by reference
    name: str
    count: int
    made = []

    def __post_init__(self):
        PackedRow.made.append(self.name)


def test_packed_rows_keep_tuples_and_make_rows_only_for_what_is_read():
    rows = pickle.loads(pickle.dumps(PackedRows(PackedRow, [("甲", 1), ("乙", 2), ("丙", 3)])))
    assert len(rows) == 3 and rows._rows is None  # read back still packed: counted without unpacking
    assert rows[1] == PackedRow("乙", 2)
    assert rows._rows == [("甲", 1), ("乙", 2), ("丙", 3)]  # kept as plain tuples

    PackedRow.made.clear()
    read_back = pickle.loads(pickle.dumps(PackedRows(PackedRow, [(str(n), n) for n in range(100)])))
    page = Paginator(read_back, 10).get_page(3)
    assert read_back._rows is None and PackedRow.made == []  # a page not shown (its fragment kept) unpacks nothing
    assert [row.count for row in page] == list(range(20, 30))
    assert PackedRow.made == [str(n) for n in range(20, 30)]  # the other ninety never made
    assert pickle.loads(pickle.dumps(read_back))[99] == PackedRow("99", 99)  # packed again as it came
