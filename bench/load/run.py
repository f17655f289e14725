"""The load test: every scenario headless against one production server on the loopback.

    python -m bench.load.run --database-url URL [--users 20] [--seconds 45] [--ratio-seconds 10]
        [--out bench/results/load.md] [--json bench/results/load.json]

Without ``--database-url`` a throwaway PostgreSQL cluster is made and the demo data loaded.

Two kinds of phase, all against the same server in the same run:

1. **Scenarios** (latency): ``--users`` simulated people of one scenario for ``--seconds``, each
   waiting 0.5–1.5 s between pages as a person reading does; p50/p95/p99 per page.
2. **Throughput** (ratios): for each page, ``--users`` clients request only that page with no
   pause for ``--ratio-seconds``; requests per second divided by those of ``/healthz`` measured
   the same way (at the start and at the end of the run; their mean is the reference).

``run(...)`` returns the figures as a dict; ``markdown(...)`` renders the fragment for
bench/results/latest.md.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import gevent
import locust
from locust.contrib.fasthttp import FastHttpSession
from locust.env import Environment
from locust.stats import StatsEntry

from bench.load import locustfile as lf
from bench.load.plan import KEY_PAGES
from bench.load.server import PYTHON, ROOT, Server, serve

P95_TARGET_MS = 150
RATIO_TARGET = 0.40
HTML_LIMIT_KB = 200
WARMUP_SECONDS = 3.0
# Pages whose figures come from a cache: their first request after the cache is cleared (cold)
# is reported apart, and every person's are requested once before their scenario (warm rows).
CACHED_PAGES = ("/dashboards/",)
WARM_REPEAT = 5


def make_plan(database_url: str, people: int = 20, editors: int = 0) -> dict[str, Any]:
    """The plan, built by ``bench.load.plan`` in its own process (Django is not loaded here)."""
    with tempfile.NamedTemporaryFile(suffix=".json") as fh:
        subprocess.run(
            [
                PYTHON,
                "-m",
                "bench.load.plan",
                "--database-url",
                database_url,
                "--out",
                fh.name,
                "--people",
                str(people),
                "--editors",
                str(editors),
            ],
            cwd=ROOT,
            check=True,
            timeout=600,
        )
        plan: dict[str, Any] = json.loads(Path(fh.name).read_text())
        return plan


def _entry(e: StatsEntry, seconds: float) -> dict[str, Any]:
    n = e.num_requests
    return {
        "requests": n,
        "failures": e.num_failures,
        "p50": e.get_response_time_percentile(0.5) if n else None,
        "p95": e.get_response_time_percentile(0.95) if n else None,
        "p99": e.get_response_time_percentile(0.99) if n else None,
        "mean": round(e.avg_response_time, 1) if n else None,
        "rps": round(n / seconds, 2) if seconds else 0.0,
        "kb": round(e.avg_content_length / 1000, 1) if n else None,
    }


def phase(user_classes: list[type[Any]], host: str, users: int, seconds: float) -> dict[str, Any]:
    """Run the classes with ``users`` users for ``seconds`` after a short warm-up (sign-in and
    the first requests are not counted); returns stats per request name and the errors."""
    env = Environment(user_classes=user_classes, host=host)
    runner = env.create_local_runner()
    runner.start(users, spawn_rate=max(users, 1))
    deadline = time.monotonic() + 120
    while runner.user_count < users and time.monotonic() < deadline:
        gevent.sleep(0.1)
    gevent.sleep(WARMUP_SECONDS)
    env.stats.reset_all()
    start = time.monotonic()
    gevent.sleep(seconds)
    measured = time.monotonic() - start
    stats = {
        name: _entry(e, measured)
        for (name, _method), e in env.stats.entries.items()
        if e.num_requests
    }
    total = _entry(env.stats.total, measured)
    errors = [
        {"name": err.name, "error": str(err.error), "count": err.occurrences}
        for err in env.stats.errors.values()
    ]
    runner.quit()
    return {"seconds": round(measured, 1), "pages": stats, "total": total, "errors": errors}


def single_page(cls: type[Any], name: str) -> type[Any]:
    """A user of the same scenario that requests only the pages named ``name``, with no pause."""

    def on_start(self: Any) -> None:
        cls.on_start(self)
        pages = [p for p in self.actor["pages"] if p[0] == name] or list(self.actor["pages"])
        self.cursor = itertools.cycle(pages)

    def browse(self: Any) -> None:
        page_name, url = next(self.cursor)
        lf.get_page(self.client, url, page_name, headers=getattr(self, "headers", None))

    return type(
        f"{cls.__name__}Only",
        (cls,),
        {
            "on_start": on_start,
            "tasks": [browse],
            "wait_time": locust.constant(0),
            "abstract": False,
        },
    )


def cached_pages(plan: dict[str, Any], scenario: str) -> list[tuple[str, str, str]]:
    """(person, page name, address) of every cached page the scenario's people open."""
    return [
        (actor["email"], name, url)
        for actor in plan["scenarios"].get(scenario, [])
        if actor.get("email")
        for name, url in actor["pages"]
        if url.startswith(CACHED_PAGES)
    ]


