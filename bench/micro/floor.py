"""Each page's CPU cost against its floor, measured in one process on the loaded database.

The pages are those of the load test (``bench/load/plan.py``): for each scenario the first
person with work to do, and one address per page name they open, plus the office's answer save.
Each page is served through Django's test ``Client`` in this process, signed in as that person
(their session passed the one-time-code step, as after a real sign-in), and measured so:

- **cost**: the CPU time of this process serving the page (``time.process_time``: every
  middleware, the view, the template, the database driver), plus the database's time for the
  page's SQL (the statements captured while serving it, replayed on the same connection);
- **floor**: the CPU time of ``/healthz`` (anonymous: the middleware stack and nothing else),
  plus rendering the page's template with the context it was rendered with, already built
  (context processors included; captured from the page's own render), plus the same SQL replay.

The ratio cost ÷ floor says how much the page spends beyond what it must: serving a request,
running its queries and rendering its HTML. The target is at most ``TARGET``; a page over it
gets a profile (``cProfile``: the application's functions by cumulative time, every function by
its own time). Pages whose figures are cached (dashboards, public portal) are
also measured *cold*: the cost (CPU and SQL replayed) of the first request after every
configured cache was cleared (``caches[alias].clear()``); the other figures are warm (a request
before them filled the cache). Each page's HTML size is recorded and flagged above
``HTML_LIMIT`` bytes.

Figures are medians of ``repeat`` rounds after a first request that is not counted (it compiles
templates, fills caches); each round times the page, its render, ``/healthz`` and its SQL in
turn, so that the cost and its floor are measured at the same speed of the machine. Replayed
statements run inside a transaction that is rolled back, so replaying a save writes nothing
twice. With production settings (no demo mode), as the load
test's server runs::

    python -m bench.micro.floor --database-url URL [--repeat 15] [--only PAGE ...]
        [--json FILE] [--out FILE]
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

TARGET = 1.5
HTML_LIMIT = 200_000
# Pages whose figures come from a cache: measured cold as well as warm.
CACHED = ("/dashboards/", "/public/")
# The API's scores of an assessment, kept as the dashboards' figures are.
CACHED_API = re.compile(r"^/api/v1/assessments/\d+/scores$")
PROFILE_LINES = 20
WRITES = ("INSERT", "UPDATE", "DELETE")
INDICATOR_PAGE = "office /evaluation/assessments/[id]/indicators/[id]/"
SAVE = "office POST /evaluation/answers/[id]/save/"
ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Page:
    name: str
    url: str
    email: str | None = None
    token: str | None = None
    # An answer the page saves through the form (POST), with what the load client knows of it.
    item: dict[str, Any] | None = None

    @property
    def cached(self) -> bool:
        return self.url.startswith(CACHED) or bool(CACHED_API.match(self.url))


@dataclass
class Captured:
    """What serving a page once left behind: its SQL, its top template and that template's
    context (flattened, context processors included), the language and time zone it ran in."""

    status: int = 0
    html: bytes = b""
    queries: list[tuple[str, Any, bool]] = field(default_factory=list)
    template: Any = None
    context: dict[str, Any] | None = None
    language: str = ""
    timezone: str = ""


# --- the pages -----------------------------------------------------------------------------


def pages() -> list[Page]:
    """One address per page name of the load test's plan, with the person who opens it."""
    from bench.load import plan
    from bench.load.plan import KEY_PAGES

    found: dict[str, Page] = {}
    for scenario, (who, what) in plan.pickers().items():
        actors = plan._actors(who(), what, 1)
        if not actors:
            continue
        actor = actors[0]
        listed = list(actor["pages"])
        if scenario == "office":
            listed.append(("office /evaluation/my-items/", "/evaluation/my-items/"))
            for item in actor["items"][:1]:
                listed.append((INDICATOR_PAGE, item["page"]))
                found[SAVE] = Page(
                    SAVE,
                    f"/evaluation/answers/{item['answer']}/save/",
                    actor["email"],
                    item=item,
                )
        for name, url in listed:
            found.setdefault(name, Page(name, url, actor["email"], actor.get("token")))
    for name, url in plan.public_actor(1)["pages"]:
        found.setdefault(name, Page(name, url))
    return sorted(found.values(), key=lambda p: (p.name not in KEY_PAGES, p.name))


# --- serving ---------------------------------------------------------------------------------


def _host() -> str:
    from django.conf import settings

    for host in settings.ALLOWED_HOSTS:
        if host and host != "*" and not host.startswith("."):
            return str(host)
    return "testserver"


