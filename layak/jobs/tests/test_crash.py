"""A real worker is killed (SIGKILL) in the middle of a large RAD KLA import: the plan keeps
none of the half-written import, the job is found cut off, queued again by the next worker, and
completes; the plan then holds the whole import once.

The test runs its own database (SQLite in a temporary folder) and real worker processes, so it
is independent of the suite's database."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from layak.jobs.tests.crash_setup import ROWS

ROOT = Path(__file__).resolve().parents[3]


def _env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST"))
    }
    env.update(
        {
            "LAYAK_DEMO": "1",
            "DJANGO_SETTINGS_MODULE": "layak.settings",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'crash.sqlite3'}",
            "LAYAK_VAR_DIR": str(tmp_path / "var"),
            "JOB_STALE_SECONDS": "3",
            "LAYAK_JOB_STEP_DELAY": "0.03",
        }
    )
    return env


def _manage(env: dict[str, str], *args: str) -> str:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    ).stdout


def _worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "manage.py", "worker", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=log.open("ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def _query(db: Path, sql: str, *params: object) -> tuple[Any, ...]:
    with sqlite3.connect(db, timeout=30) as conn:
        row = conn.execute(sql, params).fetchone()
    return tuple(row) if row else ()


def _wait(predicate, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _kill(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


def test_a_worker_killed_mid_import_leaves_no_half_import_and_the_job_completes(tmp_path):
    env = _env(tmp_path)
    db = tmp_path / "crash.sqlite3"
    log = tmp_path / "worker.log"
    _manage(env, "migrate", "--verbosity", "0")
    out = _manage(
        env,
        "shell",
        "-c",
        "from layak.jobs.tests.crash_setup import main; main()",
    )
    ids = json.loads(out.strip().splitlines()[-1])
    job, plan, before = ids["job"], ids["plan"], ids["before"]

    def items() -> int:
        (count,) = _query(
            db, "SELECT count(*) FROM plans_planitem WHERE plan_id = ? AND is_active", plan
        )
        return int(count)

    def status() -> str:
        return str(_query(db, "SELECT status FROM jobs_job WHERE id = ?", job)[0])

    # The first worker starts the import; it is killed while writing.
    first = _worker(env, log)
    try:
        _wait(lambda: status() == "running", 60, "the import to start")
        time.sleep(2)  # well inside ROWS x 0.03 s of writing
    finally:
        _kill(first)
    assert status() == "running"  # cut off: nobody finished it
    assert items() == before  # nothing of the half-written import is there

    # The next worker finds it cut off (no heartbeat for JOB_STALE_SECONDS) and runs it again.
    time.sleep(4)
    second = _worker(env, log)
    try:
        _wait(lambda: status() in ("done", "failed"), 120, "the import to finish")
    finally:
        _kill(second)
    (attempts, error) = _query(db, "SELECT attempts, error FROM jobs_job WHERE id = ?", job)
    assert status() == "done", (error, log.read_text()[-2000:])
    assert attempts == 2
    assert items() == before + ROWS
    (applied,) = _query(db, "SELECT status FROM plans_planimport WHERE id = ?", ids["import"])
    assert applied == "applied"
    (distinct,) = _query(
        db, "SELECT count(DISTINCT ref) FROM plans_planitem WHERE plan_id = ?", plan
    )
    assert distinct == before + ROWS