def _session(host: str, env: Environment, email: str) -> FastHttpSession:
    """A client of its own signed in as ``email`` (the run's shared session of that person)."""
    client = FastHttpSession(host, env.events.request, user=None, insecure=False)
    lf.sign_in(client, email)
    return client


def _timed_get(client: FastHttpSession, url: str, name: str) -> tuple[float, int]:
    started = time.perf_counter()
    response = lf.get_page(client, url, name)
    return (time.perf_counter() - started) * 1000, response.status_code or 0


def first_requests(
    server: Server, plan: dict[str, Any], scenarios: list[str], repeat: int = WARM_REPEAT
) -> dict[str, Any]:
    """For each cached page (one person, its first address), one request at a time: the first
    after the server's caches were cleared (cold), then ``repeat`` more (warm, median). A page
    that cannot be measured (sign-in refused, caches not cleared) gets its error instead."""
    env = Environment(user_classes=[], host=server.url)
    rows: dict[str, Any] = {}
    for scenario in scenarios:
        for email, name, url in cached_pages(plan, scenario):
            if name in rows:
                continue
            try:
                client = _session(server.url, env, email)
                how = server.clear_cache()
            except (RuntimeError, subprocess.SubprocessError, OSError, ValueError) as exc:
                rows[name] = {"scenario": scenario, "error": repr(exc)[:300]}
                continue
            cold, status = _timed_get(client, url, name)
            warm = [_timed_get(client, url, name) for _ in range(repeat)]
            rows[name] = {
                "scenario": scenario,
                "cold_ms": round(cold, 1),
                "warm_ms": round(statistics.median(t for t, _s in warm), 1),
                "status": sorted({status, *(s for _t, s in warm)}),
                "cache": how,
            }
    return rows


def warm_up(host: str, plan: dict[str, Any], scenario: str) -> int:
    """Request every cached page of every person of the scenario once, so the scenario's rows
    are warm figures (the cold ones are measured apart); returns the requests made."""
    env = Environment(user_classes=[], host=host)
    done = 0
    for email, name, url in cached_pages(plan, scenario):
        _timed_get(_session(host, env, email), url, name)
        done += 1
    return done


def _task_pages(plan: dict[str, Any]) -> dict[str, str]:
    """Every GET page name in the plan, with its scenario."""
    names: dict[str, str] = {}
    for scenario, actors in plan["scenarios"].items():
        for actor in actors:
            for name, _url in actor["pages"]:
                names.setdefault(name, scenario)
    names.setdefault("office /evaluation/my-items/", "office")
    if any(a.get("items") for a in plan["scenarios"].get("office", [])):
        names.setdefault("office /evaluation/assessments/[id]/indicators/[id]/", "office")
    return names


def office_pages(plan: dict[str, Any]) -> None:
    """Give office actors the pages their scenario opens, for the throughput phase."""
    for actor in plan["scenarios"].get("office", []):
        pages = [("office /evaluation/my-items/", "/evaluation/my-items/")]
        for item in actor.get("items", [])[:10]:
            pages.append(("office /evaluation/assessments/[id]/indicators/[id]/", item["page"]))
        actor["pages"] = [*actor["pages"], *dict.fromkeys(map(tuple, pages))]