def client_for(email: str | None) -> Any:
    """A test client signed in as ``email`` (anonymous for None), past the code step when the
    person has an authenticator, as after signing in with password and code."""
    from django.test import Client

    client = Client(HTTP_HOST=_host())
    if email is None:
        return client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from layak.accounts.models import User

    user = User.objects.get(email=email)
    client.force_login(user)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class InProcess:
    """Serves the pages in this process; for a save, keeps the answer's revision current."""

    def __init__(self) -> None:
        self.clients: dict[str | None, Any] = {}
        self.revisions: dict[int, str] = {}
        self.saves = 0

    def client(self, page: Page) -> Any:
        # An API page is asked with its token alone, as an API client and the load test ask:
        # no session cookie to read besides.
        email = None if page.token else page.email
        if email not in self.clients:
            self.clients[email] = client_for(email)
        return self.clients[email]

    def request(self, page: Page) -> Callable[[], Any]:
        """A call that serves the page once (what is timed)."""
        from bench.load.answering import form_fields

        client = self.client(page)
        headers = {"Authorization": f"Bearer {page.token}"} if page.token else {}
        if page.item is None:
            return lambda: client.get(page.url, secure=True, headers=headers)
        item = page.item
        answer = int(item["answer"])
        if answer not in self.revisions:
            self._read_revision(page)

        def save() -> Any:
            self.saves += 1
            data = form_fields(item, f"floor {self.saves}", self.saves)
            data["revision"] = self.revisions[answer]
            # Form-encoded, as the card's form is posted by the browser (and the load test).
            return client.post(
                page.url,
                urlencode(data),
                content_type="application/x-www-form-urlencoded",
                secure=True,
                headers={"HX-Request": "true"} | headers,
            )

        return save

    def _read_revision(self, page: Page) -> None:
        from bench.load.answering import revision_of

        assert page.item is not None
        html = self.client(page).get(page.item["page"], secure=True).content.decode()
        revision = revision_of(html, int(page.item["answer"]))
        if revision is None:
            raise RuntimeError(f"{page.name}: no revision on {page.item['page']}")
        self.revisions[int(page.item["answer"])] = revision

    def after(self, page: Page, response: Any) -> None:
        """Take the saved card's new revision for the next save."""
        from bench.load.answering import revision_of

        if page.item is None:
            return
        revision = revision_of(body(response).decode(), int(page.item["answer"]))
        if revision is None:
            raise RuntimeError(f"{page.name}: the save was not confirmed ({response.status_code})")
        self.revisions[int(page.item["answer"])] = revision


def body(response: Any) -> bytes:
    if getattr(response, "streaming", False):
        content = b"".join(response.streaming_content)
        response.content = content
        return content
    return bytes(response.content)


def clear_caches() -> None:
    """Empty every configured cache (the figures of the next request are computed afresh)."""
    from django.conf import settings
    from django.core.cache import caches

    from layak.dashboards import cache as dashboards

    for alias in settings.CACHES:
        caches[alias].clear()
    dashboards.forget_local()  # what this process keeps in memory besides


def cpu(call: Callable[[], Any]) -> tuple[float, Any]:
    """Seconds of this process's CPU time spent in ``call`` and its result."""
    started = time.process_time()
    result = call()
    return time.process_time() - started, result


# --- capturing the page's SQL and template ----------------------------------------------------


@contextmanager
def capture() -> Iterator[Captured]:
    """Record the statements run on the default connection and the outermost template rendered
    (its context flattened while it is bound, so context processors' values are in it)."""
    from django.db import connection
    from django.template import base
    from django.utils import timezone, translation

    got = Captured()
    render = base.Template._render
    depth = [0]

    def rendering(template: Any, context: Any) -> Any:
        if depth[0] == 0 and got.template is None:
            got.template = template
            got.context = context.flatten()
            got.language = translation.get_language() or ""
            got.timezone = timezone.get_current_timezone_name()
        depth[0] += 1
        try:
            return render(template, context)
        finally:
            depth[0] -= 1

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        got.queries.append((sql, params, many))
        return execute(sql, params, many, context)

    base.Template._render = rendering  # type: ignore[method-assign]
    try:
        with connection.execute_wrapper(record):
            yield got
    finally:
        base.Template._render = render  # type: ignore[method-assign]


