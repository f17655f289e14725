from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from layak.frameworks.actions import bundled_load


class Command(BaseCommand):
    help = "Load the bundled frameworks (24-indicator KLA, 2011 KLA, UNICEF CFCI) when missing."

    def handle(self, *args: Any, **options: Any) -> None:
        for version in bundled_load():
            self.stdout.write(f"Loaded {version}")
