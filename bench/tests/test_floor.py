"""The pages benchmark (each page's CPU cost against its floor, cold and warm) on the tiny
generated dataset, and the load test's way of clearing the server's caches."""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection

from bench.load.plan import KEY_PAGES
from bench.micro import floor
from bench.tests.conftest import ON_POSTGRESQL

pytestmark = ON_POSTGRESQL


def test_every_page_is_measured_against_its_floor(dataset: dict[str, Any]) -> None:
    """One dataset for both (generating it is most of the time)."""
    the_floor_renders_the_page_itself()
    each_page_against_its_floor()


def the_floor_renders_the_page_itself() -> None:
    """The captured template and context give the page's own HTML back, and its SQL replays
    on the connection."""
    found = {p.name: p for p in floor.pages()}
    server = floor.InProcess()
    for name in ("district /evaluation/assessments/[id]/", "national /dashboards/national/"):
        call = server.request(found[name])
        call()
        with floor.capture() as got:
            response = call()
        assert response.status_code == 200, name
        assert got.template is not None
        assert got.queries
        assert floor.render_again(got)() == floor.body(response).decode(), name
        assert floor.replay(got.queries) > 0


def each_page_against_its_floor() -> None:
    from layak.evaluation.models import AnswerRevision

    revisions = AnswerRevision.objects.count()
    result = floor.page_floor(repeat=1, profile_over=0.0)
    rows = {r["page"]: r for r in result["pages"]}
    # Every key page but a district's public page: the generated data publishes none.
    assert set(KEY_PAGES) - {"public /public/districts/[code]/"} <= set(rows)
    for name, r in rows.items():
        assert "error" not in r, (name, r.get("error"))
        assert r["status"] == 200
        assert r["queries"] > 0 and r["bytes"] > 0
        assert r["healthz_ms"] > 0 and r["sql_ms"] > 0
        assert r["cost_ms"] == pytest.approx(r["page_ms"] + r["sql_ms"])
        assert r["floor_ms"] == pytest.approx(r["healthz_ms"] + r["render_ms"] + r["sql_ms"])
        assert r["ratio"] == pytest.approx(r["cost_ms"] / r["floor_ms"])
        # Profiled (every page is over a threshold of 0): the application's own functions.
        assert "layak/" in r["profile"]
        # Cached pages have a cold figure, the others none.
        cached = r["url"].startswith(floor.CACHED) or r["url"].endswith("/scores")
        assert ("cold_ms" in r) == cached, name
    # The dashboards' figures (and the API's scores) come from the cache when warm: the cold
    # request computes them.
    for name in (
        "district /dashboards/district/",
        "national /dashboards/national/",
        "api /api/v1/assessments/[id]/scores",
    ):
        assert rows[name]["cold_queries"] > rows[name]["queries"], name
    assert rows["district /dashboards/district/"]["template"] == "dashboards/district.html"
    assert rows["district /dashboards/district/"]["render_ms"] > 0
    assert rows["api /api/v1/assessments/[id]/answers"]["template"] == ""
    # Every save through the form was stored once: the replays were rolled back.
    save = rows["office POST /evaluation/answers/[id]/save/"]
    assert save["queries"] > 0
    # First pass, the request that fills the caches again, capture, one timed, the profile.
    saves = 1 + 1 + 1 + 1 + 1
    assert AnswerRevision.objects.count() == revisions + saves
    assert result["value"] == pytest.approx(max(r["ratio"] for r in rows.values()), abs=1e-3)
    assert result["met"] == all(r["ratio"] <= floor.TARGET for r in rows.values())

    text = floor.markdown(result)
    for name in rows:
        assert f"`{name}`" in text
    assert "Profile of `district /dashboards/district/`" in text


def test_markdown_flags_large_pages_and_pages_over_their_floor() -> None:
    row = {
        "page": "district /dashboards/district/",
        "url": "/dashboards/district/",
        "status": 200,
        "bytes": 250_000,
        "queries": 12,
        "page_ms": 30.0,
        "sql_ms": 10.0,
        "render_ms": 5.0,
        "healthz_ms": 1.0,
        "cost_ms": 40.0,
        "floor_ms": 16.0,
        "ratio": 2.5,
        "cold_ms": 80.0,
        "cold_queries": 30,
        "profile": "layak/dashboards/views.py:1(district)",
    }
    text = floor.markdown({"pages": [row], "healthz_ms": 1.0})
    assert "| `district /dashboards/district/` (key) | 12 | 250 ⚠ |" in text
    assert "| 2.50 ⚠ | 80.0 (30) |" in text
    assert "- `district /dashboards/district/`: 250 KB" in text
    assert "layak/dashboards/views.py:1(district)" in text


def _database_url() -> str:
    db = connection.settings_dict
    host = urllib.parse.quote(db["HOST"] or "", safe="")
    port = f":{db['PORT']}" if db["PORT"] else ""
    return f"postgres://{db['USER']}@{host}{port}/{db['NAME']}"


def test_the_load_test_clears_the_servers_shared_caches(tmp_path: Path) -> None:
    from bench.load.server import Server, production_env

    url = _database_url()
    env = production_env(url, tmp_path)
    server = Server(database_url=url, workers=1, var_dir=tmp_path, env=env)
    shared = [
        alias
        for alias in settings.CACHES
        if type(caches[alias]).__name__ not in ("LocMemCache", "DummyCache")
    ]
    if not shared:
        pytest.skip("every configured cache lives in each process's memory")
    for alias in shared:
        caches[alias].set("bench-cold", "warm", 600)
        assert caches[alias].get("bench-cold") == "warm"
    how = server.clear_cache()
    assert how.startswith("cleared " + ", ".join(shared))
    for alias in shared:
        assert caches[alias].get("bench-cold") is None
