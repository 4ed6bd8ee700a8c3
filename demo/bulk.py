"""Loading tens of millions of rows into PostgreSQL: without the table's secondary indexes and constraints
during the load, rebuilt (and so checked) once at the end, then ANALYZE (autovacuum may be off).

Per-row upkeep of six indexes and two deferred foreign-key checks made the province-scale attendance load
run for most of an hour; rebuilding them after the load takes a minute. Only for an empty database
(`seed_demo`): other sessions would see the table without its indexes meanwhile."""

import io
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
            cursor.execute("SET maintenance_work_mem = '512MB'")
            # Sorting for a B-tree build in parallel (PostgreSQL 11+): each index of tens of millions of rows.
            cursor.execute("SET max_parallel_maintenance_workers = 2")
            for table, constraints, indexes in saved:
                for _, definition in indexes:
                    cursor.execute(definition)
                for name, definition in constraints:
                    cursor.execute(f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}")
                cursor.execute(f"ANALYZE {quote(table)}")
        if stdout:
            stdout.write(f"  索引与约束已重建并校验（{time.monotonic() - started:.1f} 秒）")


class _Lines(io.TextIOBase):
    """A file whose read() draws text from an iterator of strings: COPY FROM STDIN streams it, so PostgreSQL
    parses one part while Python makes the next."""

    def __init__(self, chunks, counted: list[int]):
        self.chunks, self.counted = iter(chunks), counted
        self.pending = ""

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        parts, have = [self.pending], len(self.pending)
        while size < 0 or have < size:
            chunk = next(self.chunks, None)
            if chunk is None:
                break
            parts.append(chunk)
            have += len(chunk)
            self.counted[0] += chunk.count("\n")
        text = "".join(parts)
        if size < 0:
            self.pending = ""
            return text
        self.pending = text[size:]
        return text[:size]


def copy_lines(table: str, columns: list[str], chunks) -> int:
    """COPY text lines (each ending in a newline; tabs between plain values, \\N for NULL) into a PostgreSQL
    table; returns the number of lines."""
    quote = connection.ops.quote_name
    counted = [0]
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN",
                                  _Lines(chunks, counted), size=1 << 20)
    return counted[0]
