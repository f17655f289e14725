from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from layak.testing import Personas, ensure_regions, make_personas

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# around it are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


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
