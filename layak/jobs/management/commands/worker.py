"""The background worker: queues again the jobs a stopped worker left behind, keeps doing so
every minute, and runs queued tasks (django-tasks' database worker). Several may run at once.

When the database goes away (a restart, a failover), the worker waits and carries on once it
answers again, instead of exiting: a job cut off meanwhile is queued again by the recovery."""

from __future__ import annotations

import threading
import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, connection, connections

from layak.core.warm import warm
from layak.jobs.runner import recover_stale


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", action="store_true", help="Run what is queued, then exit.")
        parser.add_argument("--interval", type=float, default=1.0)
        parser.add_argument(
            "--retry-seconds",
            type=float,
            default=2.0,
            help="Wait between attempts while the database does not answer.",
        )

    def _wait_for_database(self, error: DatabaseError, pause: float) -> None:
        self.stderr.write(f"The database does not answer ({error}); trying again in {pause:g} s.")
        connections.close_all()
        time.sleep(pause)

    def handle(self, *args: Any, **options: Any) -> None:
        pause = options["retry_seconds"]
        while True:
            try:
                requeued = recover_stale()
                break
            except DatabaseError as exc:
                self._wait_for_database(exc, pause)
        if requeued:
            self.stdout.write(f"Queued again after a stopped worker: {requeued}")
        # Loaded now rather than by the first job (a report's first PDF would pay it).
        warm(pdf=True)
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
        worker_args = ["--interval", str(options["interval"]), "--no-startup-delay"]
        if options["batch"]:
            worker_args.append("--batch")
        try:
            while True:
                try:
                    call_command("db_worker", *worker_args)
                    break
                except DatabaseError as exc:
                    self._wait_for_database(exc, pause)
        finally:
            stop.set()