def run(
    database_url: str,
    *,
    users: int = 20,
    seconds: float = 45,
    ratio_seconds: float = 10,
    scenarios: list[str] | None = None,
    workers: int | None = None,
) -> dict[str, Any]:
    """The whole load test on one server; returns every figure."""
    plan = make_plan(database_url, people=users)
    names = scenarios or list(lf.SCENARIOS)
    result: dict[str, Any] = {
        "users": users,
        "seconds": seconds,
        "ratio_seconds": ratio_seconds,
        "think": list(lf.THINK),
        "scenarios": {},
        "throughput": {},
        "actors": {k: len(v) for k, v in plan["scenarios"].items()},
    }
    result["load_average_start"] = round(os.getloadavg()[0], 2)
    with serve(database_url, workers=workers) as server:
        result["workers"] = server.workers
        lf.check_loopback(server.url)
        lf.configure(plan, users=users)
        health = [phase([lf.Healthz], server.url, users, ratio_seconds)]
        print("first requests to cached pages", file=sys.stderr)
        result["cold"] = first_requests(server, plan, names)
        for name in names:
            if not plan["scenarios"].get(name):
                result["scenarios"][name] = {"skipped": "no one to play it in this database"}
                continue
            print(f"scenario {name}: {users} users, {seconds} s", file=sys.stderr)
            lf.configure(plan, users=users)
            warm_up(server.url, plan, name)
            result["scenarios"][name] = phase([lf.SCENARIOS[name]], server.url, users, seconds)
        office_pages(plan)
        for page, scenario in _task_pages(plan).items():
            if scenario not in names:
                continue
            print(f"throughput {page}", file=sys.stderr)
            lf.configure(plan, users=users, think=(0, 0))
            only = single_page(lf.SCENARIOS[scenario], page)
            got = phase([only], server.url, users, ratio_seconds)
            result["throughput"][page] = got["pages"].get(page, {"rps": 0.0, "requests": 0})
            result["throughput"][page]["failures"] = got["total"]["failures"]
        health.append(phase([lf.Healthz], server.url, users, ratio_seconds))
    result["load_average_end"] = round(os.getloadavg()[0], 2)
    reference = sum(h["pages"]["/healthz"]["rps"] for h in health) / len(health)
    result["healthz"] = {
        "rps_start": health[0]["pages"]["/healthz"]["rps"],
        "rps_end": health[1]["pages"]["/healthz"]["rps"],
        "rps": round(reference, 1),
        "p95_start": health[0]["pages"]["/healthz"]["p95"],
    }
    for figures in result["throughput"].values():
        figures["ratio"] = round(figures["rps"] / reference, 3) if reference else None
    result["slow"] = [
        {"scenario": s, "page": p, "p95": f["p95"]}
        for s, r in result["scenarios"].items()
        for p, f in r.get("pages", {}).items()
        if f["p95"] is not None and f["p95"] > P95_TARGET_MS and not p.startswith("sign in")
    ]
    result["large"] = [
        {"scenario": s, "page": p, "kb": f["kb"]}
        for s, r in result["scenarios"].items()
        for p, f in r.get("pages", {}).items()
        if f.get("kb") is not None and f["kb"] > HTML_LIMIT_KB
    ]
    result["low_ratio"] = [
        {"page": p, "ratio": f["ratio"]}
        for p, f in result["throughput"].items()
        if p in KEY_PAGES and f["ratio"] is not None and f["ratio"] < RATIO_TARGET
    ]
    return result


def _ms(v: float | None) -> str:
    return "—" if v is None else f"{v:.0f}"


