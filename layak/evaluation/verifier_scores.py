"""The scores page's tables (every stage's scores side by side), drawn once per data version.

The tables show only the assessment's data as the reader may see it, so they are kept drawn
(``listing.kept``: the assessment, the reader's language and grants, the district's data stamp)
and a new score, reason or verification shows at once. Drawing them prepares each item's row
in Python: at KLA 2024's 274 questions and five stages, the template's per-cell filters were
most of the page's cost.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.db.models import FilteredRelation, Q
from django.template.defaultfilters import truncatechars
from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from layak.accounts.models import User
from layak.authz import Action
from layak.core.numbers import format_points
from layak.dashboards import cache as dashboard_cache
from layak.evaluation import listing, verification
from layak.evaluation.models import Answer, Assessment, Stage
from layak.evaluation.scores import results_at
from layak.frameworks.models import Group, bilingual

NONE = "—"


def tables(user: User, assessment: Assessment) -> SafeString:
    """The page's tables drawn, kept until the district's data changes (one query, the stamp,
    when kept)."""
    kept = listing.kept(
        assessment,
        ("scores", dashboard_cache.scope(user)),
        lambda: {"tables": draw(user, assessment)},
    )
    drawn: SafeString = kept["tables"]
    return drawn


def _points(value: object) -> str:
    return format_points(value if isinstance(value, Decimal | int | float) else None)


def _stage_scores(
    answers: Any, stages: list[str]
) -> Iterator[tuple[tuple[Any, ...], list[tuple[Decimal, str] | None]]]:
    """The answers' question and indicator columns in the instrument's order, each with its
    points and reason at each of ``stages`` joined (at most one a stage): one query, no model
    instances."""
    joins = {f"at_{s}": FilteredRelation("scores", condition=Q(scores__stage=s)) for s in stages}
    columns = [f"at_{s}__{part}" for s in stages for part in ("pk", "points", "reason")]
    fields = (
        "question__code",
        "question__max_points",
        "question__indicator_id",
        "question__indicator__code",
        "question__indicator__name",
        "question__indicator__name_en",
        "question__indicator__max_points",
    )
    width = len(fields)
    for row in (
        answers.annotate(**joins)
        .order_by(
            "question__indicator__group__order", "question__indicator__order", "question__order"
        )
        .values_list(*fields, *columns)
    ):
        cells: list[tuple[Decimal, str] | None] = []
        for n in range(len(stages)):
            score_pk, points, reason = row[width + 3 * n : width + 3 * n + 3]
            cells.append(None if score_pk is None else (points, reason))
        yield row[:width], cells


def _item_row(
    code: str, max_points: Decimal, cells: list[tuple[Decimal, str] | None], reached: int
) -> str:
    """An item's points and reasons per stage. At a stage the totals have reached where the
    item is not scored yet, its points from the stage before stand in brackets: they are what
    the indicator's subtotal and the total count there."""
    values = {c[0] for c in cells if c is not None}
    drawn = []
    earlier: Decimal | None = None
    for n, cell in enumerate(cells):
        if cell is None:
            if 0 < n <= reached and earlier is not None:
                carried = _("Not scored at this stage yet: its points from the stage before count")
                drawn.append(
                    f'<td class="num carried" title="{escape(carried)}"><span class="muted">('
                    f"{_points(earlier)})</span></td>"
                )
            else:
                drawn.append(f'<td class="num">{NONE}</td>')
            continue
        earlier = cell[0]
        points, reason = cell
        why = (
            f'<br><span class="muted reason" title="{escape(reason)}">'
            f"{escape(truncatechars(reason, 60))}</span>"
            if reason
            else ""
        )
        drawn.append(f'<td class="num">{_points(points)}{why}</td>')
    differs = ' class="differs"' if len(values) > 1 else ""
    return (
        f'\n    \n    <tr{differs}><td>{escape(code)} <span class="muted">/ {_points(max_points)}'
        f"</span></td>\n      {''.join(drawn)}</tr>\n    \n  "
    )


def _subtotal_row(code: str, name: str, maximum: object, sums: list[Decimal | None]) -> str:
    drawn = "".join(
        f'<td class="num"><strong>{_points(s) if s is not None else NONE}</strong></td>'
        for s in sums
    )
    return (
        f'\n    \n    <tr class="subtotal"><th scope="row">{escape(code)} '
        f'{escape(truncatechars(name, 60))} <span class="muted">/ {_points(maximum)}</span></th>'
        f"\n      {drawn}</tr>\n    \n  "
    )


def draw(user: User, assessment: Assessment) -> SafeString:
    """Totals, predicate, progress and group points per stage, then every indicator's subtotal
    and item's points and reason per stage, drawn in the reader's language."""
    stages = Stage.order_for(verification.level_of(assessment))
    # Every stage's result in one computation; shown up to the furthest stage that has scored
    # anything (later ones have no result yet).
    found = results_at(assessment.cycle, [assessment.pk], stages)
    at = {k: found[k].get(assessment.pk) for k in stages}
    reached = max(
        (n for n, k in enumerate(stages) if n and (r := at[k]) is not None and r.done),
        default=0,
    )
    per_stage = [at[k] if n <= reached else None for n, k in enumerate(stages)]
    # Each item's code, maximum, indicator and scores as a row (one query). An indicator's
    # subtotal at a stage is its points as they stand there (items not scored at that stage
    # keep their earlier points), capped at its maximum: the rule of the totals.
    rows: list[str] = []
    subtotals: dict[str, list[Decimal | None]] = {}
    indicator: list[Any] | None = None  # id, code, name, own maximum, items' maxima summed

    def close() -> None:
        if indicator is None:
            return
        pk, code, name, own, summed, at_row = indicator
        sums = [r.by_indicator.get(pk) if r is not None else None for r in per_stage]
        subtotals[code] = sums
        rows[at_row] = _subtotal_row(code, name, own if own is not None else summed, sums)

    for (code, max_points, pk, i_code, name, name_en, own), cells in _stage_scores(
        Answer.objects.for_user(user, Action.VIEW).filter(assessment=assessment), stages
    ):
        if indicator is None or indicator[0] != pk:
            close()
            indicator = [pk, i_code, bilingual(name, name_en), own, 0, len(rows)]
            rows.append("")
        indicator[4] += max_points
        rows.append(_item_row(code, max_points, cells, reached))
    close()
    groups = Group.objects.filter(version_id=assessment.cycle.instrument_id).order_by("order")
    group_rows = [(g, [(r.by_group.get(g.code) if r else None) for r in per_stage]) for g in groups]
    return render_to_string(
        "evaluation/_verifier_scores.html",
        {
            "stages": [Stage.Kind(k).label for k in stages],
            "totals": per_stage,
            "group_rows": group_rows,
            "rows": [mark_safe(r) for r in rows],  # noqa: S308 - drawn above, text escaped
            "subtotals": subtotals,
        },
    )
