from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from layak.notifications.daily import run_daily


class Command(BaseCommand):
    help = (
        "The daily run: date-dependent notices (deadline reminders, stages opened, reports due, "
        "follow-ups overdue), delayed emails retried, and the daily digests. Safe to rerun: at "
        "most one reminder a day per person and thing."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        result = run_daily()
        self.stdout.write(
            f"{result.notices} notices created, {result.emails_retried} delayed emails sent, "
            f"{result.digests} digests sent."
        )
        for name in result.failed:
            self.stderr.write(f"Check failed: {name}")
