"""A cache that never takes the site down with it.

`FallbackCache` wraps the shared cache (Redis). When the shared cache cannot be reached, every call goes to a
local-memory cache of the process instead, with a warning in the log, and the shared cache is tried again after
`RETRY_AFTER` seconds. So login (allauth's rate limits live in the cache) and every page keep working while
Redis is down; the limits are then counted per process until it is back, which is the price of staying up.

    CACHES = {"default": {"BACKEND": "core.cache.FallbackCache", "LOCATION": "redis://…",
                          "OPTIONS": {"PRIMARY": "core.cache.RedisCache",
                                      "PRIMARY_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
                                      "RETRY_AFTER": 10}}}
"""

import logging
import pickle
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


class RedisCacheClient(DjangoRedisCacheClient):
    """Django's client builds a new `redis.Redis` for every operation (its constructor fills a table of ~170
    response callbacks: a quarter of a millisecond, several times on every page). A `redis.Redis` is safe to
    share between threads — connections come from its pool, which checks the process id after a fork — so one
    is kept per pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """django.core.cache.backends.redis.RedisCache with one client per pool (RedisCacheClient above)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient


def _unavailable_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [OSError, ConnectionError, TimeoutError]
    try:
        from redis.exceptions import RedisError
    except ImportError:  # pragma: no cover - redis is a requirement, but the wrapper does not depend on it
        pass
    else:
        errors.append(RedisError)
    return tuple(errors)


UNAVAILABLE = _unavailable_errors()
UNREACHED = object()


class FallbackCache(BaseCache):
    def __init__(self, server, params):
        super().__init__(params)
        options = dict(params.get("OPTIONS") or {})
        primary_class = import_string(options.get("PRIMARY", "core.cache.RedisCache"))
        primary_params = {key: value for key, value in params.items() if key not in ("BACKEND", "OPTIONS")}
        self.primary = primary_class(server, {**primary_params, "OPTIONS": options.get("PRIMARY_OPTIONS", {})})
        self.fallback = LocMemCache(f"fallback-{id(self)}", {**primary_params, "OPTIONS": {}})
        self.retry_after = float(options.get("RETRY_AFTER", 10))
        self._down_until = 0.0
        self._lock = threading.Lock()

    @property
    def primary_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _primary(self, method: str, *args, **kwargs):
        """`method` on the shared cache, or UNREACHED when it is down (or just failed: then it is marked down
        for RETRY_AFTER seconds, with one warning)."""
        if self.primary_down:
            return UNREACHED
        try:
            return getattr(self.primary, method)(*args, **kwargs)
        except UNAVAILABLE as error:
            with self._lock:
                already_down = self.primary_down
                self._down_until = time.monotonic() + self.retry_after
            if not already_down:
                logger.warning("共享缓存不可用，%s 秒内改用本进程内存缓存：%s", self.retry_after, error)
            return UNREACHED

    def _call(self, method: str, *args, **kwargs):
        result = self._primary(method, *args, **kwargs)
        return getattr(self.fallback, method)(*args, **kwargs) if result is UNREACHED else result

    def call_shared(self, method: str, *args, default=None):
        """`method` on the shared cache only, never the stand-in (see SharedOnly): `default` when it cannot be
        reached."""
        result = self._primary(method, *args)
        return default if result is UNREACHED else result

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        return self._call("incr", key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta, version)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def clear(self):
        self.fallback.clear()
        return self._call("clear")

    def close(self, **kwargs):
        try:
            self.primary.close(**kwargs)
        except UNAVAILABLE:
            pass

    def ping(self) -> None:
        """Write and read a key on the shared cache itself (for /readyz); raises when it cannot be reached."""
        key = "readyz:ping"
        self.primary.set(key, "1", 10)
        if self.primary.get(key) != "1":
            raise ConnectionError("共享缓存读写不一致")


