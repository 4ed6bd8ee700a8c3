"""The settings read the environment strictly; the production profile passes Django's deployment checks."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import require_postgresql

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "PRODUCTION": "true",
    "SECRET_KEY": secrets.token_urlsafe(60),
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "dangjian.example.gov.cn",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/jiguan",
}


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items()
             if k not in PRODUCTION_ENV and k not in ("DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env}, timeout=120)


def test_the_production_profile_passes_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(("env", "message"), [
    ({"DEBUG": "maybe"}, "DEBUG"),
    ({**PRODUCTION_ENV, "SECRET_KEY": "short"}, "SECRET_KEY"),
    ({**PRODUCTION_ENV, "REDIS_URL": ""}, "REDIS_URL"),
    ({**PRODUCTION_ENV, "DEBUG": "true"}, "DEBUG"),
    ({"API_READ_RATE": "lots"}, "API_READ_RATE"),
    ({"API_WRITE_RATE": "10/fortnight"}, "API_WRITE_RATE"),
])
def test_malformed_or_unsafe_settings_stop_start_up(env, message):
    result = manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and message in result.stderr


@pytest.mark.parametrize(("env", "workers"), [({}, "0"), ({"PG_PARALLEL_WORKERS_PER_GATHER": "2"}, "2")])
def test_postgresql_connections_plan_no_parallel_workers_unless_asked(env, workers):
    result = manage("shell", "-c", "from django.conf import settings; print(settings.DATABASES['default']['OPTIONS'])",
                    DATABASE_URL="postgres://postgres@127.0.0.1:5432/jiguan", **env)
    assert result.returncode == 0, result.stderr
    assert f"-c max_parallel_workers_per_gather={workers}" in result.stdout


@pytest.mark.django_db
def test_the_applications_connection_starts_no_parallel_workers():
    from django.db import connection

    require_postgresql("PostgreSQL's planner setting")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
