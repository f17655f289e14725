from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from layak.core.demo import demo_logins


class Command(BaseCommand):
    help = "List the demo accounts and their roles."

    def handle(self, *args: Any, **options: Any) -> None:
        for row in demo_logins():
            self.stdout.write(f"  {row['email']:<36} {row['role']} — {row['organisation']}")
