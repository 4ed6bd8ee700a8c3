"""Loading tens of millions of rows into PostgreSQL: without the table's secondary indexes and constraints
during the load, rebuilt (and so checked) once at the end, then ANALYZE (autovacuum may be off).

Per-row upkeep of six indexes and two deferred foreign-key checks made the province-scale attendance load
run for most of an hour; rebuilding them after the load takes a minute. Only for an empty database
(`seed_demo`): other sessions would see the table without its indexes meanwhile."""

import io
import queue
import threading
import time
from contextlib import contextmanager

from django.db import connection, connections, transaction
from django.utils import timezone


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


BATCH_CHARS = 1 << 18


def _made_in_a_thread(chunks):
    """The chunks, drawn by a thread of their own a few batches ahead: Python makes the next lines while
    PostgreSQL parses the last ones (psycopg2 lets go of the interpreter while it sends), instead of each
    waiting for the other — one core each on a two-core machine. An error in the thread is raised here."""
    batches: queue.Queue = queue.Queue(maxsize=8)
    done = object()

    def make():
        try:
            pending, size = [], 0
            for chunk in chunks:
                pending.append(chunk)
                size += len(chunk)
                if size >= BATCH_CHARS:
                    batches.put("".join(pending))
                    pending, size = [], 0
            batches.put("".join(pending))
            batches.put(done)
        except BaseException as error:  # noqa: BLE001 - handed to the reading side
            batches.put(error)

    maker = threading.Thread(target=make, name="copy-lines", daemon=True)
    maker.start()
    while (batch := batches.get()) is not done:
        if isinstance(batch, BaseException):
            raise batch
        yield batch
    maker.join()


def copy_lines(table: str, columns: list[str], chunks, *, in_thread: bool = False) -> int:
    """COPY text lines (each ending in a newline; tabs between plain values, \\N for NULL) into a PostgreSQL
    table; returns the number of lines. `in_thread`: the chunks are made by a thread of their own while the
    server parses (only for chunks made in Python alone: a query from that thread would run on another
    connection, outside this transaction)."""
    quote = connection.ops.quote_name
    if in_thread:
        chunks = _made_in_a_thread(chunks)
    counted = [0]
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN",
                                  _Lines(chunks, counted), size=1 << 20)
    return counted[0]


def other_columns(model, given: list[str]) -> tuple[list, tuple]:
    """The concrete fields of `model` not in `given` (nor the primary key unless given), and the value each
    gets in the database: its default, or now for auto_now fields — worked out once for a whole load."""
    meta = model._meta
    fields = [meta.get_field(column) for column in given]
    rest = [f for f in meta.concrete_fields if f not in fields and not f.primary_key]
    now = timezone.now()
    defaults = tuple(
        f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                           else f.get_default(), connection)
        for f in rest
    )
    return rest, defaults


def reserve_ids(model, count: int) -> range:
    """`count` primary keys for rows written with their ids (COPY returns none): on PostgreSQL taken from the
    table's sequence in one step (the loader is alone on an empty database), elsewhere after the largest."""
    table, pk = model._meta.db_table, model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, pk])
            (sequence,) = cursor.fetchone()
            cursor.execute("SELECT nextval(%s)", [sequence])
            (first,) = cursor.fetchone()
            if count > 1:
                cursor.execute("SELECT setval(%s, %s)", [sequence, first + count - 1])
        else:
            cursor.execute(f"SELECT COALESCE(MAX({quote(pk)}), 0) + 1 FROM {quote(table)}")
            (first,) = cursor.fetchone()
    return range(first, first + count)


def copy_text(value) -> str:
    """A value as a field of a COPY text line."""
    if value is None:
        return "\\N"
    text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        text = text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return text


def insert_rows(model, columns: list[str], rows: list[tuple]) -> int:
    """Rows of plain Python values (in `columns` order; the other fields get their defaults) into the model's
    table, without building model instances: COPY on PostgreSQL (which reads ISO datetimes, UUIDs and
    True/False as text), otherwise executemany with each value made ready for the database by its field."""
    if not rows:
        return 0
    rest, defaults = other_columns(model, columns)
    names = [*columns, *(f.column for f in rest)]
    if connection.vendor == "postgresql":
        tail = "".join("\t" + copy_text(value) for value in defaults) + "\n"
        return copy_lines(model._meta.db_table, names,
                          ("\t".join(map(copy_text, row)) + tail for row in rows))
    fields = [model._meta.get_field(column) for column in columns]
    prepared = [tuple(field.get_db_prep_save(value, connection) for field, value in zip(fields, row)) + defaults
                for row in rows]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(n) for n in names)}) "
                           f"VALUES ({', '.join(['%s'] * len(names))})", prepared)
    return len(rows)


def bulk_set(model, fields: list[str], rows: list[tuple], *, batch_size: int = 5000) -> None:
    """Set `fields` of many rows, given as (pk, value, …) tuples. On PostgreSQL one UPDATE … FROM (VALUES …) per
    ten thousand rows; Django's bulk_update builds a CASE per field and row, which at province scale (eighty
    thousand members) spends minutes in Python alone. bulk_update elsewhere."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        attnames = [model._meta.get_field(name).attname for name in fields]  # organisation_id, not organisation
        model.objects.bulk_update([model(pk=row[0], **dict(zip(attnames, row[1:]))) for row in rows], fields,
                                  batch_size=batch_size)
        return
    from psycopg2.extras import execute_values

    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    names = ", ".join(quote(field.column) for field in columns)
    assignments = ", ".join(f"{quote(field.column)} = v.{quote(field.column)}::{field.db_type(connection)}"
                            for field in columns)
    sql = (f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} FROM (VALUES %s) AS v(id, {names}) "
           f"WHERE t.{quote(model._meta.pk.column)} = v.id")
    with connection.cursor() as cursor:
        execute_values(cursor.cursor, sql, rows, page_size=10_000)


class Beside:
    """Statements run on connections of their own, beside the caller's: each worker thread takes the next task
    from a short queue and runs it in a transaction on its own connection, so PostgreSQL inserts on several cores
    while Python makes the next rows. Only for work that needs nothing uncommitted of the caller's: the tasks see
    what the caller has committed. `submit` waits while `backlog` tasks are queued; `close` waits for all, closes
    the workers' connections and raises the first error (which also stops the rest from being run)."""

    def __init__(self, workers: int = 2, backlog: int = 2):
        self.tasks: queue.Queue = queue.Queue(maxsize=backlog)
        self.errors: list[BaseException] = []
        self.threads = [threading.Thread(target=self._work, name=f"beside-{n}", daemon=True) for n in range(workers)]
        for thread in self.threads:
            thread.start()

    def _work(self) -> None:
        try:
            while (task := self.tasks.get()) is not None:
                if self.errors:
                    continue  # drain: a task after a failure is not run
                try:
                    with transaction.atomic():
                        task()
                except BaseException as error:  # noqa: BLE001 - raised by close() on the caller's thread
                    self.errors.append(error)
        finally:
            connections.close_all()

    def submit(self, task) -> None:
        if self.errors:
            self.close()
        self.tasks.put(task)

    def close(self) -> None:
        for _ in self.threads:
            self.tasks.put(None)
        for thread in self.threads:
            thread.join()
        self.threads = []
        if self.errors:
            raise self.errors[0]
