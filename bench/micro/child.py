"""What the micro-benchmarks run in a child process, so its peak memory is its own:
``python -m bench.micro.child export CYCLE_ID`` writes the answers XLSX of every district of
the cycle (the ``answers`` report for the whole country) to a temporary file;
``python -m bench.micro.child idle`` only starts Django (the baseline). Prints one JSON line."""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layak.settings")
    import django

    django.setup()
    out: dict[str, object] = {}
    if argv[0] == "export":
        from django.utils import translation

        from layak.evaluation.models import Cycle
        from layak.reports import workbooks

        cycle = Cycle.objects.get(pk=int(argv[1]))
        started = time.perf_counter()
        with translation.override("id"), tempfile.TemporaryFile() as spool:
            rows = workbooks.answers_workbook(cycle, None, spool, lambda done, total: None)
            out["bytes"] = spool.tell()
        out["seconds"] = time.perf_counter() - started
        out["rows"] = rows
    elif argv[0] != "idle":
        print(f"unknown command {argv[0]}", file=sys.stderr)
        return 2
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
