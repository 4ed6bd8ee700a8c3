"""Loading tens of millions of rows into PostgreSQL: without the table's secondary indexes and constraints
during the load, rebuilt (and so checked) once at the end, then ANALYZE (autovacuum may be off).

Per-row upkeep of six indexes and two deferred foreign-key checks made the province-scale attendance load
run for most of an hour; rebuilding them after the load takes a minute. Only for an empty database
(`seed_demo`): other sessions would see the table without its indexes meanwhile."""

import time
from contextlib import contextmanager

from django.db import connection


def _definitions(table: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(constraints as (name, definition)) for unique and foreign keys, and the other indexes as (name, SQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype IN ('u', 'f') ORDER BY contype DESC, conname",
            [table])
        constraints = cursor.fetchall()
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(x.indexrelid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass AND NOT x.indisprimary "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) ORDER BY i.relname",
            [table])
        indexes = cursor.fetchall()
    return constraints, indexes


@contextmanager
def bulk_load(*models, stdout=None):
    """Drop the models' secondary indexes, unique and foreign-key constraints; rebuild them afterwards (even
    when the load fails), then ANALYZE the tables. A plain pass-through on other databases."""
    if connection.vendor != "postgresql":
        yield
        return
    quote = connection.ops.quote_name
    saved = []
    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            constraints, indexes = _definitions(table)
            saved.append((table, constraints, indexes))
            for name, _ in reversed(constraints):  # foreign keys first, then unique
                cursor.execute(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {quote(name)}")
    try:
        yield
    finally:
        started = time.monotonic()
        with connection.cursor() as cursor:
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for table, constraints, indexes in saved:
                for _, definition in indexes:
                    cursor.execute(definition)
                for name, definition in constraints:
                    cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
                cursor.execute(f"ANALYZE {quote(table)}")
        if stdout:
            stdout.write(f"  索引与约束已重建并校验（{time.monotonic() - started:.1f} 秒）")
