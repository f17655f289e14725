"""The background worker: queues again the jobs a stopped worker left behind, keeps doing so
every minute, and runs queued tasks (django-tasks' database worker). Several may run at once."""

from __future__ import annotations

import threading
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection

from layak.jobs.runner import recover_stale


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0)

    def handle(self, *args: Any, **options: Any) -> None:
        requeued = recover_stale()
        if requeued:
            self.stdout.write(f"Queued again after a stopped worker: {requeued}")
        stop = threading.Event()

        def watch() -> None:
            try:
                while not stop.wait(60):
                    try:
                        recover_stale()
                    except DatabaseError:
                        continue
            finally:
                connection.close()

        watcher = threading.Thread(target=watch, daemon=True, name="job-recovery")
        watcher.start()
        try:
            worker_args = ["--interval", str(options["interval"]), "--no-startup-delay"]
            if options["batch"]:
                worker_args.append("--batch")
            call_command("db_worker", *worker_args)
        finally:
            stop.set()
