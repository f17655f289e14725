from __future__ import annotations

import os

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
