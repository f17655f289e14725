"""The national dashboard's figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Avg,
    Count,
    F,
    Q,
    QuerySet,
)
from django.urls import reverse
from django.utils.translation import gettext as _

from layak.core.numbers import to_cents
from layak.dashboards.charts import Column, Table
from layak.dashboards.figures._common import (
    _percent,
    _status_counts,
    cycles,
)
from layak.evaluation.models import Answer, Assessment, Cycle
from layak.frameworks.models import PredicateBand, bilingual, in_language
from layak.regions.models import Region
from layak.workflow import COLOURS, Status

# ---- national ----------------------------------------------------------------------------


@dataclass
class National:
    cycles: list[Cycle]
    cycle: Cycle | None
    current: Cycle | None
    districts: int
    tables: list[Table] = field(default_factory=list)


def national(cycle: Cycle | None) -> National:
    """All regencies and cities: predicates per cycle, trends, the current cycle's progress by
    province. The ranking is ``ranking`` (paginated). Seven queries."""
    every = list(cycles())
    current = every[-1] if every else None
    determined_cycles = set(
        Assessment.objects.filter(cycle_id__in=[c.pk for c in every], determined_at__isnull=False)
        .values_list("cycle_id", flat=True)
        .distinct()
    )
    if cycle is None:
        cycle = next((c for c in reversed(every) if c.pk in determined_cycles), current)
    total = Region.objects.filter(level=Region.Level.REGENCY, is_active=True).count()
    out = National(every, cycle, current, total)
    out.tables += _distribution(every, total)
    if current is not None:
        out.tables += _by_province(current)
    return out


def _distribution(every: list[Cycle], total: int) -> list[Table]:
    # Predicates exist only on frameworks with points: a criteria-only cycle is not counted.
    every = [c for c in every if c.instrument.framework.has_points]
    ids = [c.pk for c in every]
    counts = (
        Assessment.objects.filter(cycle_id__in=ids, determined_at__isnull=False)
        .values(
            "cycle_id",
            "final_band__code",
            "final_band__name",
            "final_band__name_en",
            "final_band__rank",
        )
        .annotate(n=Count("pk"))
    )
    taking: dict[int, Any] = {
        r["cycle_id"]: r
        for r in Assessment.objects.filter(cycle_id__in=ids)
        .values("cycle_id")
        .annotate(
            n=Count("pk"),
            determined=Count("pk", filter=Q(determined_at__isnull=False)),
            holding=Count("pk", filter=Q(final_band__rank__gt=0)),
            average=Avg("final_total", filter=Q(determined_at__isnull=False)),
        )
    }
    bands: dict[str, tuple[int, str]] = {}
    found: dict[tuple[int, str], int] = {}
    for r in counts:
        code = r["final_band__code"] or "NONE"
        if r["final_band__rank"]:
            name = bilingual(r["final_band__name"], r["final_band__name_en"])
            bands.setdefault(code, (r["final_band__rank"], name))
        found[(r["cycle_id"], code)] = found.get((r["cycle_id"], code), 0) + r["n"]
    order = sorted(bands, key=lambda c: -bands[c][0])
    columns = [Column(_("Cycle"), numeric=False)] + [Column(bands[c][1]) for c in order]
    columns += [
        Column(_("No predicate")),
        Column(_("Not determined yet")),
        Column(_("Not taking part")),
    ]
    rows: list[list[object]] = []
    trend_rows: list[list[object]] = []
    for c in every:
        t = taking.get(c.pk, {"n": 0, "determined": 0, "holding": 0, "average": None})
        with_band = [found.get((c.pk, code), 0) for code in order]
        rows.append(
            [
                c.name,
                *with_band,
                t["determined"] - t["holding"],
                t["n"] - t["determined"],
                max(total - t["n"], 0),
            ]
        )
        trend_rows.append(
            [
                c.name,
                t["n"],
                t["holding"],
                to_cents(t["average"]) if t["average"] is not None else None,
            ]
        )
    distribution = Table(
        "distribution",
        _("Regencies and cities by predicate per cycle"),
        columns,
        rows,
        chart="stacked",
        note=_("Out of %(n)s regencies and cities.") % {"n": total},
    )
    trends = Table(
        "trends",
        _("Trends over cycles"),
        [
            Column(_("Cycle"), numeric=False),
            Column(_("Taking part")),
            Column(_("Holding a predicate")),
            Column(_("Average determined score"), series=False, points=True),
        ],
        trend_rows,
        chart="lines",
    )
    return [distribution, trends]


def _by_province(current: Cycle) -> list[Table]:
    """The current cycle's districts and answers by province. Two queries."""
    districts: dict[str, Any] = {
        r["region__parent__code"]: r
        for r in Assessment.objects.filter(cycle=current)
        .values("region__parent__code", "region__parent__name")
        .annotate(
            n=Count("pk"),
            submitted=Count("pk", filter=Q(status=Assessment.Status.SUBMITTED)),
            determined=Count("pk", filter=Q(determined_at__isnull=False)),
        )
    }
    answers: dict[str, Any] = {
        r["assessment__region__parent__code"]: r
        for r in Answer.objects.filter(assessment__cycle=current)
        .values("assessment__region__parent__code")
        .annotate(total=Count("pk"), **_status_counts())
    }
    rows: list[list[object]] = []
    links: list[str | None] = []
    for code in sorted(districts):
        d = districts[code]
        a = answers.get(code, {})
        rows.append(
            [
                d["region__parent__name"],
                d["n"],
                d["submitted"],
                d["determined"],
                _percent(a.get(str(Status.ACCEPTED), 0), a.get("total")),
                _percent(a.get(str(Status.SUBMITTED), 0), a.get("total")),
                _percent(a.get(str(Status.RETURNED), 0), a.get("total")),
            ]
        )
        links.append(reverse("dashboards:province") + f"?region={code}&cycle={current.pk}")
    return [
        Table(
            "provinces",
            _("%(cycle)s: progress by province") % {"cycle": current.name},
            [
                Column(_("Province"), numeric=False),
                Column(_("Districts taking part"), series=False),
                Column(_("Submitted"), series=False),
                Column(_("Determined"), series=False),
                Column(_("Answers accepted (%)"), colour=COLOURS[Status.ACCEPTED]),
                Column(_("Answers submitted (%)"), colour=COLOURS[Status.SUBMITTED]),
                Column(_("Answers returned (%)"), colour=COLOURS[Status.RETURNED]),
            ],
            rows,
            chart="stacked",
            max_value=Decimal(100),
            links=links,
        )
    ]


