"""Backup and restore of the whole platform: the database and the media folder (photos, evidence, reports) in one
.tar.gz with a manifest, so that a restore can prove it is complete.

- PostgreSQL: `pg_dump --format=custom` inside an exported snapshot, so the dump and the row counts of the
  manifest are the same instant of a live database; restored with `pg_restore` into an empty database.
- SQLite (the embedded set-up): SQLite's online backup API, which copies a consistent image while others write.
- The manifest: format, time, versions (Python, Django, database server and tools, last migration of each app),
  the row count of every table and the SHA-256 of every media file. Restore checks the media hashes while it
  extracts and the row counts once the database is loaded; any difference stops it with an error.

Used by `manage.py backup` and `manage.py restore` (core/management/commands). Imports no app of the project.
"""

import datetime as dt
import hashlib
import io
import json
import os
import platform
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import django
from django.db import connection as default_connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
MANIFEST = "manifest.json"
PG_DUMP = "db.dump"
SQLITE_COPY = "db.sqlite3"
MEDIA = "media"


class BackupError(Exception):
    """Something the operator must read: the message is Chinese."""


@dataclass(frozen=True)
class Database:
    """A database to back up or restore into, from a Django settings dict (DATABASES[...] or a parsed URL)."""

    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict) -> "Database":
        engine = settings_dict["ENGINE"]
        vendor = "postgresql" if "postgresql" in engine else "sqlite" if "sqlite" in engine else engine
        if vendor not in ("postgresql", "sqlite"):
            raise BackupError(f"不支持的数据库类型：{engine}（仅支持 PostgreSQL 和 SQLite）")
        return cls(vendor, str(settings_dict["NAME"]), settings_dict.get("USER") or "",
                   settings_dict.get("PASSWORD") or "", settings_dict.get("HOST") or "",
                   str(settings_dict.get("PORT") or ""))

    # --- PostgreSQL command-line tools ---
    def pg_args(self) -> list[str]:
        args = []
        if self.host:
            args += ["--host", self.host]
        if self.port:
            args += ["--port", self.port]
        if self.user:
            args += ["--username", self.user]
        return args

    def pg_env(self) -> dict:
        env = {**os.environ}
        if self.password:
            env["PGPASSWORD"] = self.password
        return env

    def connect(self):
        """A raw DB-API connection (not Django's), for the restore target."""
        if self.engine == "sqlite":
            return sqlite3.connect(self.name)
        import psycopg2

        return psycopg2.connect(dbname=self.name, user=self.user or None, password=self.password or None,
                                host=self.host or None, port=self.port or None)


def _tables(cursor, engine: str) -> list[str]:
    if engine == "sqlite":
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                       "ORDER BY name")
    else:
        cursor.execute("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
                       "AND table_type = 'BASE TABLE' ORDER BY table_name")
    return [row[0] for row in cursor.fetchall()]


def _counts(cursor, engine: str) -> dict[str, int]:
    counts = {}
    for table in _tables(cursor, engine):
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 - names from the catalogue
        counts[table] = cursor.fetchone()[0]
    return counts


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


def media_hashes(root: Path) -> dict[str, dict]:
    files = {}
    if not root.exists():
        return files
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        files[path.relative_to(root).as_posix()] = {"sha256": sha256_of(path), "size": path.stat().st_size}
    return files


def _tool_version(tool: str) -> str:
    try:
        return subprocess.run([tool, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def _migrations(connection) -> dict[str, str]:
    latest = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("applied", "id").values_list("app",
                                                                                                         "name"):
        latest[app] = name
    return latest


def backup(*, output: Path, media_root: Path, connection=default_connection) -> dict:
    """Write the archive to `output`; return the manifest."""
    database = Database.from_settings(connection.settings_dict)
    with tempfile.TemporaryDirectory(prefix="jiguan-backup-") as work:
        work = Path(work)
        if database.engine == "postgresql":
            dump_name, counts, server = PG_DUMP, *_pg_dump(connection, database, work / PG_DUMP)
        else:
            dump_name, counts, server = SQLITE_COPY, *_sqlite_copy(connection, work / SQLITE_COPY)
        media = media_hashes(media_root)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
            "database": {"engine": database.engine, "file": dump_name, "server": server,
                         "dump_tool": _tool_version("pg_dump") if database.engine == "postgresql" else
                         f"sqlite3 {sqlite3.sqlite_version}"},
            "versions": {"python": platform.python_version(), "django": django.get_version(),
                         "migrations": _migrations(connection)},
            "tables": counts,
            "media": media,
        }
        output.parent.mkdir(parents=True, exist_ok=True)
        partial = output.with_name(output.name + ".partial")
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime = len(data), int(dt.datetime.now().timestamp())
            archive.addfile(info, io.BytesIO(data))
            archive.add(work / dump_name, arcname=dump_name)
            for name in media:
                archive.add(media_root / name, arcname=f"{MEDIA}/{name}")
        partial.replace(output)  # never a half-written archive under the final name
    return manifest


def _pg_dump(connection, database: Database, target: Path) -> tuple[dict, str]:
    """Count the rows and dump inside one exported snapshot: both see the same instant. A connection of its own,
    so that the caller's transaction state does not matter."""
    raw = database.connect()
    raw.autocommit = True  # the statements below manage the transaction themselves
    try:
        with raw.cursor() as cursor:
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            cursor.execute("SELECT pg_export_snapshot(), version()")
            snapshot, server = cursor.fetchone()
            counts = _counts(cursor, "postgresql")
            result = subprocess.run(
                ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                 f"--file={target}", *database.pg_args(), database.name],
                env=database.pg_env(), capture_output=True, text=True)
            cursor.execute("COMMIT")
    finally:
        raw.close()
    if result.returncode:
        raise BackupError(f"pg_dump 失败：{result.stderr.strip()}")
    return counts, server


