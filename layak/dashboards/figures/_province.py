"""The province dashboard's figures."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    OuterRef,
    Subquery,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from layak.dashboards import effective
from layak.dashboards.charts import Column, Table
from layak.dashboards.figures._common import (
    STAGES,
    _money,
    cycles,
)
from layak.evaluation import scores
from layak.evaluation.models import Assessment, Cycle, Stage
from layak.frameworks.models import bilingual, in_language
from layak.regions.models import Region

# ---- province ----------------------------------------------------------------------------


@dataclass
class Province:
    region: Region
    cycle: Cycle | None
    cycles: list[Cycle]
    provila: bool
    open_stage: str | None
    tables: list[Table] = field(default_factory=list)

    @property
    def open_stage_label(self) -> str:
        return str(dict(Stage.Kind.choices).get(self.open_stage, "")) if self.open_stage else ""


def open_stage(cycle: Cycle, now: datetime.datetime | None = None) -> str | None:
    """The stage whose window is open now, or None between or outside the windows."""
    now = now or timezone.now()
    for stage in cycle.stages.all():
        if stage.is_open(now):
            return str(stage.kind)
    return None


def next_change(
    cycle: Cycle | None, now: datetime.datetime | None = None
) -> datetime.datetime | None:
    """The next time a window of ``cycle`` opens or closes (the stage open now changes then),
    or None when none is ahead. Reads the cycle's stages as loaded."""
    if cycle is None:
        return None
    now = now or timezone.now()
    ahead = [t for s in cycle.stages.all() for t in (s.opens_at, s.closes_at) if t > now]
    return min(ahead, default=None)


