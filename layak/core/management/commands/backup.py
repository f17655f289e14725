from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from layak.core.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Back up the database and the uploaded files into one archive named after the time "
        "(layak-backup-<time>.tar.gz), with a manifest of checksums and row counts. Safe while "
        "Layak runs."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="Folder to write the backup into (default: var/backups).",
        )
        parser.add_argument(
            "--directory",
            action="store_true",
            help="Write a folder instead of a .tar.gz archive.",
        )
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            create_backup(
                Path(options["output"]),
                as_directory=options["directory"],
                using=options["database"],
                log=self.stdout.write,
            )
        except (BackupError, OSError) as exc:
            raise CommandError(f"Backup failed: {exc}") from exc
