"""The micro-benchmarks (method in bench/README.md). Each function runs after ``django.setup()``
against the configured database and returns one result::

    {"name", "value", "unit", "target", "met", "note"}

Usage: ``python -m bench.micro.run --database-url URL [--only NAME ...] [--json FILE]``.
Names: score_recompute, indicator_import, answers_export, district_pdf, worker_memory,
work_lists (``worklists.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
Result = dict[str, Any]


def _result(
    name: str, value: float, unit: str, target: float, met: bool, note: str, **extra: Any
) -> Result:
    return {
        "name": name,
        "value": round(value, 3),
        "unit": unit,
        "target": target,
        "met": met,
        "note": note,
        **extra,
    }


def _ministry_user() -> Any:
    from layak.accounts.models import User
    from layak.organisations.roles import Role

    user = (
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__role=Role.MINISTRY_ADMIN,
            memberships__organisation__region__isnull=True,
        )
        .order_by("pk")
        .first()
    )
    if user is None:
        raise RuntimeError("the database has no active ministry administrator")
    return user


def _largest_cycle() -> Any:
    """The cycle with the most scored regency/city assessments (the national evaluation); among
    equals, the one with the most scores (a completed cycle, scored at every stage)."""
    from django.db.models import Count, Q

    from layak.evaluation.models import Cycle
    from layak.regions.models import Region

    cycle = (
        Cycle.objects.annotate(
            districts=Count(
                "assessments",
                filter=Q(
                    assessments__region__level=Region.Level.REGENCY,
                    assessments__answers__scores__isnull=False,
                ),
                distinct=True,
            )
        )
        .filter(districts__gt=0)
        .annotate(scores=Count("assessments__answers__scores"))
        .order_by("-districts", "-scores", "-pk")
        .first()
    )
    if cycle is None:
        raise RuntimeError("the database has no cycle with district assessments")
    return cycle


# ---- score recompute --------------------------------------------------------------------


def score_recompute(cycle_id: int | None = None, repeat: int = 3) -> Result:
    """Every district's total, cluster totals and predicate (with gates) at every stage of the
    cycle, computed through ``scores.results`` (in the database); the median of ``repeat``."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from layak.evaluation import scores
    from layak.evaluation.models import Cycle, Score, Stage

    cycle = Cycle.objects.get(pk=cycle_id) if cycle_id else _largest_cycle()
    times: list[float] = []
    queries = districts = results = 0
    for _round in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            found = {stage: scores.results(cycle, None, stage) for stage in Stage.ORDER}
            times.append(time.perf_counter() - started)
        queries = len(captured)
        districts = len(found[Stage.Kind.SELF_ASSESSMENT])
        results = sum(len(r) for r in found.values())
    seconds = statistics.median(times)
    score_rows = Score.objects.filter(answer__assessment__cycle=cycle).count()
    return _result(
        "score_recompute",
        seconds,
        "s",
        2.0,
        seconds < 2.0,
        f"cycle {cycle.pk} ({cycle.name}): {districts} districts, {results} stage results from "
        f"{score_rows} score rows, {queries} queries for all {len(Stage.ORDER)} stages; "
        f"median of {repeat} (min {min(times):.3f} s, max {max(times):.3f} s)",
        districts=districts,
        queries=queries,
    )


# ---- indicator import -------------------------------------------------------------------


def _peak_rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _copy_seconds(path: Path, actor_id: int) -> float | None:
    """PostgreSQL's own COPY of the same values into a copy of the value table
    (``importdata.copy_reference``)."""
    from django.db import connection

    from bench.micro.importdata import copy_reference

    if connection.vendor != "postgresql":
        return None
    seconds, copied = copy_reference(path, actor_id)
    if copied < 1:
        raise RuntimeError("COPY read no rows")
    return seconds