def province(region: Region, cycle: Cycle | None) -> Province:
    """Every active regency and city of the province in ``cycle`` (the latest when None): its
    state, total per stage, predicate and change since its previous determined evaluation;
    and whether the province is a Provinsi Layak Anak. About fifteen queries, fixed."""
    from layak.evaluation import computed

    every = list(cycles().prefetch_related("stages"))
    if cycle is None and every:
        cycle = every[-1]
    if cycle is not None:
        cycle = next((c for c in every if c.pk == cycle.pk), cycle)
    statuses = computed.statuses(region, Region.Level.REGENCY)
    provila = bool(statuses) and all(s is not None for s in statuses.values())
    out = Province(region, cycle, every, provila, open_stage(cycle) if cycle else None)
    if cycle is None:
        return out
    if not cycle.instrument.framework.has_points:
        out.tables.append(_criteria_districts(region, cycle))
        return out
    current = Assessment.objects.filter(cycle=cycle, region=OuterRef("pk"))
    previous = Assessment.objects.filter(
        region=OuterRef("pk"),
        determined_at__isnull=False,
        cycle__instrument__framework__region_level=Region.Level.REGENCY,
        cycle__in=[c.pk for c in every if (c.opens, c.pk) < (cycle.opens, cycle.pk)],  # type: ignore[attr-defined]
    ).order_by("-determined_at")
    districts = list(
        Region.objects.below(region)
        .filter(level=Region.Level.REGENCY, is_active=True)
        .annotate(
            assessment_id=Subquery(current.values("pk")[:1]),
            status=Subquery(current.values("status")[:1]),
            determined=Subquery(current.values("determined_at")[:1]),
            final_total=Subquery(current.values("final_total")[:1]),
            final_band=Subquery(current.values("final_band__name")[:1]),
            final_band_en=Subquery(current.values("final_band__name_en")[:1]),
            final_rank=Subquery(current.values("final_band__rank")[:1]),
            prev_total=Subquery(previous.values("final_total")[:1]),
            prev_band=Subquery(previous.values("final_band__name")[:1]),
            prev_band_en=Subquery(previous.values("final_band__name_en")[:1]),
            prev_rank=Subquery(previous.values("final_band__rank")[:1]),
        )
        .order_by("code")
    )
    ids = [d.assessment_id for d in districts if d.assessment_id]  # type: ignore[attr-defined]
    covered = effective.coverage(ids)
    per_stage = effective.totals_by_stage(cycle, ids)
    latest: dict[int, tuple[str, Decimal]] = {}
    for assessment_id in ids:
        stage = effective.furthest(covered.get(assessment_id, {}))
        if stage is not None and assessment_id in per_stage[stage]:
            latest[assessment_id] = (stage, per_stage[stage][assessment_id])
    predicates = effective.predicates(cycle, latest)
    labels = dict(Stage.Kind.choices)
    columns = [
        Column(_("Regency/city"), numeric=False),
        Column(_("State"), numeric=False),
    ]
    columns += [Column(str(labels[s]), series=False, points=True) for s in STAGES]
    columns += [
        Column(_("Latest score"), points=True),
        Column(_("Predicate"), numeric=False),
        Column(_("Previous predicate"), numeric=False),
        Column(_("Change in points"), series=False, points=True),
        Column(_("Change"), numeric=False),
    ]
    rows: list[list[object]] = []
    links: list[str | None] = []
    for d in districts:
        a: Any = d
        scored = covered.get(a.assessment_id, {}) if a.assessment_id else {}
        stage_totals = [
            per_stage[stage].get(a.assessment_id) if scored.get(stage) else None for stage in STAGES
        ]
        if a.determined is not None:
            total, rank = a.final_total, a.final_rank
            band = bilingual(a.final_band or "", a.final_band_en or "") or None
            state = _("Determined")
        elif a.assessment_id:
            total = latest[a.assessment_id][1] if a.assessment_id in latest else None
            predicate = predicates.get(a.assessment_id)
            got = predicate.band if predicate else None
            band, rank = (in_language(got), got.rank) if got else (None, None)
            state = _("Submitted") if a.status == Assessment.Status.SUBMITTED else _("In progress")
        else:
            total, band, rank, state = None, None, None, _("Not taking part")
        change = (
            _money(total) - _money(a.prev_total)
            if total is not None and a.prev_total is not None
            else None
        )
        rows.append(
            [
                d.name,
                state,
                *stage_totals,
                _money(total) if total is not None else None,
                band,
                bilingual(a.prev_band or "", a.prev_band_en or "") or None,
                change,
                _movement(rank, a.prev_rank),
            ]
        )
        links.append(reverse("dashboards:district") + f"?region={d.code}&cycle={cycle.pk}")
    out.tables.append(
        Table(
            "districts",
            _("Regencies and cities in %(cycle)s") % {"cycle": cycle.name},
            columns,
            rows,
            chart="bars",
            links=links,
            # The axis reaches the instrument's maximum score, so a total reads against it.
            max_value=sum(scores.indicator_maxima(cycle.instrument_id).values(), Decimal(0)),
            note=_(
                "Scores as they stand at each stage (an item a verifier has not reached keeps "
                "the previous level's points); the latest score of a determined evaluation is "
                "the determined one, otherwise the furthest stage's, and so is its predicate "
                "(with the cycle's gates)."
            ),
        )
    )
    return out


def _criteria_districts(region: Region, cycle: Cycle) -> Table:
    """A cycle on a framework without points: each regency and city with its criteria met
    (``criteria.results``, the figures of the criteria pages). Four queries."""
    from layak.evaluation import criteria

    assessments = list(
        Assessment.objects.filter(
            cycle=cycle,
            region__level=Region.Level.REGENCY,
            region__path__startswith=region.path,
            region__is_active=True,
        )
        .select_related("region")
        .order_by("region__code")
    )
    results = criteria.results(cycle, [a.pk for a in assessments])
    rows: list[list[object]] = []
    links: list[str | None] = []
    for a in assessments:
        result = results[a.pk]
        rows.append([a.region.name, result.met, result.criteria - result.met])
        links.append(reverse("dashboards:district") + f"?region={a.region.code}&cycle={cycle.pk}")
    return Table(
        "districts",
        _("Regencies and cities in %(cycle)s") % {"cycle": cycle.name},
        [
            Column(_("Regency/city"), numeric=False),
            Column(_("Criteria met")),
            Column(_("Criteria not met yet")),
        ],
        rows,
        chart="stacked",
        links=links,
        note=_("A framework without points: criteria met, no score or predicate."),
    )


def _movement(rank: int | None, previous: int | None) -> str:
    if rank is None or previous is None:
        return ""
    if rank > previous:
        return _("up")
    if rank < previous:
        return _("down")
    return _("same")
