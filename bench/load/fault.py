"""The load-and-fault run: editors keep saving answers while the background worker is killed and
restarted and the database is restarted; afterwards nothing acknowledged may be missing.

    python -m bench.load.fault [--pg-dir DIR] [--editors 50] [--seconds 300] [--grace 5]
        [--out bench/results/fault.md] [--json bench/results/fault.json]

Without ``--pg-dir`` a throwaway PostgreSQL cluster is made and the demo data loaded; with it, a
cluster kept by ``bench.pg.cluster(keep=True, directory=DIR)`` (the generated data) is started.

Each editor signs in, opens an indicator page, and saves one of its answers through the page's
form (with the revision it read, as htmx posts it), with a unique note. A save is *acknowledged*
when the server answers 200 with the saved card: the client logs the answer, the revision the
card shows and the note. At 30 % of the run the worker gets SIGKILL and a new one is started;
at 60 % PostgreSQL is restarted (``pg_ctl restart -m fast``). Each fault is an *outage window*
from its start to the moment it is over (the worker runs again; /healthz answers again),
extended by ``--grace`` seconds. Afterwards:

- **lost**: acknowledged saves without their revision in the database (``AnswerRevision`` with
  that answer, revision and note) — must be zero;
- **final**: every answer's current note is that of its newest revision, and is the last
  acknowledged one unless a later save went through unacknowledged (cut off by the restart);
- **failed outside windows**: requests that failed (connection error, 5xx, a save not
  confirmed) and whose time span does not touch an outage window — must be zero.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import gevent
from locust import task
from locust.contrib.fasthttp import FastHttpUser
from locust.env import Environment

from bench.load import locustfile as lf
from bench.load.run import make_plan
from bench.load.server import PYTHON, ROOT, serve

RUN_ID = uuid.uuid4().hex[:8]
REVISION_RE = re.compile(r'name="revision" value="(\d+)"')

# Client-side log: every request the editors made, and every acknowledged save.
REQUESTS: list[dict[str, Any]] = []
ACKS: list[dict[str, Any]] = []
ATTEMPTS: list[dict[str, Any]] = []
EDITORS: list[dict[str, Any]] = []


def _error(response: Any) -> str:
    return str(getattr(response, "error", None) or getattr(response, "_manual_result", "") or "")


class Editor(FastHttpUser):
    """One editor: its own answers, saved one after another with a short pause."""

    wait_time = lf.think
    concurrency = 1

    def on_start(self) -> None:
        lf.check_loopback(self.host)
        n = next(lf.SLOTS.setdefault("editor", itertools.count()))
        self.slot = EDITORS[n % len(EDITORS)]
        self.counter = itertools.count(1)
        self.signed_in = False

    def _log(self, kind: str, start: float, ok: bool, status: int, detail: str = "") -> None:
        REQUESTS.append(
            {
                "kind": kind,
                "start": start,
                "end": time.time(),
                "ok": ok,
                "status": status,
                "detail": detail[:200],
            }
        )

    @task
    def edit(self) -> None:
        if not self.signed_in:
            start = time.time()
            try:
                lf.sign_in(self.client, self.slot["email"])
            except Exception as exc:
                self._log("sign in", start, False, 0, str(exc))
                return
            self.signed_in = True
        item = random.choice(self.slot["items"])
        start = time.time()
        with self.client.get(item["page"], name="editor: indicator page", catch_response=True) as r:
            html = (r.text or "") if r.status_code == 200 else ""
            if "/accounts/" in urlparse(r.url or "").path:
                # Signed out (the session was lost): sign in again next time.
                lf.forget_session(self.slot["email"])
                self.signed_in = False
            revision = lf.revision_of(html, item["answer"])
            ok = revision is not None
            if not ok:
                r.failure(f"no form for answer {item['answer']} (status {r.status_code})")
            self._log("page", start, ok, r.status_code or 0, _error(r))
        if revision is None:
            return
        marker = f"load {RUN_ID} {uuid.uuid4().hex[:12]}"
        data = lf.form_fields(item, marker, next(self.counter)) | {
            "revision": revision,
            "csrfmiddlewaretoken": lf.csrf_of(html),
        }
        ATTEMPTS.append({"answer": item["answer"], "note": marker})
        start = time.time()
        with self.client.post(
            f"/evaluation/answers/{item['answer']}/save/",
            data=data,
            headers={"HX-Request": "true", "Referer": self.client.base_url + item["page"]},
            name="editor: save",
            catch_response=True,
        ) as r:
            body = (r.text or "") if r.status_code == 200 else ""
            saved = bool(lf.SAVED_RE.search(body)) and not lf.ERROR_RE.search(body)
            conflict = bool(lf.CONFLICT_RE.search(body))
            if saved:
                found = REVISION_RE.search(body)
                ACKS.append(
                    {
                        "answer": item["answer"],
                        "revision": int(found.group(1)) if found else None,
                        "note": marker,
                        "at": time.time(),
                    }
                )
                self._log("save", start, True, r.status_code)
            elif conflict:
                r.success()  # another editor saved first: refused as it should be
                self._log("conflict", start, True, r.status_code)
            else:
                r.failure(f"save not confirmed (status {r.status_code})")
                self._log("save", start, False, r.status_code or 0, _error(r) or body[:200])


@contextlib.contextmanager
def database(pg_dir: str | None) -> Iterator[Any]:
    from bench.pg import cluster

    with cluster(keep=bool(pg_dir), directory=pg_dir) as c:
        if not pg_dir:
            subprocess.run(
                [PYTHON, "manage.py", "setup", "--demo"],
                cwd=ROOT,
                env={
                    **os.environ,
                    "LAYAK_DEMO": "1",
                    "LAYAK_VAR_DIR": tempfile.mkdtemp(),
                    "DATABASE_URL": c.url(),
                },
                check=True,
                timeout=900,
                stdout=subprocess.DEVNULL,
            )
        yield c


def verify(c: Any) -> dict[str, Any]:
    """Compare the client's log with the database."""
    # The run id is ours (hex): nothing from outside goes into the query.
    query = "SELECT answer_id, revision, note FROM evaluation_answerrevision WHERE note LIKE "
    rows = c.psql(query + f"'load {RUN_ID} %'")
    stored: dict[tuple[int, int], str] = {}
    notes_in_db: set[str] = set()
    for line in filter(None, rows.splitlines()):
        answer, revision, note = line.split("|", 2)
        stored[(int(answer), int(revision))] = note
        notes_in_db.add(note)
    current: dict[int, tuple[int, str]] = {}
    answers = sorted({a["answer"] for a in ACKS})
    if answers:
        ids = ",".join(str(a) for a in answers)
        for line in filter(
            None,
            c.psql(
                f"SELECT id, revision, note FROM evaluation_answer WHERE id IN ({ids})"  # noqa: S608
            ).splitlines(),
        ):
            pk, revision, note = line.split("|", 2)
            current[int(pk)] = (int(revision), note)
    lost = [
        a
        for a in ACKS
        if stored.get((a["answer"], a["revision"])) != a["note"] and a["note"] not in notes_in_db
    ]
    misplaced = [
        a for a in ACKS if a not in lost and stored.get((a["answer"], a["revision"])) != a["note"]
    ]
    last_ack: dict[int, dict[str, Any]] = {}
    for a in ACKS:
        if a["answer"] not in last_ack or (a["revision"] or 0) > (
            last_ack[a["answer"]]["revision"] or 0
        ):
            last_ack[a["answer"]] = a
    final_is_last_ack = 0
    final_later_unacked = 0
    final_wrong = []
    attempted = {a["note"] for a in ATTEMPTS}
    for answer, ack in last_ack.items():
        revision, note = current.get(answer, (0, ""))
        if note == ack["note"]:
            final_is_last_ack += 1
        elif revision > (ack["revision"] or 0) and note in attempted:
            final_later_unacked += 1
        else:
            final_wrong.append({"answer": answer, "db": note, "last_ack": ack["note"]})
    return {
        "acknowledged": len(ACKS),
        "attempted": len(ATTEMPTS),
        "answers": len(last_ack),
        "lost": len(lost),
        "lost_examples": lost[:5],
        "revision_mismatch": len(misplaced),
        "final_is_last_ack": final_is_last_ack,
        "final_later_unacknowledged": final_later_unacked,
        "final_wrong": final_wrong[:10],
        "final_wrong_count": len(final_wrong),
        "unacknowledged_but_stored": len(
            {a["note"] for a in ATTEMPTS} & notes_in_db - {a["note"] for a in ACKS}
        ),
    }


