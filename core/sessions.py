"""Sessions in the database, read through the shared cache.

Every page needs the session; reading it from Redis instead of PostgreSQL saves a query on each request.
The database stays the record (Redis keeps nothing on disk): a session is written to both, read from Redis
when it is there, and from the database otherwise. Unlike Django's `cached_db`, the cache is used only while
it is the shared one (`core.cache.SharedOnly`): while Redis is down every process reads the database, never
a copy of its own that a logout in another process could not remove; and an entry lives at most
`SESSION_CACHE_SECONDS`, so a logout made while Redis was unreachable is seen at the latest that long after
Redis is back.

    SESSION_ENGINE = "core.sessions"
"""

from django.conf import settings
from django.contrib.sessions.backends.cached_db import SessionStore as CachedDBStore

from core.cache import SharedOnly


class SessionStore(CachedDBStore):
    cache_key_prefix = "sessions:"

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = SharedOnly(settings.SESSION_CACHE_ALIAS)
