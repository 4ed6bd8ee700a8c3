from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from core.backup import BackupError, backup


class Command(BaseCommand):
    help = "备份数据库和媒体文件（照片、附件、报表）到一个 .tar.gz 文件，附清单（版本、各表行数、媒体文件 SHA-256）。"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path,
                            help="备份文件路径（默认 var/backups/jiguan-<时间>.tar.gz）")

    def handle(self, *args, output: Path | None, **options):
        output = output or (Path(settings.BASE_DIR) / "var" / "backups" /
                            f"jiguan-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz")
        try:
            manifest = backup(output=output, media_root=Path(settings.MEDIA_ROOT))
        except BackupError as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["tables"].values())
        self.stdout.write(self.style.SUCCESS(
            f"已备份到 {output}：{len(manifest['tables'])} 张表共 {rows} 行，{len(manifest['media'])} 个媒体文件。"))
