from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from layak.testing import Personas, ensure_regions, make_personas

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "unverified_login: client.force_login leaves the session before the two-factor code step",
    )


@pytest.fixture(autouse=True)
def _verified_force_login(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """``client.force_login(user)`` gives a session past the code step, as if the person had
    typed their authenticator's code (one is made for roles that require it). Tests about the
    code step itself opt out with ``@pytest.mark.unverified_login`` or sign in with the form."""
    if request.node.get_closest_marker("unverified_login"):
        return
    from django.test import Client

    from layak.testing import verify_session

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        verify_session(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture
def regions(db: None) -> None:
    ensure_regions()


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest) -> Iterator[None]:
    """Keep the audit log's append-only triggers in place for every database test.

    A transactional test's teardown empties every table; on SQLite that is a DELETE, which the
    trigger refuses, so the trigger is lifted just before that flush and put back for the next
    test. (PostgreSQL flushes with TRUNCATE, which row triggers do not see.)"""
    marker = request.node.get_closest_marker("django_db")
    if marker is None:
        yield
        return
    transactional = bool(marker.kwargs.get("transaction")) or (
        "transactional_db" in request.fixturenames or "live_server" in request.fixturenames
    )
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.db import connection

    from layak.audit import triggers

    triggers.install(connection)
    yield
    if transactional and connection.vendor == "sqlite":
        triggers.remove(connection)


@pytest.fixture
def evaluation(personas: Personas):
    from layak.testing import make_cycle

    return make_cycle(personas)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Uploaded files of tests go to a temporary folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _one_rate_minute(monkeypatch: pytest.MonkeyPatch) -> None:
    """The API's rate limit counts per clock minute and clears a credential's older minutes on
    its first request of a new one: one more query. A test keeps the minute it started in, so
    a test counting queries does not see that query when it happens to cross a minute."""
    import time
    import types

    started = time.time()
    monkeypatch.setattr("layak.api.ratelimit.time", types.SimpleNamespace(time=lambda: started))


@pytest.fixture
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Messages and pages in English, for tests that read them (whatever the language the
    signed-in persona chose)."""
    from django.utils import translation

    monkeypatch.setattr("layak.accounts.middleware.language_for", lambda request: "en")
    with translation.override("en"):
        yield


# ---- browser tests (Playwright driving Debian's chromium) ---------------------------------

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    context = browser.new_context(base_url=live_server.url, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture(autouse=True)
def _fresh_cache(request: pytest.FixtureRequest) -> Iterator[None]:
    """Rate-limit counters and other cached values never leak from one test into another: the
    pages each process keeps in memory too, and the store the processes share (a rolled-back
    test may give the next one the same ids and data stamp; a transactional test's flush leaves
    the shared store's table as it is). The shared store is a database table: it is emptied
    for a test that uses the database, before and after it."""
    from django.core.cache import cache

    from layak.core import actions_list
    from layak.dashboards import cache as dashboards_cache
    from layak.evaluation import gaps, listing
    from layak.evaluation.views import my_items

    marker = request.node.get_closest_marker("django_db")
    names = set(request.fixturenames)
    shared = marker is not None or bool(names & {"db", "transactional_db", "live_server"})
    if shared:
        transactional = (marker is not None and bool(marker.kwargs.get("transaction"))) or bool(
            names & {"transactional_db", "live_server"}
        )
        request.getfixturevalue("transactional_db" if transactional else "db")

    def forget() -> None:
        cache.clear()
        dashboards_cache.forget_local()
        listing.forget(shared=False)
        gaps.forget(shared=False)
        actions_list.forget(shared=False)
        my_items.forget()
        if shared:
            listing.forget_shared()

    forget()
    yield
    forget()