def replay(queries: list[tuple[str, Any, bool]]) -> float:
    """Wall seconds to run the statements again on the same connection, fetching every row,
    inside a transaction that is rolled back. A write runs in a savepoint of its own (not
    timed): one that the first run's effect refuses now (a cache entry written since, a
    unique key taken) is rolled back to it, its time counted, and the replay goes on."""
    from django.db import connection, transaction

    seconds = 0.0
    with transaction.atomic(), connection.cursor() as cursor:
        raw = cursor.cursor
        for sql, params, many in queries:
            write = sql.lstrip()[:6].upper() in WRITES
            if write:
                raw.execute("SAVEPOINT bench_replay")
            started = time.perf_counter()
            try:
                if many:
                    raw.executemany(sql, params)
                else:
                    raw.execute(sql, params)
                if raw.description is not None:
                    raw.fetchall()
            except connection.Database.Error:
                seconds += time.perf_counter() - started
                if not write:
                    raise
                raw.execute("ROLLBACK TO SAVEPOINT bench_replay")
                continue
            seconds += time.perf_counter() - started
            if write:
                raw.execute("RELEASE SAVEPOINT bench_replay")
        transaction.set_rollback(True)
    return seconds


def render_again(got: Captured) -> Callable[[], str]:
    """Render the captured template with its captured context: nothing left to build."""
    from django.template import Context
    from django.utils import timezone, translation

    template, flat = got.template, dict(got.context or {})

    def render() -> str:
        with translation.override(got.language), timezone.override(got.timezone):
            return str(template.render(Context(flat, autoescape=template.engine.autoescape)))

    return render


# --- measuring ---------------------------------------------------------------------------------


def profile(call: Callable[[], Any], lines: int = PROFILE_LINES) -> tuple[str, Any]:
    """One call under cProfile (wall time: waiting for the database shows as the driver's
    ``wait``): the application's functions (``layak/``) by cumulative time, leaving out the
    wrappers of the whole request (middleware: 90 % of it or more), then every function by
    its own time; and the call's result."""
    profiler = cProfile.Profile()
    profiler.enable()
    result = call()
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    total = max((ct for _cc, _nc, _tt, ct, _callers in stats.values()), default=0.0)
    rows = [
        (ct, tt, nc, f"{path}:{line}({name})")
        for (path, line, name), (_cc, nc, tt, ct, _callers) in stats.items()
    ]
    mine = [r for r in rows if "/layak/" in r[3] and r[0] < 0.9 * total]
    head = f"{'cum ms':>8} {'own ms':>8} {'calls':>7}  function"
    parts = []
    for title, chosen in (
        ("the application's functions by cumulative time", sorted(mine, reverse=True)),
        ("every function by own time", sorted(rows, key=lambda r: r[1], reverse=True)),
    ):
        body = [
            f"{ct * 1000:8.1f} {tt * 1000:8.1f} {nc:7d}  {where}"
            for ct, tt, nc, where in chosen[:lines]
        ]
        parts.append("\n".join([f"{title}:", head, *body]))
    text = f"one request, {total * 1000:.0f} ms under the profiler\n\n" + "\n\n".join(parts)
    for prefix in sorted({str(ROOT) + "/", *_site_packages()}, key=len, reverse=True):
        text = text.replace(prefix, "")
    return text, result


def _site_packages() -> set[str]:
    import site
    import sysconfig

    paths = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["stdlib"]}
    paths.update(site.getsitepackages())
    return {p.rstrip("/") + "/" for p in paths}


def healthz_cpu(repeat: int) -> float:
    """Median CPU seconds of an anonymous ``/healthz``."""
    page = Page("/healthz", "/healthz")
    call = InProcess().request(page)
    call()
    return statistics.median(cpu(call)[0] for _ in range(max(repeat, 5)))


