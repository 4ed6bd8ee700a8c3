from pathlib import Path

import environ
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from core.backup import BackupError, Database, restore


class Command(BaseCommand):
    help = ("从 manage.py backup 生成的文件恢复数据库和媒体文件。目标数据库和媒体目录须为空"
            "（否则须加 --force 确认覆盖）；恢复后逐表核对行数、逐个核对媒体文件 SHA-256。")

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="备份文件（.tar.gz）")
        parser.add_argument("--force", action="store_true", help="目标不为空时仍然覆盖（先清空现有数据和媒体文件）")
        parser.add_argument("--database-url", help="恢复到这个数据库（默认：本系统配置的数据库）")
        parser.add_argument("--media-root", type=Path, help="恢复到这个媒体目录（默认：MEDIA_ROOT）")

    def handle(self, *args, archive: Path, force: bool, database_url: str | None, media_root: Path | None,
               **options):
        if not archive.exists():
            raise CommandError(f"备份文件不存在：{archive}")
        settings_dict = (environ.Env.db_url_config(database_url) if database_url
                         else connections["default"].settings_dict)
        try:
            manifest = restore(archive_path=archive, database=Database.from_settings(settings_dict),
                               media_root=media_root or Path(settings.MEDIA_ROOT), force=force,
                               close_connections=None if database_url else connections.close_all)
        except BackupError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(
            f"已从 {archive} 恢复（备份时间 {manifest['created_at']}）：{len(manifest['tables'])} 张表、"
            f"{len(manifest['media'])} 个媒体文件，行数和校验值均一致。"))
