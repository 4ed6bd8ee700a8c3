"""Test settings: the real settings, made fast and isolated."""

import os

from .settings import *  # noqa: F401,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# In-process cache, emptied around every test (tests/conftest.py), so one test's rate limits never reach another.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}
MEDIA_ROOT = VAR_DIR / "test-media"  # noqa: F405
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
REQUIRE_ADMIN_MFA = False
# Tasks run inline in ordinary tests; tests/worker.py turns that off and starts a real worker that listens on
# this run's own queue, so no other worker (a developer's `make run`) takes the messages.
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_DEFAULT_QUEUE = f"jiguan-test-{os.getpid()}"
# Tests start their own group-robot server on the loopback interface.
NOTIFICATION_WEBHOOK_HOSTS = [*NOTIFICATION_WEBHOOK_HOSTS, "127.0.0.1"]  # noqa: F405