def ranking(cycle: Cycle, province_code: str | None = None) -> QuerySet[Assessment]:
    """The cycle's determined districts, best first (ties by region code)."""
    rows = Assessment.objects.filter(cycle=cycle, determined_at__isnull=False)
    if province_code:
        rows = rows.filter(region__parent__code=province_code)
    return rows.select_related("region__parent", "final_band").order_by(
        F("final_total").desc(nulls_last=True), "region__code"
    )


def ranking_table(rows: list[Assessment], offset: int, cycle: Cycle) -> Table:
    return Table(
        "ranking",
        _("Ranking in %(cycle)s") % {"cycle": cycle.name},
        [
            Column(_("Rank"), series=False),
            Column(_("Regency/city"), numeric=False),
            Column(_("Province"), numeric=False),
            Column(_("Score"), series=False, points=True),
            Column(_("Predicate"), numeric=False),
        ],
        [
            [
                offset + i + 1,
                a.region.name,
                a.region.parent.name if a.region.parent else "",
                a.final_total,
                in_language(a.final_band)
                if a.final_band and a.final_band.rank
                else _("No predicate"),
            ]
            for i, a in enumerate(rows)
        ],
        chart="",
    )


def bands_of(cycle: Cycle) -> list[PredicateBand]:
    return list(PredicateBand.objects.filter(version_id=cycle.instrument_id).order_by("rank"))
