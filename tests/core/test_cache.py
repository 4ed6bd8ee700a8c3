"""Redis (the shared cache) down: login and pages keep working on a local stand-in, with a warning."""

import logging

import pytest
from django.core.cache import cache
from django.urls import reverse

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


def test_sessions_do_not_live_in_the_cache(settings):
    assert settings.SESSION_ENGINE == "django.contrib.sessions.backends.db"
