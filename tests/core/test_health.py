"""/healthz (liveness: no database, no transaction) and /readyz (database, cache, broker, worker heartbeat)."""

import datetime as dt
import json
from unittest import mock

import pytest
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.urls import reverse
from django.utils import timezone

from core.models import Heartbeat
from core.tasks import WORKER, worker_heartbeat

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"  # nothing listens on port 1: "Redis is down"


def database_down():
    """Every new query fails as if PostgreSQL were restarting (the test's own connection is dropped first)."""
    def refuse(self):
        raise OperationalError("could not connect to server: Connection refused")

    return mock.patch.object(BaseDatabaseWrapper, "ensure_connection", refuse)


def test_healthz_answers_without_the_database_at_all(client):
    # No `db` fixture: pytest-django refuses every database access, so any query (or the transaction that
    # ATOMIC_REQUESTS would open) fails this test.
    response = client.get(reverse("healthz"))
    assert response.status_code == 200 and response.content == b"ok"


def test_healthz_answers_200_while_the_database_is_unreachable(db, client):
    with database_down():
        assert client.get(reverse("healthz")).status_code == 200


def readyz(client):
    response = client.get(reverse("readyz"))
    return response.status_code, json.loads(response.content)


def test_readyz_is_200_when_every_component_answers(db, client):
    worker_heartbeat.delay()  # as beat does every minute (eager here)
    status, body = readyz(client)
    assert status == 200, body
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker", "worker"}
    assert all(check["ok"] for check in body["checks"].values())


def test_readyz_names_the_database_when_it_is_unreachable(db, client):
    Heartbeat.objects.create(name=WORKER, beat_at=timezone.now())
    with database_down():
        status, body = readyz(client)
    assert status == 503 and body["status"] == "fail"
    assert body["checks"]["database"]["ok"] is False and "OperationalError" in body["checks"]["database"]["error"]
    assert body["checks"]["cache"]["ok"] and body["checks"]["broker"]["ok"]


def test_readyz_names_the_cache_when_redis_is_down(db, client, settings):
    Heartbeat.objects.create(name=WORKER, beat_at=timezone.now())
    settings.CACHES = {"default": {"BACKEND": "core.cache.FallbackCache", "LOCATION": UNREACHABLE_REDIS,
                                   "OPTIONS": {"PRIMARY_OPTIONS": {"socket_connect_timeout": 1}}}}
    status, body = readyz(client)
    assert status == 503
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["cache"]


def test_readyz_names_the_broker_when_it_is_down(db, client):
    from config.celery import app

    Heartbeat.objects.create(name=WORKER, beat_at=timezone.now())
    saved = app.conf.broker_write_url
    app.conf.broker_write_url = UNREACHABLE_REDIS
    try:
        status, body = readyz(client)
    finally:
        app.conf.broker_write_url = saved
    assert status == 503
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["broker"]


@pytest.mark.parametrize("beat_at", [None, dt.timedelta(minutes=10)])
def test_readyz_names_the_worker_when_its_heartbeat_is_missing_or_stale(db, client, beat_at):
    if beat_at is not None:
        Heartbeat.objects.create(name=WORKER, beat_at=timezone.now() - beat_at)
    status, body = readyz(client)
    assert status == 503
    assert [name for name, check in body["checks"].items() if not check["ok"]] == ["worker"]
    assert "worker" in body["checks"]["worker"]["error"]


def test_the_worker_heartbeat_is_scheduled_every_minute_by_a_migration(db):
    from django_celery_beat.models import PeriodicTask

    task = PeriodicTask.objects.get(task="core.tasks.worker_heartbeat")
    assert task.enabled and (task.interval.every, task.interval.period) == (1, "minutes")
