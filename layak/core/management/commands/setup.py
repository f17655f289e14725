from __future__ import annotations

from importlib import import_module
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from layak.core import demo
from layak.evaluation.demo import seed_evaluation_demo
from layak.frameworks.actions import bundled_load
from layak.regions.models import Region

PROGRAMME_DEMOS = [
    "layak.indicators.demo",
    "layak.plans.demo",
    "layak.partners.demo",
    "layak.taskforce.demo",
    "layak.afse.demo",
    "layak.participation.demo",
]
# After the evaluation demo: what the districts publish on the public portal.
LATE_DEMOS = [
    "layak.dashboards.demo",
    "layak.portal.demo",
    "layak.reports.demo",
    "layak.discussions.demo",
]


class Command(BaseCommand):
    help = (
        "Prepare the database: apply migrations, load the region tree when it is not loaded, "
        "and with --demo add the demo districts and accounts when they are missing. Safe to "
        "run again: it changes nothing that exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--demo", action="store_true", help="Load the demo data.")
        parser.add_argument("--skip-migrate", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        if not options["skip_migrate"]:
            call_command("migrate", interactive=False, verbosity=0)
        if not Region.objects.exists():
            call_command("load_regions", stdout=self.stdout)
        bundled_load()
        if options["demo"] and not demo.is_seeded():
            users = demo.seed_demo()
            # The programme's records first: the evaluation's computed answers count them.
            for module in PROGRAMME_DEMOS:
                import_module(module).seed_demo()
            seed_evaluation_demo(users)
            for module in LATE_DEMOS:
                import_module(module).seed_demo()
            self.stdout.write("Demo data loaded.")
