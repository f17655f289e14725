"""Scoring rules: the points one answer earns, and the predicate a total earns.

Answer values are JSON objects by question kind:
single/yes_no ``{"option": id}``; multiple ``{"options": [id, …]}``; number/percentage
``{"number": "12.5"}``; table ``{"cells": {"row|column": "123"}}``; text ``{"text": "…"}``;
evidence-only questions earn their points when at least one document is attached.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

ZERO = Decimal(0)
# The kinds of question whose points come from their options, and from their score bands:
# a question of any other kind is scored without reading them.
OPTION_KINDS = frozenset({"single", "yes_no", "multiple"})
BAND_KINDS = frozenset({"number", "percentage", "table"})


class _Option(Protocol):
    pk: Any
    points: Decimal


class _Band(Protocol):
    lower: Decimal | None
    upper: Decimal | None
    points: Decimal


class _Question(Protocol):
    kind: str
    max_points: Decimal
    table_spec: dict[str, Any]


def to_decimal(raw: Any) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except InvalidOperation:
        return None
    if not value.is_finite():
        return None
    # A sane size: huge exponents would overflow arithmetic or bloat storage.
    if value != 0 and not -12 <= value.adjusted() <= 15:
        return None
    return value


def band_points(value: Decimal, bands: Iterable[_Band]) -> Decimal:
    """Points of the first band holding ``value`` (lower ≤ value < upper; open ends allowed)."""
    for band in bands:
        if (band.lower is None or value >= band.lower) and (
            band.upper is None or value < band.upper
        ):
            return band.points
    return ZERO


def table_totals(spec: Mapping[str, Any], cells: Mapping[str, Any]) -> dict[str, Decimal]:
    """Column totals of a disaggregated table (blank cells count as zero)."""
    totals: dict[str, Decimal] = {}
    for column in spec.get("columns", []):
        total = ZERO
        for row in spec.get("rows", []):
            total += to_decimal(cells.get(f"{row}|{column}")) or ZERO
        totals[column] = total
    return totals


def table_ratio(spec: Mapping[str, Any], cells: Mapping[str, Any]) -> Decimal | None:
    """numerator total / denominator total × 100, when the table has a ratio."""
    ratio = spec.get("ratio") or []
    if len(ratio) != 2:
        return None
    totals = table_totals(spec, cells)
    denominator = totals.get(ratio[1], ZERO)
    if denominator <= 0:
        return None
    return totals.get(ratio[0], ZERO) * 100 / denominator


def points_for(
    question: _Question,
    value: Mapping[str, Any] | None,
    *,
    options: Sequence[_Option],
    bands: Sequence[_Band],
    evidence_count: int = 0,
) -> Decimal:
    """The points an answer earns, never more than the question's maximum nor below zero."""
    value = value or {}
    kind = question.kind
    points = ZERO
    if kind in ("single", "yes_no"):
        chosen = value.get("option")
        points = next((o.points for o in options if str(o.pk) == str(chosen)), ZERO)
    elif kind == "multiple":
        chosen = {str(v) for v in value.get("options", [])}
        points = sum((o.points for o in options if str(o.pk) in chosen), ZERO)
    elif kind in ("number", "percentage"):
        number = to_decimal(value.get("number"))
        points = band_points(number, bands) if number is not None else ZERO
    elif kind == "table":
        ratio = table_ratio(question.table_spec, value.get("cells", {}))
        points = band_points(ratio, bands) if ratio is not None else ZERO
    elif kind == "evidence":
        points = question.max_points if evidence_count > 0 else ZERO
    return max(ZERO, min(points, question.max_points))


def is_answered(
    question: _Question, value: Mapping[str, Any] | None, evidence_count: int = 0
) -> bool:
    """Whether the answer says something (the workflow refuses to submit an empty answer)."""
    value = value or {}
    kind = question.kind
    if kind in ("single", "yes_no"):
        return bool(value.get("option"))
    if kind == "multiple":
        return bool(value.get("options"))
    if kind in ("number", "percentage"):
        return to_decimal(value.get("number")) is not None
    if kind == "table":
        cells = value.get("cells", {})
        return any(to_decimal(v) is not None for v in cells.values())
    if kind == "text":
        return bool(str(value.get("text", "")).strip())
    return evidence_count > 0


class _PredicateBand(Protocol):
    code: str
    name: str
    min_score: Decimal
    max_score: Decimal
    rank: int


@dataclass(frozen=True)
class Predicate:
    band: Any  # the PredicateBand reached, or None when no band holds the total
    capped_by: tuple[str, ...] = ()  # why a gate lowered it

    @property
    def name(self) -> str:
        # In the reader's language where the band has an English name.
        return str(getattr(self.band, "display_name", self.band.name)) if self.band else ""


def predicate_for(total: Decimal, bands: Sequence[_PredicateBand]) -> Any:
    """The band whose inclusive range holds ``total`` (scores between bands, e.g. 600.5,
    belong to the lower band: a band is reached only by reaching its minimum)."""
    best = None
    for band in sorted(bands, key=lambda b: b.min_score):
        if total >= band.min_score:
            best = band
    return best


def apply_gates(
    band: Any, bands: Sequence[_PredicateBand], failed_gates: Iterable[tuple[Any, str]]
) -> Predicate:
    """Cap ``band`` at each failed gate's maximum band; ``failed_gates`` are (cap band, reason)."""
    capped: list[str] = []
    for cap, reason in failed_gates:
        if band is not None and cap is not None and band.rank > cap.rank:
            band = cap
            capped.append(reason)
    return Predicate(band, tuple(capped))