class SharedOnly:
    """The shared cache itself, never a process's own stand-in: for entries that one process removes and every
    other process must then stop reading (sessions, users, unread counts).

    While the shared cache cannot be reached, `get` misses and `set` does nothing, so callers read the
    database; a `delete` that could not reach it leaves the old entry there until it expires, so every
    timeout is capped at `seconds`: that is the longest a logout or a deactivation made during an outage can
    go unseen once the shared cache is back (default: SESSION_CACHE_SECONDS). Another cache backend (the file
    cache of the embedded set-up, shared by its processes) is used as it is."""

    def __init__(self, cache_alias: str = "default", *, seconds: int | None = None):
        from django.conf import settings

        self.cache_alias = cache_alias
        self.seconds = settings.SESSION_CACHE_SECONDS if seconds is None else seconds

    def _shared(self, method: str, *args, default=None):
        from django.core.cache import caches

        cache = caches[self.cache_alias]
        if isinstance(cache, FallbackCache):
            return cache.call_shared(method, *args, default=default)
        return getattr(cache, method)(*args)

    def _timeout(self, timeout) -> int:
        if timeout is None or timeout is DEFAULT_TIMEOUT:
            return self.seconds
        return max(0, min(int(timeout), self.seconds))

    def get(self, key, default=None):
        return self._shared("get", key, default, default=default)

    def get_many(self, keys, default: dict | None = None) -> dict | None:
        """The entries found; `default` ({} unless given) when the shared cache cannot be reached."""
        return self._shared("get_many", keys, default={} if default is None else default)

    def set(self, key, value, timeout=None) -> None:
        forget_read_ahead([key])
        self._shared("set", key, value, self._timeout(timeout))

    def delete(self, key) -> None:
        forget_read_ahead([key])
        self._shared("delete", key)

    def delete_many(self, keys) -> None:
        keys = list(keys)
        forget_read_ahead(keys)
        self._shared("delete_many", keys)

    def forget(self, keys) -> None:
        """Delete `keys` now (this request sees the change) and again once the transaction commits (a reader in
        between may have cached the old rows)."""
        from django.db import transaction

        keys = list(keys)
        if keys:
            self.delete_many(keys)
            transaction.on_commit(lambda: self.delete_many(keys))

    def has_key(self, key) -> bool:
        return bool(self._shared("has_key", key, default=False))

    def __contains__(self, key) -> bool:
        return self.has_key(key)


# Entries that nearly every page reads for its user (roles and own member, the bell's count) are fetched in the
# same round trip as the user (accounts.middleware) and kept for the rest of the request: a page then pays two
# round trips to the shared cache (session, then user with its entries) instead of four. The request's store
# lives in a context variable that the middleware opens and closes around each request; writing or deleting one
# of its keys through SharedOnly or bump_version drops it from the store, so a change made during the request is
# not hidden by what was read at its start.
_USER_ENTRIES: list[Callable[[object], list[str]]] = []
_MISSING = object()
_read_ahead: ContextVar[dict | None] = ContextVar("core_cache_read_ahead", default=None)


def read_with_user(keys_for: Callable[[object], list[str]]) -> None:
    """Register `keys_for(user_pk)`: keys of the shared cache to fetch together with the request's user."""
    if keys_for not in _USER_ENTRIES:
        _USER_ENTRIES.append(keys_for)


def user_entry_keys(user_pk) -> list[str]:
    return [key for keys_for in _USER_ENTRIES for key in keys_for(user_pk)]


@contextmanager
def read_ahead_scope():
    """One request's store of read-ahead entries (accounts.middleware opens it around every request)."""
    token = _read_ahead.set({})
    try:
        yield
    finally:
        _read_ahead.reset(token)


def keep_read_ahead(keys: Iterable[str], found: dict) -> None:
    """Remember what one round trip found for `keys` (a key not found is remembered as missing)."""
    store = _read_ahead.get()
    if store is not None:
        store.update({key: found.get(key, _MISSING) for key in keys})


