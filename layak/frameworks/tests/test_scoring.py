"""Scoring rules: points per answer, bands, predicates and gates (unit and property tests)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal as D
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from layak.frameworks.scoring import (
    apply_gates,
    band_points,
    is_answered,
    points_for,
    predicate_for,
    table_ratio,
    table_totals,
)


@dataclass
class Opt:
    pk: int
    points: D


@dataclass
class Band:
    lower: D | None
    upper: D | None
    points: D


@dataclass
class Q:
    kind: str
    max_points: D
    table_spec: dict[str, Any]


@dataclass
class PBand:
    code: str
    name: str
    min_score: D
    max_score: D
    rank: int


BANDS = [
    PBand("NONE", "none", D(0), D(499), 0),
    PBand("PRATAMA", "Pratama", D(500), D(600), 1),
    PBand("MADYA", "Madya", D(601), D(700), 2),
    PBand("NINDYA", "Nindya", D(701), D(800), 3),
    PBand("UTAMA", "Utama", D(801), D(900), 4),
    PBand("KLA", "KLA", D(901), D(1000), 5),
]
PERCENT_BANDS = [Band(D(90), None, D(10)), Band(D(50), D(90), D(5)), Band(None, D(50), D(0))]


@pytest.mark.parametrize(
    ("total", "code"),
    [
        (0, "NONE"),
        (499, "NONE"),
        (D("499.99"), "NONE"),
        (500, "PRATAMA"),
        (600, "PRATAMA"),
        (D("600.5"), "PRATAMA"),
        (601, "MADYA"),
        (700, "MADYA"),
        (701, "NINDYA"),
        (800, "NINDYA"),
        (801, "UTAMA"),
        (900, "UTAMA"),
        (901, "KLA"),
        (1000, "KLA"),
    ],
)
def test_predicate_bands_at_their_edges(total, code):
    assert predicate_for(D(total), BANDS).code == code


def test_a_failed_gate_caps_the_predicate_and_says_why():
    utama = BANDS[4]
    result = apply_gates(BANDS[5], BANDS, [(utama, "Larangan iklan rokok")])
    assert result.band.code == "UTAMA" and result.capped_by == ("Larangan iklan rokok",)
    # A gate above the reached band changes nothing.
    result = apply_gates(BANDS[2], BANDS, [(utama, "Larangan iklan rokok")])
    assert result.band.code == "MADYA" and result.capped_by == ()


@pytest.mark.parametrize(
    ("value", "points"),
    [(D(100), 10), (D(90), 10), (D("89.99"), 5), (D(50), 5), (D("49.9"), 0), (D(0), 0)],
)
def test_score_bands_include_lower_and_exclude_upper(value, points):
    assert band_points(value, PERCENT_BANDS) == points


def test_points_for_each_kind():
    opts = [Opt(1, D(10)), Opt(2, D(4)), Opt(3, D(0))]
    assert points_for(Q("single", D(10), {}), {"option": "2"}, options=opts, bands=[]) == 4
    assert points_for(Q("single", D(10), {}), {"option": "99"}, options=opts, bands=[]) == 0
    assert (
        points_for(Q("multiple", D(12), {}), {"options": ["1", "2"]}, options=opts, bands=[]) == 12
    )
    assert (
        points_for(Q("percentage", D(10), {}), {"number": "91"}, options=[], bands=PERCENT_BANDS)
        == 10
    )
    assert (
        points_for(Q("number", D(10), {}), {"number": "abc"}, options=[], bands=PERCENT_BANDS) == 0
    )
    assert points_for(Q("evidence", D(7), {}), {}, options=[], bands=[], evidence_count=1) == 7
    assert points_for(Q("evidence", D(7), {}), {}, options=[], bands=[], evidence_count=0) == 0
    assert points_for(Q("text", D(0), {}), {"text": "x"}, options=[], bands=[]) == 0


def test_table_totals_and_ratio():
    spec = {"rows": ["a", "b"], "columns": ["n", "d"], "ratio": ["n", "d"]}
    cells = {"a|n": "40", "a|d": "50", "b|n": "50", "b|d": "50"}
    assert table_totals(spec, cells) == {"n": 90, "d": 100}
    assert table_ratio(spec, cells) == 90
    assert table_ratio(spec, {}) is None  # no denominator: no ratio, no points
    assert (
        points_for(Q("table", D(10), spec), {"cells": cells}, options=[], bands=PERCENT_BANDS) == 10
    )


def test_is_answered():
    assert not is_answered(Q("single", D(1), {}), {})
    assert is_answered(Q("single", D(1), {}), {"option": "1"})
    assert not is_answered(Q("percentage", D(1), {}), {"number": ""})
    assert is_answered(Q("table", D(1), {}), {"cells": {"a|b": "0"}})
    assert not is_answered(Q("text", D(1), {}), {"text": "  "})
    assert is_answered(Q("evidence", D(1), {}), {}, evidence_count=1)


@given(
    number=st.decimals(
        min_value=-1000, max_value=1000, allow_nan=False, allow_infinity=False, places=2
    ),
    max_points=st.decimals(min_value=0, max_value=100, places=2),
)
def test_points_never_exceed_the_maximum_nor_fall_below_zero(number, max_points):
    bands = [Band(None, D(0), D(-5)), Band(D(0), None, D(500))]
    points = points_for(
        Q("number", max_points, {}), {"number": str(number)}, options=[], bands=bands
    )
    assert D(0) <= points <= max_points


@given(
    st.decimals(min_value=0, max_value=1000, places=2),
    st.decimals(min_value=0, max_value=1000, places=2),
)
def test_a_higher_total_never_earns_a_lower_predicate(a, b):
    low, high = sorted([a, b])
    assert predicate_for(low, BANDS).rank <= predicate_for(high, BANDS).rank