def classify(windows: list[dict[str, Any]], grace: float) -> dict[str, Any]:
    def inside(r: dict[str, Any]) -> bool:
        return any(r["end"] >= w["start"] and r["start"] <= w["end"] + grace for w in windows)

    failed = [r for r in REQUESTS if not r["ok"]]
    outside = [r for r in failed if not inside(r)]
    statuses: dict[str, int] = {}
    for r in failed:
        key = str(r["status"] or "no answer")
        statuses[key] = statuses.get(key, 0) + 1
    return {
        "failed_by_status": statuses,
        "requests": len(REQUESTS),
        "failed": len(failed),
        "failed_in_windows": len(failed) - len(outside),
        "failed_outside_windows": len(outside),
        "outside_examples": outside[:10],
        "conflicts": sum(1 for r in REQUESTS if r["kind"] == "conflict"),
    }


def run(c: Any, *, editors: int = 50, seconds: float = 300, grace: float = 5) -> dict[str, Any]:
    plan = make_plan(c.url(), people=5, editors=editors)
    if not plan.get("editors"):
        raise SystemExit("no answers can be saved now in this database (no open self-assessment)")
    EDITORS[:] = plan["editors"]
    windows: list[dict[str, Any]] = []
    with serve(c.url(), job_workers=1) as server:
        started = time.time()
        lf.configure(plan, users=editors)
        env = Environment(user_classes=[Editor], host=server.url)
        runner = env.create_local_runner()
        runner.start(editors, spawn_rate=editors)
        t0 = time.monotonic()

        def at(fraction: float) -> None:
            gevent.sleep(max(0.0, t0 + seconds * fraction - time.monotonic()))

        at(0.3)
        w = {"fault": "worker killed (SIGKILL) and restarted", "start": time.time()}
        killed = server.kill_worker()
        gevent.sleep(2)
        server.start_worker()
        gevent.sleep(1)
        w["end"] = time.time()
        w["detail"] = f"pid {killed} killed; {server.workers_alive()} worker(s) running after"
        windows.append(w)

        at(0.6)
        w = {"fault": "PostgreSQL restarted (pg_ctl restart -m fast)", "start": time.time()}
        c.restart()
        # The window ends when PostgreSQL accepts connections again; the time /healthz then
        # takes to answer 200 (queued behind the editors' requests) is reported, not excused.
        w["end"] = time.time()
        w["healthz_after_s"] = round(server.wait_healthy(180, probe_timeout=30), 2)
        windows.append(w)

        at(1.0)
        runner.quit()
        worker_alive = server.workers_alive()
        worker_exits = server.worker_exits()
    result: dict[str, Any] = {
        "run_id": RUN_ID,
        "editors": editors,
        "people": len({e["email"] for e in EDITORS}),
        "seconds": seconds,
        "grace": grace,
        "load_average": round(os.getloadavg()[0], 2),
        "workers_alive_at_end": worker_alive,
        "worker_exits": worker_exits,
        "windows": [
            {
                **w,
                "start_s": round(w["start"] - started, 1),
                "end_s": round(w["end"] - started, 1),
            }
            for w in windows
        ],
    }
    result["requests"] = classify(windows, grace)
    result["writes"] = verify(c)
    result["ok"] = (
        result["writes"]["acknowledged"] > 0
        and result["writes"]["lost"] == 0
        and result["writes"]["final_wrong_count"] == 0
        and result["requests"]["failed_outside_windows"] == 0
    )
    return result