def indicator_import(values: int = 1_000_000, workdir: str | None = None) -> Result:
    """Import ``values`` indicator values from one CSV (written first, not timed) through the
    app's own path: each district's part of the file uploaded as that district's file
    (``importfile.upload``), checked (``importfile.run``, dry run, as the check job does),
    confirmed and applied all-or-nothing (``importfile.run(apply=True)``, as the apply job
    does). The apply takes the rows its check kept, so neither part alone is the import: the
    value is values per second of the two together (check + apply), the time from an uploaded
    file to stored values; the note has each part, the COPY of the same file and the ratio."""
    from bench.micro import importdata
    from layak.indicators import bulk, staged
    from layak.regions.models import Region

    actor = _ministry_user()
    writing = [0.0]
    create, insert = bulk.create, staged.insert

    def timed(write: Callable[..., None]) -> Callable[..., None]:
        def timed_write(*args: Any, **kwargs: Any) -> None:
            started = time.perf_counter()
            try:
                write(*args, **kwargs)
            finally:
                writing[0] += time.perf_counter() - started

        return timed_write

    directory = Path(workdir or tempfile.mkdtemp(prefix="layak-micro-"))
    path = directory / "indicator-values.csv"
    started = time.perf_counter()
    data = importdata.write(path, values)
    written = time.perf_counter() - started
    regions = Region.objects.in_bulk([p.district for p in data.parts], field_name="code")
    bulk.create, staged.insert = timed(create), timed(insert)  # type: ignore[assignment]
    try:
        totals = _import_parts(data, regions, actor)
    finally:
        bulk.create, staged.insert = create, insert  # type: ignore[assignment]
    check, apply, created, unchanged, errors = totals
    copy = _copy_seconds(path, actor.pk)
    whole = check + apply
    rate = data.rows / whole if whole else 0.0
    note = (
        f"{data.rows} values in {len(data.parts)} district files "
        f"({path.stat().st_size / 1e6:.0f} MB, written in {written:.1f} s); "
        f"check and apply {whole:.1f} s: check (dry run) {check:.1f} s "
        f"= {data.rows / check:.0f} values/s, apply {apply:.1f} s "
        f"= {data.rows / apply:.0f} values/s, of which {writing[0]:.1f} s writing the values; "
        f"created {created}, unchanged {unchanged}, errors "
        f"{errors}; peak RSS of the process {_peak_rss_mb():.0f} MB; load average "
        f"{os.getloadavg()[0]:.1f}"
    )
    extra: dict[str, Any] = {"apply_seconds": apply, "check_seconds": check}
    if copy is not None:
        ratio = whole / copy
        note += (
            f"; PostgreSQL COPY of the same values into a copy of the value table {copy:.2f} s "
            f"= {data.rows / copy:.0f} values/s; check and apply take {ratio:.1f}x as long"
        )
        extra.update(copy_seconds=copy, ratio=ratio)
    met = rate >= 50_000 and errors == 0 and created + unchanged == data.rows
    if rate and rate < 50_000:
        note += f"; {50_000 / rate:.1f}x short of the target"
    path.unlink(missing_ok=True)
    return _result("indicator_import", rate, "values/s", 50_000, met, note, **extra)


def _import_parts(
    data: Any, regions: dict[str, Any], actor: Any
) -> tuple[float, float, int, int, int]:
    from django.core.files.base import ContentFile

    from layak.indicators import importfile
    from layak.indicators.models import DataImport

    check = apply = 0.0
    created = unchanged = errors = 0
    for part in data.parts:
        imp = importfile.upload(
            actor=actor,
            region=regions[part.district],
            data=ContentFile(data.part_bytes(part)),
            name=f"values-{part.district}.csv",
            mode=DataImport.Mode.ALL_OR_NOTHING,
        )
        started = time.perf_counter()
        checked = importfile.run(imp, actor=actor, apply=False)
        check += time.perf_counter() - started
        if checked.errors:
            errors += len(checked.errors)
            continue
        imp = importfile.confirm(actor=actor, imp=imp)
        started = time.perf_counter()
        applied = importfile.run(imp, actor=actor, apply=True)
        apply += time.perf_counter() - started
        created += applied.created
        unchanged += applied.unchanged
        errors += len(applied.errors)
    return check, apply, created, unchanged, errors


# ---- peak memory of a child process -----------------------------------------------------


def _child_env() -> dict[str, str]:
    from django.conf import settings

    env = dict(os.environ)
    env["DATABASE_URL"] = settings.DATABASE_URL
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