def markdown(result: dict[str, Any]) -> str:
    """The fragment for bench/results/latest.md."""
    h = result["healthz"]
    lines = [
        "## Load test",
        "",
        f"{result['users']} concurrent users per scenario, {result['seconds']} s each "
        f"(think time {result['think'][0]}–{result['think'][1]} s), gunicorn "
        f"{result['workers']} sync workers, PostgreSQL. Throughput: {result['users']} clients "
        f"without pause, {result['ratio_seconds']} s per page; /healthz "
        f"{h['rps_start']:.0f} req/s at the start, {h['rps_end']:.0f} at the end "
        f"(reference {h['rps']:.0f}). Machine load average (1 min) "
        f"{result['load_average_start']} at the start, {result['load_average_end']} at the end.",
        "",
        "| scenario | page | requests | failures | p50 ms | p95 ms | p99 ms | req/s | "
        "req/s alone | × /healthz | KB |",
        "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for scenario, r in result["scenarios"].items():
        if "skipped" in r:
            lines.append(f"| {scenario} | *{r['skipped']}* | | | | | | | | | |")
            continue
        for page, f in sorted(r["pages"].items()):
            alone = result["throughput"].get(page, {})
            ratio = alone.get("ratio")
            flag = " ⚠" if f["p95"] is not None and f["p95"] > P95_TARGET_MS else ""
            kb = f.get("kb")
            size = "—" if kb is None else f"{kb:.0f}" + (" ⚠" if kb > HTML_LIMIT_KB else "")
            lines.append(
                f"| {scenario} | `{page}` | {f['requests']} | {f['failures']} | {_ms(f['p50'])} "
                f"| {_ms(f['p95'])}{flag} | {_ms(f['p99'])} | {f['rps']:.1f} | "
                f"{alone.get('rps', 0):.1f} | {'—' if ratio is None else f'{ratio:.2f}'} "
                f"| {size} |"
            )
    lines.append("")
    lines.append(
        f"Targets: p95 under {P95_TARGET_MS} ms for every interactive page; each key page at "
        f"least {RATIO_TARGET:.0%} of /healthz throughput; no page over {HTML_LIMIT_KB} KB of "
        "HTML (KB: the mean size of the page's responses)."
    )
    lines += cold_markdown(result.get("cold", {}))
    if result["slow"]:
        lines.append("")
        lines.append("Pages over the p95 target:")
        for s in result["slow"]:
            lines.append(f"- `{s['page']}` ({s['scenario']}): p95 {s['p95']:.0f} ms")
    if result.get("large"):
        lines.append("")
        lines.append(f"Pages over {HTML_LIMIT_KB} KB of HTML:")
        for s in result["large"]:
            lines.append(f"- `{s['page']}` ({s['scenario']}): {s['kb']:.0f} KB")
    if result["low_ratio"]:
        lines.append("")
        lines.append("Key pages under the throughput ratio target:")
        for s in result["low_ratio"]:
            lines.append(f"- `{s['page']}`: {s['ratio']:.2f} × /healthz")
    errors = [(s, e) for s, r in result["scenarios"].items() for e in r.get("errors", [])]
    if errors:
        lines.append("")
        lines.append("Errors:")
        for s, e in errors[:20]:
            lines.append(f"- {s}: {e['name']}: {e['error']} ×{e['count']}")
    return "\n".join(lines) + "\n"


def cold_markdown(cold: dict[str, Any]) -> list[str]:
    """The cached pages' first request after the cache was cleared, beside the warm ones."""
    if not cold:
        return []
    lines = [
        "",
        "Cached pages, one person, one request at a time: the first request after the server's "
        f"cache was cleared (cold), then the median of the next {WARM_REPEAT} (warm). The "
        "scenario rows above are warm: every person's cached pages were requested once before "
        "their scenario.",
        "",
        "| page | cold ms | warm ms | status | cache |",
        "|---|---:|---:|---|---|",
    ]
    for page, r in cold.items():
        if "error" in r:
            lines.append(f"| `{page}` | — | — | — | not measured: {r['error']} |")
            continue
        status = ", ".join(str(s) for s in r["status"])
        lines.append(
            f"| `{page}` | {r['cold_ms']:.0f} | {r['warm_ms']:.0f} | {status} | {r['cache']} |"
        )
    return lines


@contextlib.contextmanager
def database(url: str | None) -> Iterator[str]:
    """The given database, or a throwaway cluster with the demo data."""
    if url:
        yield url
        return
    from bench.pg import cluster

    with cluster() as c:
        subprocess.run(
            [PYTHON, "manage.py", "setup", "--demo"],
            cwd=ROOT,
            env={**_demo_env(), "DATABASE_URL": c.url()},
            check=True,
            timeout=900,
            stdout=subprocess.DEVNULL,
        )
        yield c.url()


def _demo_env() -> dict[str, str]:
    return {**os.environ, "LAYAK_DEMO": "1", "LAYAK_VAR_DIR": tempfile.mkdtemp()}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Layak load test (loopback only)")
    parser.add_argument("--database-url", default="")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=45)
    parser.add_argument("--ratio-seconds", type=float, default=10)
    parser.add_argument("--scenario", action="append", choices=list(lf.SCENARIOS))
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--out", default="")
    parser.add_argument("--json", default="")
    args = parser.parse_args(argv)
    if not (0 < args.seconds <= 600 and 0 < args.ratio_seconds <= 120 and 0 < args.users <= 200):
        parser.error("keep runs bounded: seconds ≤ 600, ratio seconds ≤ 120, users ≤ 200")
    with database(args.database_url or None) as url:
        result = run(
            url,
            users=args.users,
            seconds=args.seconds,
            ratio_seconds=args.ratio_seconds,
            scenarios=args.scenario,
            workers=args.workers,
        )
    text = markdown(result)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
