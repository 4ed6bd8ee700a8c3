"""What /readyz checks: the database, the shared cache, the broker and a worker's heartbeat. Each check returns
a short detail or raises; none may take longer than a couple of seconds (the load balancer is waiting)."""

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.utils import timezone

BROKER_TIMEOUT = 2


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return connection.vendor


def check_cache() -> str:
    cache = caches["default"]
    ping = getattr(cache, "ping", None)
    if ping is not None:  # core.cache.FallbackCache: ask the shared cache itself, not its local stand-in
        ping()
        return "shared"
    cache.set("readyz:ping", "1", 10)
    if cache.get("readyz:ping") != "1":
        raise ConnectionError("缓存读写不一致")
    return type(cache).__name__


def check_broker() -> str:
    from config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT)
        return conn.transport.driver_name


def check_worker() -> str:
    from core.models import Heartbeat
    from core.tasks import WORKER

    beat = Heartbeat.objects.filter(name=WORKER).values_list("beat_at", flat=True).first()
    if beat is None:
        raise LookupError("尚无任务进程心跳（worker 或 beat 未运行）")
    age = timezone.now() - beat
    if age > dt.timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS):
        raise TimeoutError(f"任务进程心跳已停止 {int(age.total_seconds())} 秒（worker 或 beat 未运行）")
    return f"{int(age.total_seconds())} 秒前"


CHECKS: dict[str, Callable[[], str]] = {
    "database": check_database,
    "cache": check_cache,
    "broker": check_broker,
    "worker": check_worker,
}


def readiness() -> tuple[bool, dict[str, dict]]:
    results = {}
    for name, check in CHECKS.items():
        try:
            results[name] = {"ok": True, "detail": str(check())}
        except Exception as error:  # noqa: BLE001 - any failure of a component is the answer, not a crash
            results[name] = {"ok": False, "error": f"{type(error).__name__}: {error}"[:300]}
    return all(result["ok"] for result in results.values()), results
