from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from layak.evaluation.reminders import send_reminders


class Command(BaseCommand):
    help = "Email today's deadline reminders (at most one per person per day; safe to rerun)."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"{send_reminders()} reminders sent.")