def _hwm_mb(pid: int) -> float:
    """The process's own peak resident memory so far (``VmHWM``), 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _run_measured(args: list[str], timeout: float) -> tuple[int, float, str, float]:
    """Run ``args``; its exit status, peak RSS in MB, standard output (with the end of its
    error output when it failed) and seconds.

    The peak is the child's own high-water mark (``VmHWM``, read every 20 ms while it runs),
    not ``wait4``'s ``ru_maxrss``: Linux carries the parent's memory at the fork into the
    child's ``ru_maxrss``, so a large benchmark process would inflate every child after it."""
    started = time.perf_counter()
    peak = 0.0
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=ROOT, env=_child_env(), stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            while True:
                pid, status, _usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    break
                peak = max(peak, _hwm_mb(proc.pid))
                time.sleep(0.02)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
        if proc.returncode != 0:
            err.seek(0)
            text += "\n" + err.read().decode(errors="replace")[-2000:]
    return proc.returncode, peak, text, time.perf_counter() - started


# ---- answers export ---------------------------------------------------------------------


def answers_export(cycle_id: int | None = None, timeout: float = 1800) -> Result:
    """The "answers and scores" XLSX of every district of the cycle, written in a child process;
    the value is its peak RSS, the note has the time and the child's baseline (Django only)."""
    cycle = _largest_cycle() if cycle_id is None else None
    pk = cycle_id or cycle.pk
    python = sys.executable
    code, base, out, _s = _run_measured([python, "-m", "bench.micro.child", "idle"], 300)
    if code != 0:
        raise RuntimeError(f"the child process could not start Django: {out[-1000:]}")
    code, peak, out, _s = _run_measured(
        [python, "-m", "bench.micro.child", "export", str(pk)], timeout
    )
    if code != 0:
        raise RuntimeError(f"the export failed (exit status {code}): {out[-1000:]}")
    found = json.loads(out.strip().splitlines()[-1])
    return _result(
        "answers_export",
        peak,
        "MB",
        300,
        peak < 300,
        f"cycle {pk}: {found['rows']} answer rows, {found['bytes'] / 1e6:.1f} MB XLSX in "
        f"{found['seconds']:.1f} s; peak RSS {peak:.0f} MB, of which {base:.0f} MB is the "
        "process with Django loaded",
        seconds=found["seconds"],
        rows=found["rows"],
    )


# ---- district PDF -----------------------------------------------------------------------


def _largest_assessment(cycle_id: int | None = None) -> Any:
    """The district assessment with the most score rows (of the cycle, when given)."""
    from django.db.models import Count

    from layak.evaluation.models import Assessment
    from layak.regions.models import Region

    found = Assessment.objects.filter(region__level=Region.Level.REGENCY)
    if cycle_id is not None:
        found = found.filter(cycle_id=cycle_id)
    assessment = (
        found.annotate(scores=Count("answers__scores"))
        .order_by("-scores", "-pk")
        .select_related("cycle", "region")
        .first()
    )
    if assessment is None:
        raise RuntimeError("the database has no district assessment")
    return assessment


def district_pdf(assessment_id: int | None = None, repeat: int = 3) -> Result:
    """The self-assessment report of one district (the most scored one unless given), as the
    report job makes it: ``documents.self_assessment`` then WeasyPrint. The value is the slowest
    of ``repeat`` renders, the first one included; the warm-up the worker does as it starts
    (``layak.core.warm``), once per process, is timed apart and noted."""
    import io

    from django.conf import settings
    from django.utils import translation
    from pypdf import PdfReader

    from layak.core.pdf import render_pdf
    from layak.evaluation.models import Assessment
    from layak.reports import documents

    # Reports are made in the language of the person who asks; the benchmark asks in
    # Indonesian, the default.
    document_language = settings.LANGUAGE_CODE

    if assessment_id:
        assessment = Assessment.objects.select_related("cycle", "region").get(pk=assessment_id)
    else:
        assessment = _largest_assessment()
    # What the worker loads as it starts (``manage.py worker``), before its first job.
    from layak.core.warm import warm

    imported = warm(pdf=True)
    gather: list[float] = []
    render: list[float] = []
    size = 0
    for _round in range(repeat):
        with translation.override(document_language):
            started = time.perf_counter()
            context = documents.self_assessment(assessment)
            gathered = time.perf_counter()
            pdf = render_pdf("reports/pdf/self_assessment.html", context, None)
            done = time.perf_counter()
        gather.append(gathered - started)
        render.append(done - gathered)
        size = len(pdf)
    totals = [g + r for g, r in zip(gather, render, strict=True)]
    worst = max(totals)
    pages = len(PdfReader(io.BytesIO(pdf)).pages)
    return _result(
        "district_pdf",
        worst,
        "s",
        3.0,
        worst < 3.0,
        f"{assessment.region.name}, {assessment.cycle.name}: {size / 1e3:.0f} kB, {pages} "
        f"pages; {repeat} renders {', '.join(f'{t:.2f}' for t in totals)} s (data "
        f"{max(gather):.2f} s at most, WeasyPrint {max(render):.2f} s at most); the worker's "
        f"warm-up as it starts (the URL configuration, translations, WeasyPrint and its fonts), "
        f"once per process, {imported:.2f} s more",
        median=statistics.median(totals),
    )