def measure(
    server: InProcess, page: Page, healthz: Callable[[], Any], repeat: int
) -> dict[str, Any]:
    """One page, after a first pass over every page (templates compiled, caches filled): cold
    (cached pages), then a request that fills the caches again, the capture, then ``repeat``
    rounds, each of one timed request, one render of its template, one ``/healthz`` and one
    replay of its SQL, in turn: the parts of the cost and of the floor are timed side by side,
    so a change in the machine's speed while the page is measured (other work on a shared
    host) reaches both. Medians of each part; the cost, the floor and their ratio."""
    from django.db import connection

    row: dict[str, Any] = {"page": page.name, "url": page.url}
    call = server.request(page)
    if page.cached:
        # Cold: the first request after the caches were emptied, its SQL recorded as well (a
        # statement wrapper and one flattened context: nothing measurable beside the page).
        clear_caches()
        with capture() as cold:
            seconds, response = cpu(call)
        server.after(page, response)
        row["cold_queries"] = len(cold.queries)
        row["cold_ms"] = seconds * 1000 + replay(cold.queries) * 1000
    # A request before the capture: the cold measure above emptied the caches, and a save
    # measured before this page changed its district's data, so the kept pages are drawn
    # again once; the captured and timed requests are then warm, as the figures say.
    server.after(page, call())
    with capture() as got:
        response = call()
    server.after(page, response)
    html = body(response)
    row.update(status=response.status_code, bytes=len(html), queries=len(got.queries))
    if response.status_code != 200:
        row["error"] = f"answered {response.status_code}"
        return row
    row["template"] = ""
    render: Callable[[], Any] | None = None
    if got.template is not None:
        render = render_again(got)
        render()  # anything left lazy in the context is evaluated once, as the page did
        row["template"] = got.template.origin.template_name or ""
    rendering = [False]
    during = [0]

    def count(execute: Any, *args: Any) -> Any:
        if rendering[0]:
            during[0] += 1
        return execute(*args)

    costs, renders, healthzs, sqls = [], [], [], []
    with connection.execute_wrapper(count):
        for _ in range(repeat):
            seconds, response = cpu(call)
            server.after(page, response)
            costs.append(seconds)
            if render is not None:
                rendering[0] = True
                renders.append(cpu(render)[0])
                rendering[0] = False
            healthzs.append(cpu(healthz)[0])
            sqls.append(replay(got.queries))
    if render is not None:
        row["render_queries"] = during[0] // repeat
    page_ms = statistics.median(costs) * 1000
    sql_ms = statistics.median(sqls) * 1000
    render_ms = statistics.median(renders) * 1000 if renders else 0.0
    healthz_ms = statistics.median(healthzs) * 1000
    cost = page_ms + sql_ms
    floor = healthz_ms + render_ms + sql_ms
    row.update(
        page_ms=page_ms,
        sql_ms=sql_ms,
        render_ms=render_ms,
        healthz_ms=healthz_ms,
        cost_ms=cost,
        floor_ms=floor,
        ratio=cost / floor if floor else None,
    )
    return row


def static_ready() -> None:
    """Production serves hashed static file names from the manifest ``collectstatic`` writes;
    write it (quietly) when this process's static directory has none yet."""
    from django.conf import settings
    from django.contrib.staticfiles.storage import ManifestFilesMixin, staticfiles_storage
    from django.core.management import call_command

    storage = staticfiles_storage
    if isinstance(storage, ManifestFilesMixin) and not storage.exists(storage.manifest_name):
        Path(settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)
        call_command("collectstatic", interactive=False, verbosity=0)


def page_floor(
    repeat: int = 15, only: list[str] | None = None, profile_over: float = TARGET
) -> dict[str, Any]:
    """Every page of the plan (or those named in ``only``) against its floor. A page whose
    ratio exceeds ``profile_over`` gets a profile. The value is the worst ratio; met when every
    page is within ``TARGET``."""
    found = [p for p in pages() if only is None or p.name in only]
    if not found:
        raise RuntimeError("no page of the load test's plan found in this database")
    static_ready()
    load_start = os.getloadavg()[0]
    server = InProcess()
    for page in found:  # a first pass compiles every template and imports every view
        server.after(page, server.request(page)())
    healthz = healthz_cpu(repeat * 4)
    healthz_call = InProcess().request(Page("/healthz", "/healthz"))
    rows = []
    for page in found:
        row = measure(server, page, healthz_call, repeat)
        # Profiled at once, in the state it was measured in (a cached page still warm).
        if row.get("ratio") is not None and row["ratio"] > profile_over:
            row["profile"], response = profile(server.request(page))
            server.after(page, response)
        rows.append(row)
    measured = [r for r in rows if r.get("ratio") is not None]
    worst = max((r["ratio"] for r in measured), default=0.0)
    over = [r for r in measured if r["ratio"] > TARGET]
    large = [r for r in rows if r.get("bytes", 0) > HTML_LIMIT]
    failed = [r for r in rows if "error" in r]
    note = (
        f"{len(measured)} pages, median of {repeat}; /healthz {healthz * 1000:.1f} ms of CPU; "
        f"{len(over)} over {TARGET}× their floor"
        + (f" ({', '.join(r['page'] for r in over)})" if over else "")
        + f"; {len(large)} over {HTML_LIMIT // 1000} KB of HTML"
        + (f"; failed: {', '.join(r['page'] + ' ' + r['error'] for r in failed)}" if failed else "")
    )
    return {
        "name": "page_floor",
        "value": round(worst, 3),
        "unit": "× floor (worst page)",
        "target": TARGET,
        "met": not over and not failed,
        "note": note,
        "pages": rows,
        "healthz_ms": round(healthz * 1000, 3),
        "load_average": [round(load_start, 2), round(os.getloadavg()[0], 2)],
    }


