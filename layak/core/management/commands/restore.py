from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from layak.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: check its checksums (a damaged backup is "
        "refused and nothing changes), replace the database and the uploaded files, then check "
        "the row counts. Stop the web server and the worker first."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="The backup: a .tar.gz or a folder.")
        parser.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        parser.add_argument("--database", default="default", help="Database alias.")

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not options["yes"]:
            if not sys.stdin.isatty():
                raise CommandError("Restoring replaces all data; confirm with --yes.")
            self.stdout.write(
                f"Restoring {archive} replaces the whole database and every uploaded file. "
                "Stop the web server and the worker first. Type 'yes' to continue: ",
                ending="",
            )
            if input().strip().lower() != "yes":
                raise CommandError("Restore cancelled; nothing was changed.")
        try:
            restore(archive, using=options["database"], log=self.stdout.write)
        except (BackupError, OSError) as exc:
            raise CommandError(f"Restore failed: {exc}") from exc
        self.stdout.write(self.style.SUCCESS("Restore complete."))
