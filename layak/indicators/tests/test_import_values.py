"""An import checks each value against its element's bounds, also the whole numbers written as
digits alone that most files hold (``actions.import_rows`` passes those without reading them
again when the element allows any whole number)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from layak.indicators import actions
from layak.indicators.tests.helpers import definitions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English."""


@pytest.fixture
def defs(personas):
    return definitions()


def check(actor, *values: str) -> list[tuple[int, str]]:
    rows = [
        {"element": "births", "region": "32.16", "period": "2024", "value": v, "comment": str(i)}
        for i, v in enumerate(values)
    ]
    result = actions.import_rows(
        actor=actor, rows=rows, mode=actions.Mode.ROW_BY_ROW, dry_run=True, first_row=1
    )
    assert result.created + len(result.errors) == len(values)
    return [(p.row, p.message) for p in result.errors]


def test_digits_are_checked_against_the_bounds(personas, defs):
    admin = personas.bekasi_admin
    births = defs["births"]
    assert check(admin, "999999999999999") == []
    assert check(admin, "1000000000000000") == [(1, "The value is too large.")]
    assert check(admin, "0000000000000007") == []
    births.min_value = D(5)
    births.save()
    assert check(admin, "4") == [(1, "The value must be at least 5.")]
    assert check(admin, "5") == []
    births.min_value = D(-10)
    births.max_value = D(100)
    births.save()
    assert check(admin, "-3") == []
    assert check(admin, "101") == [(1, "The value must be at most 100.")]
    births.max_value = None
    births.save()
    assert check(admin, "101") == []