# --- the report -------------------------------------------------------------------------------


def _f(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _load_text(result: dict[str, Any]) -> str:
    if not result.get("load_average"):
        return ""
    start, end = result["load_average"]
    return f" Machine load average (1 min) {start} at the start, {end} at the end."


def markdown(result: dict[str, Any]) -> str:
    """The section of bench/results/latest.md: a row per page, then the profiles."""
    from bench.load.plan import KEY_PAGES

    lines = [
        "## Page cost against its floor",
        "",
        "In one process on the loaded database, through Django's test client, signed in as the "
        "load test's first person of each scenario; CPU milliseconds, medians of "
        "repeated requests. Cost = the page's CPU + its SQL replayed; floor = `/healthz` "
        f"({_f(result.get('healthz_ms'), 2)} ms) + rendering its template with the context "
        "already built + the same SQL replayed. Cold = the cost of the first request after "
        "clearing the cache (cached pages only; its queries in brackets). Method in "
        "bench/README.md." + _load_text(result),
        "",
        "| page | queries | HTML KB | page ms | SQL ms | render ms | cost ms | floor ms | "
        "× floor | cold ms |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in result.get("pages", []):
        name = f"`{r['page']}`" + (" (key)" if r["page"] in KEY_PAGES else "")
        size = r.get("bytes", 0)
        size_text = f"{size / 1000:.{0 if size >= 10_000 else 1}f}" + (
            " ⚠" if size > HTML_LIMIT else ""
        )
        if "error" in r:
            lines.append(
                f"| {name} | {r.get('queries', '—')} | {size_text} | *{r['error']}* | | | | | | |"
            )
            continue
        ratio = r.get("ratio")
        flag = " ⚠" if ratio is not None and ratio > TARGET else ""
        cold = _f(r.get("cold_ms"))
        if "cold_queries" in r:
            cold += f" ({r['cold_queries']})"
        lines.append(
            f"| {name} | {r['queries']} | {size_text} | {_f(r['page_ms'])} | {_f(r['sql_ms'])} "
            f"| {_f(r['render_ms'])} | {_f(r['cost_ms'])} | {_f(r['floor_ms'])} "
            f"| {_f(ratio, 2)}{flag} | {cold} |"
        )
    lines += [
        "",
        f"Targets: each page's cost at most {TARGET}× its floor; no page over "
        f"{HTML_LIMIT // 1000} KB of HTML.",
    ]
    large = [r for r in result.get("pages", []) if r.get("bytes", 0) > HTML_LIMIT]
    if large:
        lines += ["", "Pages over the HTML size limit:"]
        lines += [f"- `{r['page']}`: {r['bytes'] / 1000:.0f} KB" for r in large]
    profiled = [r for r in result.get("pages", []) if r.get("profile")]
    for r in profiled:
        lines += [
            "",
            f"Profile of `{r['page']}` ({_f(r['ratio'], 2)}× its floor; one request under "
            "cProfile):",
            "",
            "```",
            r["profile"],
            "```",
        ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    # Medians of 15: on two shared cores a median of 5 moved a page's ratio by 0.1 between runs.
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--only", action="append", help="a page name (repeatable)")
    parser.add_argument("--json", help="write the figures to this file")
    parser.add_argument("--out", help="write the markdown section to this file")
    args = parser.parse_args(argv)
    if not 1 <= args.repeat <= 50:
        parser.error("--repeat from 1 to 50")
    # Static files are collected (production names them from the manifest) into a directory
    # of this run's own.
    os.environ.setdefault("LAYAK_VAR_DIR", tempfile.mkdtemp(prefix="layak-pages-var."))
    from bench.load.plan import setup_django

    setup_django(args.database_url)
    result = page_floor(repeat=args.repeat, only=args.only)
    text = markdown(result)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    if args.out:
        Path(args.out).write_text(text)
    return 0 if result["met"] else 1


if __name__ == "__main__":
    sys.exit(main())
