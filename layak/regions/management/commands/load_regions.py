from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from layak.regions.loading import SOURCE, load_regions, official_regions


class Command(BaseCommand):
    help = f"Load or update the administrative region tree from {SOURCE}."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            default="",
            help="Comma-separated codes: load only these subtrees (and their ancestors).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        only = [c for c in options["only"].split(",") if c.strip()]
        result = load_regions(official_regions(only), deactivate_missing=not only)
        self.stdout.write(
            f"Regions: {result.created} created, {result.renamed} updated, "
            f"{result.deactivated} deactivated, {result.total} in total "
            f"({time.monotonic() - started:.1f} s)."
        )