def markdown(r: dict[str, Any]) -> str:
    w, q = r["writes"], r["requests"]
    lines = [
        "## Load and faults",
        "",
        f"{r['editors']} editors ({r['people']} people) saving answers for {r['seconds']:.0f} s "
        f"on PostgreSQL; outage windows extended by {r['grace']:.0f} s of grace. Machine "
        f"load average (1 min) at the end: {r['load_average']}.",
        "",
        "| fault | from (s) | to (s) | note |",
        "|---|---:|---:|---|",
    ]
    for x in r["windows"]:
        note = x.get("detail") or f"/healthz answered {x.get('healthz_after_s')} s after"
        lines.append(f"| {x['fault']} | {x['start_s']} | {x['end_s']} | {note} |")
    lines += [
        "",
        "| figure | value |",
        "|---|---:|",
        f"| saves acknowledged | {w['acknowledged']} |",
        f"| acknowledged saves lost | **{w['lost']}** |",
        f"| answers whose final value is the last acknowledged save | {w['final_is_last_ack']} |",
        f"| … overwritten by a later save cut off before its answer | "
        f"{w['final_later_unacknowledged']} |",
        f"| answers with a wrong final value | {w['final_wrong_count']} |",
        f"| saves stored but not acknowledged (cut off) | {w['unacknowledged_but_stored']} |",
        f"| requests | {q['requests']} |",
        f"| failed inside outage windows | {q['failed_in_windows']} |",
        f"| failed outside outage windows | **{q['failed_outside_windows']}** |",
        f"| saves refused as conflicts (two editors, one answer) | {q['conflicts']} |",
        f"| failed requests by status | "
        f"{', '.join(f'{k}: {v}' for k, v in sorted(q['failed_by_status'].items())) or '—'} |",
        f"| workers running at the end | {r['workers_alive_at_end']} |",
        f"| workers that exited by themselves | "
        f"{len([e for e in r['worker_exits'] if e['returncode'] != -9])} |",
        "",
        f"Result: {'pass' if r['ok'] else 'FAIL'}.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Layak load-and-fault run (loopback only)")
    parser.add_argument("--pg-dir", default="", help="a kept cluster's directory")
    parser.add_argument("--editors", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=300)
    parser.add_argument("--grace", type=float, default=5)
    parser.add_argument("--out", default="")
    parser.add_argument("--json", default="")
    args = parser.parse_args(argv)
    if not (20 <= args.seconds <= 1800 and 0 < args.editors <= 200):
        parser.error("keep runs bounded: 20 ≤ seconds ≤ 1800, editors ≤ 200")
    with database(args.pg_dir or None) as c:
        result = run(c, editors=args.editors, seconds=args.seconds, grace=args.grace)
    text = markdown(result)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1, default=str))
    sys.exit(0 if result["ok"] else 1)


if __name__ == "__main__":
    main()