def _sqlite_copy(connection, target: Path) -> tuple[dict, str]:
    connection.ensure_connection()
    copy = sqlite3.connect(target)
    try:
        connection.connection.backup(copy)  # consistent even while the web server and worker write
        counts = _counts(copy.cursor(), "sqlite")
    finally:
        copy.close()
    return counts, f"SQLite {sqlite3.sqlite_version}"


# --- restore ----------------------------------------------------------------------------------------------------

def read_manifest(archive_path: Path) -> dict:
    with tarfile.open(archive_path, "r:gz") as archive:
        try:
            member = archive.getmember(MANIFEST)
        except KeyError as error:
            raise BackupError("备份文件中没有 manifest.json，不是本系统的备份。") from error
        manifest = json.load(archive.extractfile(member))
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式 {manifest.get('format')} 不受支持（本版本为 {FORMAT}）。")
    return manifest


def target_tables(database: Database) -> list[str]:
    if database.engine == "sqlite" and not Path(database.name).exists():
        return []
    conn = database.connect()
    try:
        return _tables(conn.cursor(), database.engine)
    finally:
        conn.close()


def restore(*, archive_path: Path, database: Database, media_root: Path, force: bool = False,
            close_connections=None) -> dict:
    """Load the archive into an empty database and media folder (or, with `force`, replace what is there);
    check every media hash and every table's row count; return the manifest."""
    manifest = read_manifest(archive_path)
    if manifest["database"]["engine"] != database.engine:
        raise BackupError(f"备份来自 {manifest['database']['engine']} 数据库，不能恢复到 {database.engine}。")
    tables = target_tables(database)
    media_files = [p for p in media_root.rglob("*") if p.is_file()] if media_root.exists() else []
    if (tables or media_files) and not force:
        raise BackupError(f"目标不为空（数据库 {len(tables)} 张表，媒体目录 {len(media_files)} 个文件）。"
                          "请恢复到空数据库和空目录，或确认覆盖后加 --force。")
    if close_connections is not None:
        close_connections()
    with tempfile.TemporaryDirectory(prefix="jiguan-restore-") as work:
        work = Path(work)
        _extract(archive_path, work, manifest)
        if database.engine == "postgresql":
            _pg_restore(database, work / PG_DUMP, clean=bool(tables))
        else:
            _sqlite_restore(database, work / SQLITE_COPY)
        if media_root.exists() and force:
            shutil.rmtree(media_root)
        media_root.mkdir(parents=True, exist_ok=True)
        if (work / MEDIA).exists():
            shutil.copytree(work / MEDIA, media_root, dirs_exist_ok=True)
    _verify(manifest, database, media_root)
    return manifest


def _extract(archive_path: Path, work: Path, manifest: dict) -> None:
    expected = {f"{MEDIA}/{name}" for name in manifest["media"]} | {MANIFEST, manifest["database"]["file"]}
    with tarfile.open(archive_path, "r:gz") as archive:
        for member in archive.getmembers():
            path = PurePosixPath(member.name)
            if member.name not in expected or path.is_absolute() or ".." in path.parts or not member.isfile():
                raise BackupError(f"备份文件中有不属于备份的条目：{member.name}")
        archive.extractall(work, filter="data")
    for name, info in manifest["media"].items():
        if sha256_of(work / MEDIA / name) != info["sha256"]:
            raise BackupError(f"媒体文件校验失败（备份文件已损坏）：{name}")


def _pg_restore(database: Database, dump: Path, *, clean: bool) -> None:
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
               *database.pg_args(), f"--dbname={database.name}", str(dump)]
    if clean:
        command[1:1] = ["--clean", "--if-exists"]
    result = subprocess.run(command, env=database.pg_env(), capture_output=True, text=True)
    if result.returncode:
        raise BackupError(f"pg_restore 失败：{result.stderr.strip()}")


def _sqlite_restore(database: Database, copy: Path) -> None:
    source = sqlite3.connect(copy)
    target = sqlite3.connect(database.name)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def _verify(manifest: dict, database: Database, media_root: Path) -> None:
    conn = database.connect()
    try:
        counts = _counts(conn.cursor(), database.engine)
    finally:
        conn.close()
    if counts != manifest["tables"]:
        differing = sorted(t for t in set(counts) | set(manifest["tables"])
                           if counts.get(t) != manifest["tables"].get(t))
        raise BackupError(f"恢复后行数与备份不一致：{', '.join(differing[:10])}")
    hashes = media_hashes(media_root)
    if {name: info["sha256"] for name, info in hashes.items()} != {
            name: info["sha256"] for name, info in manifest["media"].items()}:
        raise BackupError("恢复后媒体文件与备份不一致。")