# ---- worker peak memory -----------------------------------------------------------------


def worker_memory(timeout: float = 1800) -> Result:
    """Queue real report jobs (the national answers XLSX, the self-assessment PDF of the three
    most scored districts, a province's verification PDF), run ``manage.py worker --batch``
    until the queue is empty, and read the worker's peak RSS."""
    from layak.evaluation.models import Assessment
    from layak.jobs import runner
    from layak.jobs.models import Job
    from layak.regions.models import Region

    actor = _ministry_user()
    cycle = _largest_cycle()
    jobs: list[Job] = []
    stamp = time.time_ns()  # parameters of their own: never a reused report
    jobs.append(
        runner.start(
            actor=actor,
            kind="report_answers_xlsx",
            label="benchmark: answers",
            params={"cycle": cycle.pk, "area": "", "key": f"bench:{stamp}"},
        )
    )
    assessment = _largest_assessment()
    top = (
        Assessment.objects.filter(cycle=assessment.cycle, region__level=Region.Level.REGENCY)
        .order_by("region__code")
        .select_related("region")[:3]
    )
    for a in top:
        jobs.append(
            runner.start(
                actor=actor,
                kind="report_self_assessment",
                label=f"benchmark: {a.region.name}",
                params={"assessment": a.pk, "key": f"bench:{stamp}:{a.pk}"},
                region=a.region,
            )
        )
    province = top[0].region.parent
    if province is not None:
        jobs.append(
            runner.start(
                actor=actor,
                kind="report_verification",
                label=f"benchmark: {province.name}",
                params={"province": province.code, "cycle": cycle.pk, "key": f"bench:{stamp}:p"},
                region=province,
            )
        )
    code, peak, out, seconds = _run_measured(
        [sys.executable, "manage.py", "worker", "--batch", "--interval", "0.2"], timeout
    )
    finished = Job.objects.filter(pk__in=[j.pk for j in jobs])
    done = finished.filter(status=Job.Status.DONE).count()
    failed = list(finished.exclude(status=Job.Status.DONE).values_list("kind", "status", "error"))
    note = (
        f"{len(jobs)} jobs (answers XLSX of {cycle.name}, {len(top)} self-assessment PDFs, "
        f"a verification PDF) run by one worker in {seconds:.1f} s; {done} done"
    )
    if failed:
        note += f"; not done: {failed}"
    if code != 0:
        note += f"; the worker exited with status {code}: {out[-600:]}"
    return _result(
        "worker_memory",
        peak,
        "MB",
        250,
        peak < 250 and done == len(jobs),
        note,
        seconds=seconds,
    )


def _work_lists() -> Result:
    from bench.micro.worklists import work_lists

    return work_lists()


BENCHMARKS: dict[str, Callable[[], Result]] = {
    "score_recompute": score_recompute,
    "indicator_import": indicator_import,
    "answers_export": answers_export,
    "district_pdf": district_pdf,
    "worker_memory": worker_memory,
    "work_lists": _work_lists,
}


def run(names: list[str] | None = None) -> list[Result]:
    """Run the chosen benchmarks (all by default) in order; a failure is a result too."""
    results: list[Result] = []
    for name in names or list(BENCHMARKS):
        try:
            results.append(BENCHMARKS[name]())
        except Exception as exc:  # reported, the others still run
            results.append(_result(name, 0, "", 0, False, f"failed: {exc!r}"))
        print(json.dumps(results[-1]), flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--only", action="append", choices=list(BENCHMARKS))
    parser.add_argument("--json", help="also write the results to this file")
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layak.settings")
    # Production settings (no demo mode) need these; nothing is served.
    os.environ.setdefault("SECRET_KEY", "bench-micro-" + os.urandom(16).hex())
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    sys.path.insert(0, str(ROOT))
    import logging

    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)
    results = run(args.only)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0 if all(r["met"] for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
