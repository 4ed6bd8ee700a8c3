"""Tests that need a service the suite may run without (PostgreSQL): skipped locally, failed under CI=true, where
CI provides the service and nothing may be skipped for want of it."""

import os

import pytest


def require_postgresql(reason: str) -> None:
    from django.db import connection

    if connection.vendor != "postgresql":
        message = f"{reason} (set DATABASE_URL; CI runs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
