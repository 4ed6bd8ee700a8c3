"""manage.py backup / restore: a round trip of the demo city (database and media) with equal row counts and media
hashes; a restore refuses a target that is not empty unless --force."""

import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core.backup import Database, _counts, media_hashes, read_manifest

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def target_database(tmp_path):
    """An empty database of the same kind as the test database, and its URL."""
    settings_dict = connection.settings_dict
    if connection.vendor == "sqlite":
        yield f"sqlite:///{tmp_path / 'restored.sqlite3'}"
        return
    import psycopg2

    name = f"{settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    source = Database.from_settings(settings_dict)
    admin = psycopg2.connect(dbname="postgres", user=source.user or None, password=source.password or None,
                             host=source.host or None, port=source.port or None)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    auth = f"{source.user}:{source.password}@" if source.password else (f"{source.user}@" if source.user else "")
    try:
        yield f"postgres://{auth}{source.host or '127.0.0.1'}:{source.port or 5432}/{name}"
    finally:
        admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.close()


def source_counts() -> dict[str, int]:
    with connection.cursor() as cursor:
        return _counts(cursor, "sqlite" if connection.vendor == "sqlite" else "postgresql")


def test_a_backup_of_the_demo_city_restores_with_every_row_and_media_file(settings, tmp_path, target_database):
    import environ

    settings.MEDIA_ROOT = tmp_path / "media"
    call_command("seed_demo", orgs=10, members=120, activity_years=1, verbosity=0)
    for name, content in (("activities/photos/1/a.jpg", b"\xff\xd8photo"), ("reports/7/x.pdf", b"%PDF-1.7 x"),
                          ("evidence/说明.txt", "证明材料".encode())):
        path = Path(settings.MEDIA_ROOT) / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    archive = tmp_path / "backup.tar.gz"

    call_command("backup", output=archive, verbosity=0)
    manifest = read_manifest(archive)
    before = source_counts()
    assert manifest["tables"] == before
    assert before["members_member"] >= 100 and before["branches_organisation"] >= 10
    assert manifest["media"] == media_hashes(Path(settings.MEDIA_ROOT)) and len(manifest["media"]) >= 3
    from django.db.migrations.recorder import MigrationRecorder

    latest = MigrationRecorder.Migration.objects.filter(app="reports").order_by("-name").first().name
    assert manifest["versions"]["migrations"]["reports"] == latest

    restored_media = tmp_path / "restored-media"
    call_command("restore", str(archive), database_url=target_database, media_root=restored_media, verbosity=0)
    target = Database.from_settings(environ.Env.db_url_config(target_database))
    conn = target.connect()
    try:
        after = _counts(conn.cursor(), target.engine)
    finally:
        conn.close()
    assert after == before, "every table's row count equal"
    assert media_hashes(restored_media) == manifest["media"], "every media file's hash equal"

    with pytest.raises(CommandError, match="目标不为空"):
        call_command("restore", str(archive), database_url=target_database, media_root=restored_media)
    (restored_media / "stray.txt").write_text("left over")
    call_command("restore", str(archive), database_url=target_database, media_root=restored_media, force=True,
                 verbosity=0)
    assert media_hashes(restored_media) == manifest["media"]


def test_a_damaged_archive_is_refused(settings, tmp_path, target_database):
    import tarfile

    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "a.txt").write_text("原文")
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", output=archive, verbosity=0)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as copy:
        for member in source.getmembers():
            data = source.extractfile(member).read()
            if member.name == "media/a.txt":
                data = "篡改".encode()
                member.size = len(data)
            import io

            copy.addfile(member, io.BytesIO(data))
    with pytest.raises(CommandError, match="校验失败"):
        call_command("restore", str(damaged), database_url=target_database, media_root=tmp_path / "out")