def read_ahead(keys: list[str]) -> dict | None:
    """The entries found for `keys` when all of them were read ahead in this request (missing ones left out),
    else None: the caller reads the cache itself."""
    store = _read_ahead.get()
    if not store or any(key not in store for key in keys):
        return None
    return {key: store[key] for key in keys if store[key] is not _MISSING}


def get_many_read_ahead(cache, keys: list[str]) -> dict:
    """`cache.get_many(keys)`, answered from what this request read ahead with its user when it holds them all."""
    found = read_ahead(keys)
    return cache.get_many(keys) if found is None else found


def forget_read_ahead(keys: Iterable[str]) -> None:
    store = _read_ahead.get()
    if store:
        for key in keys:
            store.pop(key, None)


def current_version(key: str) -> int:
    """The counter under `key` (see bump_version), started from the clock when it is missing, so numbers are
    never reused after the key was lost (a fresh cache, an eviction)."""
    from django.core.cache import cache

    version = cache.get(key)
    if version is None:
        cache.add(key, int(time.time() * 1000), timeout=None)
        version = cache.get(key)
    return version


def bump_version(key: str) -> None:
    """Move a cache version on (a counter every dependent key carries): what was cached under the old one is
    never read again. A missing counter (a fresh cache, an eviction) starts from the clock first."""
    from django.core.cache import cache

    forget_read_ahead([key])
    try:
        cache.incr(key)
    except ValueError:
        current_version(key)
        cache.incr(key)


def bump_now_and_at_commit(key: str) -> None:
    """bump_version now and again once the transaction commits: a reader in between recounts the old rows
    under the new version; the second bump makes sure that result is never read after the commit."""
    from django.db import transaction

    bump_version(key)
    transaction.on_commit(lambda: bump_version(key))


def bumped_by(key: str, *models) -> None:
    """Every save or delete of a row of `models` moves the version `key` on (bump_now_and_at_commit): for what is
    kept under one version that several tables feed (a page the same for everyone, an admin's figures)."""
    from django.db.models.signals import post_delete, post_save

    def changed(**kwargs) -> None:
        bump_now_and_at_commit(key)

    for model in models:
        label = model._meta.label
        post_save.connect(changed, sender=model, dispatch_uid=f"version-save-{key}-{label}", weak=False)
        post_delete.connect(changed, sender=model, dispatch_uid=f"version-delete-{key}-{label}", weak=False)


class PackedRows(Sequence):
    """Rows kept in the cache as plain tuples, made into `make(*row)` only for the slice a page shows.

    Unpickling a list of dataclasses costs a Python call and a dict per row (a province's 15,000 rows: tens of
    milliseconds on every read); a list of tuples is read back in C. Pickled, the tuples travel as one bytes
    string, unpacked only when a slice is first read: a page whose rows are kept rendered (a template fragment)
    never unpacks them (a province's 15,000 reporting rows: 3.4 ms of unpickling on every admin's view). Slicing
    gives the made rows of the slice, read when first used, so a Paginator pages it as it would a list. A cache
    entry holding one changes format with it: name its key anew (an older process cannot read the new one)."""

    def __init__(self, make: Callable, rows: list[tuple]):
        self._make, self._rows, self._count, self._packed = make, rows, len(rows), None

    def __getstate__(self) -> dict:
        packed = self._packed if self._packed is not None else pickle.dumps(self._rows, pickle.HIGHEST_PROTOCOL)
        return {"make": self._make, "count": self._count, "packed": packed}

    def __setstate__(self, state: dict) -> None:
        self._make, self._count, self._packed, self._rows = state["make"], state["count"], state["packed"], None

    def _unpacked(self) -> list[tuple]:
        if self._rows is None:
            self._rows = pickle.loads(self._packed)  # noqa: S301 — written by this class into our own cache
        return self._rows

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, key):
        if isinstance(key, slice):
            from core.paging import RowsWhenRead

            return RowsWhenRead(lambda: [self._make(*row) for row in self._unpacked()[key]])
        return self._make(*self._unpacked()[key])
