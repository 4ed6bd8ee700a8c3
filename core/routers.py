"""Heavy reads on a PostgreSQL read replica, when there is one (REPLICA_DATABASE_URL).

Only code that asks for it reads from the replica: a report's data, a benchmark. Everything else, and every
write, stays on the primary, so a page never reads behind what it has just written (replicas lag).

    with replica_reads():
        rows = list(...)  # read from the replica
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_on_replica: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def replica_reads():
    """Reads inside the block go to the replica (when one is configured); writes still go to the primary."""
    token = _on_replica.set(True)
    try:
        yield
    finally:
        _on_replica.reset(token)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _on_replica.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary: objects from either may be related.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica is a copy made by PostgreSQL's streaming replication; never migrated directly.
        return db == "default"
