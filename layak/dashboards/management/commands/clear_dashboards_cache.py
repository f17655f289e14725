"""Forget every dashboard figure kept in the shared cache, after data changed outside the
application's actions (a region list loaded again, rows edited in the database by hand): such
changes write no audit entry, so the figures' data stamp does not see them."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from layak.dashboards import cache


class Command(BaseCommand):
    help = "Forget the dashboards' kept figures; the next request to each computes them afresh."

    def handle(self, *args: Any, **options: Any) -> None:
        cache.clear()
        self.stdout.write("Dashboard figures cleared.")
