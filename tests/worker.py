"""A real Celery worker process for integration tests (not eager mode).

`celery_worker_process` starts `celery -A config worker` in a subprocess that talks to the test database and
to the broker of the settings (Redis when REDIS_URL is set, as in CI; the filesystem broker otherwise), on a
queue of its own so no other worker steals the messages. Tests that use it need committed data
(`transactional_db`) and a database a second process can open: PostgreSQL. Without one the tests skip on a
workstation and fail under CI=true, where a silent skip would hide them.

The worker runs the production settings module (`config.settings`, through a small overlay module) with:
- the test's own queue as the default queue, so tasks the worker enqueues itself come back to it;
- the test database (DATABASE_URL pointing at pytest-django's test database);
- e-mail written to files in `outbox_dir` (read them with `read_outbox()`);
- uploads under the test MEDIA_ROOT, so files it stores are visible to the test.
"""

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
READY_TIMEOUT = 60


@dataclass
class WorkerProcess:
    queue: str
    outbox_dir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def read_outbox(self) -> list:
        """E-mail messages the worker sent, oldest first, as `email.message.EmailMessage` objects."""
        messages = []
        for path in sorted(self.outbox_dir.glob("*.log"), key=lambda p: p.stat().st_mtime):
            # The file back-end separates messages with a line of 79 dashes.
            for chunk in path.read_bytes().split(b"\n" + b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(message_from_bytes(chunk.strip(), policy=policy.default))
        return messages

    def wait_idle(self, timeout: float = 60, quiet: float = 1.5) -> None:
        """Wait until every task the worker received has ended (succeeded, failed or handed to a retry) and
        nothing new has reached it for `quiet` seconds: a task may still write after the row a test watches says
        it is done, and a task may enqueue another as it ends (a finished report sends its notice), which the
        worker receives a moment after the first is logged as done; the test's flush (TRUNCATE) would then
        deadlock with it."""
        seen = {"received": -1, "since": 0.0}  # tasks received when last counted, and since when

        def idle():
            log = self.log()
            received = len(re.findall(r"\] received", log))
            ended = len(re.findall(r"\] (?:succeeded in|retry:|raised unexpected)", log))
            if received != seen["received"]:
                seen.update(received=received, since=time.monotonic())
            return received <= ended and time.monotonic() - seen["since"] >= quiet

        self.wait_for(idle, timeout=timeout, interval=0.1, message="the worker to finish the tasks it received")

    def wait_for(self, condition, timeout: float = 30, interval: float = 0.2, message: str = ""):
        """Poll `condition()` until it returns something truthy; fail with the worker's log otherwise."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            result = condition()
            if result:
                return result
            if self.process.poll() is not None:
                pytest.fail(f"the Celery worker exited ({self.process.returncode}).\n{self.log()[-4000:]}")
            time.sleep(interval)
        pytest.fail(f"timed out waiting for the worker: {message}\n--- worker log ---\n{self.log()[-4000:]}")


def _database_url(settings_dict) -> str | None:
    if settings_dict["ENGINE"] != "django.db.backends.postgresql":
        return None
    user = settings_dict.get("USER") or ""
    password = settings_dict.get("PASSWORD") or ""
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{auth}{host}:{port}/{settings_dict['NAME']}"


def worker_database_url() -> str:
    """The test database's URL for a second process; skips (fails under CI=true) without PostgreSQL."""
    from django.db import connection

    url = _database_url(connection.settings_dict)
    if url is None:
        message = "a real Celery worker needs a database a second process can open (set DATABASE_URL to PostgreSQL)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return url


def start_worker(base: Path, *, queue: str, settings_extra: str = "", env_extra: dict | None = None,
                 pool: str = "solo") -> WorkerProcess:
    """Start `celery worker` on `queue` with the production settings and the test database (see the module
    docstring); `settings_extra` is appended to its settings module (a test's fault injection)."""
    from django.conf import settings

    url = worker_database_url()
    base.mkdir(parents=True, exist_ok=True)
    outbox_dir = base / "outbox"
    outbox_dir.mkdir(exist_ok=True)
    log_path = base / "worker.log"
    # The production settings with two changes:
    # - tasks the worker itself enqueues (a sweep handing deliveries to `send_deliveries`) go to this run's queue
    #   too; otherwise they would go to the default "celery" queue, where this worker never takes them (and a
    #   developer's worker on another database would);
    # - e-mail goes to files in `outbox_dir`, set as a path: django-environ reads "filemail:///tmp/x" as the
    #   relative path "tmp/x", which would put the files under the repository.
    overlay = base / "settings"
    overlay.mkdir(exist_ok=True)
    (overlay / "celery_worker_settings.py").write_text(
        "from config.settings import *  # noqa: F403\n\n"
        f"CELERY_TASK_DEFAULT_QUEUE = {settings.CELERY_TASK_DEFAULT_QUEUE!r}\n"
        'EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"\n'
        f"EMAIL_FILE_PATH = {str(outbox_dir)!r}\n" + settings_extra)
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "celery_worker_settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(overlay), str(ROOT), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": url,
        "CONN_MAX_AGE": "0",
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "CELERY_TASK_ALWAYS_EAGER": "false",
        # The tests' own group-robot server, and retries that come round within a test's patience.
        "NOTIFICATION_WEBHOOK_HOSTS": ",".join(settings.NOTIFICATION_WEBHOOK_HOSTS),
        "NOTIFICATION_RETRY_DELAYS": "1,1",
        "PYTHONUNBUFFERED": "1",
        **(env_extra or {}),
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    command = [sys.executable, "-m", "celery", "-A", "config", "worker", f"--pool={pool}", "--concurrency=1",
               "--without-heartbeat", "--without-gossip", "--without-mingle", "-Q", queue, "--loglevel=INFO",
               "-n", f"{queue}@%h"]
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    worker = WorkerProcess(queue=queue, outbox_dir=outbox_dir, log_path=log_path, process=process)
    deadline = time.monotonic() + READY_TIMEOUT
    while "ready." not in worker.log():
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            pytest.fail(f"the Celery worker did not start.\n{worker.log()[-4000:]}")
        time.sleep(0.2)
    return worker


def stop_worker(worker: WorkerProcess) -> None:
    if worker.process.poll() is not None:
        return
    worker.process.terminate()
    try:
        worker.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        worker.process.kill()
        worker.process.wait()


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker, tmp_path_factory):
    from django.conf import settings

    from config.celery import app

    worker_database_url()
    worker = start_worker(tmp_path_factory.mktemp("celery-worker"), queue=settings.CELERY_TASK_DEFAULT_QUEUE)
    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield worker
    finally:
        app.conf.task_always_eager = saved
        stop_worker(worker)


@pytest.fixture
def real_broker():
    """Messages go to the broker (not run inline) for this test, as for the session's worker."""
    from config.celery import app

    saved = app.conf.task_always_eager
    app.conf.task_always_eager = False
    try:
        yield app
    finally:
        app.conf.task_always_eager = saved
