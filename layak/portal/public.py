"""What the public portal reads: only sections a district published, and within them only
organisations, figures and documents marked public, never people.

Each function costs a fixed number of queries whatever the size of the data."""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    DecimalField,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layak.evaluation.models import Assessment, Stage
from layak.evidence.models import Attachment, EvidenceFile
from layak.frameworks.models import in_language
from layak.organisations.models import Organisation
from layak.organisations.roles import PARTNER_KINDS, OrganisationKind
from layak.portal.models import PortalSection, Section
from layak.regions.models import Region
from layak.workflow import Status

ZERO = Decimal(0)
MONEY = DecimalField(max_digits=20, decimal_places=2)
# AFSE events listed on a district page (the totals count them all).
EVENTS_SHOWN = 20


def published_sections(region: Region) -> set[str]:
    """The sections ``region`` shows on its public page. One query."""
    return set(
        PortalSection.objects.published().filter(region=region).values_list("section", flat=True)
    )


def _published(section: str, region_ref: str = "pk") -> Exists:
    return Exists(
        PortalSection.objects.published().filter(region=OuterRef(region_ref), section=section)
    )


def districts(within: Region | None = None) -> QuerySet[Region]:
    """Active regencies and cities (of a province), each annotated with its latest determined
    predicate when the district published its evaluation results (``band_name``,
    ``band_rank``, ``band_total``, ``band_cycle``; None otherwise). One query."""
    latest = Assessment.objects.filter(
        region=OuterRef("pk"),
        determined_at__isnull=False,
        cycle__instrument__framework__region_level=Region.Level.REGENCY,
    ).order_by("-determined_at", "-pk")
    rows = Region.objects.filter(level=Region.Level.REGENCY, is_active=True)
    if within is not None:
        rows = rows.filter(path__startswith=within.path)
    # Only the results of districts that published them are read at all.
    latest = latest.filter(_published(Section.EVALUATION, "region_id"))
    return rows.annotate(
        results_public=_published(Section.EVALUATION),
        band_name=Subquery(latest.annotate(band=_band_name()).values("band")[:1]),
        band_rank=Subquery(latest.values("final_band__rank")[:1]),
        band_total=Subquery(latest.values("final_total")[:1]),
        band_cycle=Subquery(latest.values("cycle__name")[:1]),
    ).order_by("name")


@dataclass
class ProvinceRow:
    province: Region
    districts: int = 0
    published: int = 0
    with_predicate: int = 0
    bands: dict[str, int] = field(default_factory=dict)

    @property
    def provila(self) -> bool:
        """Provinsi Layak Anak as far as the published results show: every regency and city
        published a predicate."""
        return self.districts > 0 and self.with_predicate == self.districts


def _band_name() -> Any:
    """A predicate band's name in the reader's language (its English name where it has one)."""
    if (get_language() or "id").split("-")[0] == "en":
        return Coalesce(NullIf(F("final_band__name_en"), Value("")), F("final_band__name"))
    return F("final_band__name")


def provinces() -> list[ProvinceRow]:
    """Every active province with the published predicates of its districts. Two queries."""
    rows = {
        p.pk: ProvinceRow(p)
        for p in Region.objects.filter(level=Region.Level.PROVINCE, is_active=True).order_by("code")
    }
    annotated: Any = districts()
    found: Any = annotated.values("parent_id", "results_public", "band_name")
    for district in found:
        row = rows.get(district["parent_id"])
        if row is None:
            continue
        row.districts += 1
        row.published += bool(district["results_public"])
        if district["band_name"]:
            row.with_predicate += 1
            row.bands[district["band_name"]] = row.bands.get(district["band_name"], 0) + 1
    return list(rows.values())


def province_summary(province: Region, rows: list[Region]) -> ProvinceRow:
    summary = ProvinceRow(province)
    for district in rows:
        summary.districts += 1
        summary.published += bool(getattr(district, "results_public", False))
        name = getattr(district, "band_name", None)
        if name:
            summary.with_predicate += 1
            summary.bands[name] = summary.bands.get(name, 0) + 1
    return summary


# ---- a district's evaluation results ----------------------------------------------------


def evaluation(region: Region) -> dict[str, Any]:
    """The district's determined evaluations (newest first) and, for the latest, the points of
    each group at the final determination against the group's maximum. Four queries."""
    from layak.evaluation.scores import group_maxima, results

    assessments = list(
        Assessment.objects.filter(
            region=region,
            determined_at__isnull=False,
            cycle__instrument__framework__region_level=Region.Level.REGENCY,
        )
        .select_related("cycle__instrument", "final_band")
        .order_by("-determined_at", "-pk")
    )
    groups: list[dict[str, Any]] = []
    if assessments:
        latest = assessments[0]
        got = results(latest.cycle, [latest.pk], Stage.Kind.FINAL).get(latest.pk)
        by_group = got.by_group if got else {}
        for group, maximum in group_maxima(latest.cycle):
            points = by_group.get(group.code, ZERO)
            groups.append(
                {
                    "code": group.code,
                    "name": in_language(group),
                    "points": points,
                    "max": maximum,
                    "percent": (points * 100 / maximum).quantize(Decimal(1)) if maximum else None,
                }
            )
    return {"assessments": assessments, "groups": groups}


# ---- RAD KLA ----------------------------------------------------------------------------


def plan(region: Region, today: datetime.date | None = None) -> dict[str, Any] | None:
    """The district's RAD KLA in force (else its latest): per year the child-responsive budget
    planned on its activities and what the accepted progress reports realised; for the
    current year, per cluster. Six queries."""
    from layak.plans.models import Plan, PlanItem, PlanYear, ProgressEntry
    from layak.plans.progress import child_budget

    today = today or timezone.localdate()
    current = (
        Plan.objects.filter(region=region, is_active=True)
        .annotate(in_force=Q(start_year__lte=today.year, end_year__gte=today.year))
        .order_by("-in_force", "-start_year", "-pk")
        .first()
    )
    if current is None:
        return None
    year = min(max(today.year, current.start_year), current.end_year)
    total = F("apbd") + F("apbn") + F("village") + F("csr") + F("other")
    leaves = PlanYear.objects.filter(
        item__plan=current, item__is_active=True, year__lte=year
    ).exclude(Exists(PlanItem.objects.filter(parent=OuterRef("item_id"), is_active=True)))
    by_year: Any = leaves.values("year").annotate(
        planned=Coalesce(Sum(total), Value(ZERO), output_field=MONEY)
    )
    planned = {row["year"]: row["planned"] for row in by_year}
    accepted = ProgressEntry.objects.filter(
        report__plan=current, report__status=Status.ACCEPTED, item__is_active=True
    )
    realised: Any = accepted.values("report__year").annotate(
        spent=Coalesce(Sum("budget"), Value(ZERO), output_field=MONEY),
        items=Count("item", distinct=True),
        periods=Count("report__period", distinct=True),
    )
    spent = {row["report__year"]: row for row in realised}
    years = [
        {
            "year": y,
            "budget": planned.get(y, ZERO),
            "spent": spent[y]["spent"] if y in spent else None,
            "items_reported": spent[y]["items"] if y in spent else 0,
            "periods": spent[y]["periods"] if y in spent else 0,
        }
        for y in range(current.start_year, year + 1)
    ]
    budget = child_budget(region, year)
    spent_by_cluster = dict(
        accepted.filter(report__year=year)
        .values_list("item__indicator__group__code")
        .annotate(spent=Sum("budget"))
        .values_list("item__indicator__group__code", "spent")
    )
    clusters = [
        {**row, "spent": spent_by_cluster.get(str(row["code"]))} for row in budget.by_cluster
    ]
    activities = (
        PlanItem.objects.filter(plan=current, is_active=True)
        .exclude(Exists(PlanItem.objects.filter(parent=OuterRef("pk"), is_active=True)))
        .count()
    )
    return {
        "plan": current,
        "year": year,
        "years": years,
        "budget": budget,
        "clusters": clusters,
        "activities": activities,
        "files": public_files(current),
    }


# ---- task force -------------------------------------------------------------------------


def taskforce(region: Region, today: datetime.date | None = None) -> dict[str, Any]:
    """The decree in force and the organisations its members come from (never the people),
    and the meetings held per year. Four queries."""
    from layak.taskforce.models import Attendance, Decree, Meeting, Member
    from layak.taskforce.querysets import serving_q

    today = today or timezone.localdate()
    decree = Decree.objects.filter(region=region).in_force(today).first()
    organisations: list[dict[str, Any]] = []
    others = 0
    if decree is not None:
        serving = Member.objects.filter(serving_q(today), decree=decree)
        found: Any = (
            serving.filter(organisation__isnull=False)
            .values(
                "organisation_id",
                org_name=F("organisation__name"),
                org_kind=F("organisation__kind"),
            )
            .annotate(people=Count("pk"))
            .order_by("org_name")
        )
        organisations = list(found)
        kinds = dict(OrganisationKind.choices)
        for row in organisations:
            row["kind_label"] = kinds.get(row["org_kind"], row["org_kind"])
        others = serving.filter(organisation__isnull=True).count()
    meetings = list(
        Meeting.objects.filter(region=region, is_active=True, date__lte=today)
        .filter(Exists(Attendance.objects.filter(meeting=OuterRef("pk"), present=True)))
        .values("date__year")
        .annotate(n=Count("pk"))
        .order_by("-date__year")[:5]
    )
    return {
        "decree": decree,
        "organisations": organisations,
        "others": others,
        "meetings": [(row["date__year"], row["n"]) for row in meetings],
        "files": public_files(decree) if decree is not None else [],
    }


# ---- partners and AFSE ------------------------------------------------------------------


def partners(region: Region, today: datetime.date | None = None) -> dict[str, Any]:
    """Partners with a commitment the secretariat accepted, their kind, and the AFSE events:
    totals per kind of the year and the latest events (topic, kind, date, place, number of
    participants; no photos, no names). Four queries."""
    from layak.afse.models import Event, Kind
    from layak.partners.models import Commitment

    today = today or timezone.localdate()
    accepted = Commitment.objects.filter(
        organisation=OuterRef("pk"), is_active=True, status=Status.ACCEPTED
    )
    running = accepted.filter(starts_on__lte=today, ends_on__gte=today)
    rows = list(
        Organisation.objects.filter(
            region__path__startswith=region.path,
            kind__in=PARTNER_KINDS,
            is_active=True,
        )
        .filter(Exists(accepted))
        .annotate(running=Exists(running))
        .select_related("partner_profile")
        .order_by("kind", "name")
    )
    kinds = dict(OrganisationKind.choices)
    partners_rows = [
        {
            "name": org.name,
            "kind": kinds.get(org.kind, org.kind),
            "running": org.running,  # type: ignore[attr-defined]
            "apsai": bool(getattr(getattr(org, "partner_profile", None), "apsai_member", False)),
        }
        for org in rows
    ]
    events = Event.objects.filter(region=region, is_active=True, starts_on__lte=today)
    people = F("boys") + F("girls") + F("men") + F("women")
    totals: Any = (
        events.filter(starts_on__year=today.year)
        .values("kind")
        .annotate(n=Count("pk"), young=Sum(F("boys") + F("girls")), people=Sum(people))
    )
    year_totals: dict[str, Any] = {row["kind"]: row for row in totals}
    by_kind = [
        {
            "label": label,
            "n": year_totals.get(code, {}).get("n", 0),
            "children": year_totals.get(code, {}).get("young") or 0,
            "people": year_totals.get(code, {}).get("people") or 0,
        }
        for code, label in Kind.choices
    ]
    latest = list(events.select_related("place").order_by("-starts_on", "-pk")[:EVENTS_SHOWN])
    return {
        "partners": partners_rows,
        "year": today.year,
        "by_kind": by_kind,
        "events": latest,
    }


# ---- public documents -------------------------------------------------------------------


def public_files(owner: Any) -> list[EvidenceFile]:
    """Files attached to ``owner`` that the district marked public. One query."""
    from django.contrib.contenttypes.models import ContentType

    return list(
        EvidenceFile.objects.filter(
            is_public=True,
            attachments__content_type=ContentType.objects.get_for_model(owner),
            attachments__object_id=owner.pk,
            attachments__is_active=True,
        )
        .distinct()
        .order_by("name")
    )


def is_public_file(evidence: EvidenceFile) -> bool:
    """Whether the portal may serve ``evidence``: marked public, and attached to the RAD KLA or
    a task force decree of a district that published that section."""
    from django.contrib.contenttypes.models import ContentType

    from layak.plans.models import Plan
    from layak.taskforce.models import Decree

    if not evidence.is_public:
        return False
    links: dict[int, list[int]] = defaultdict(list)
    for ct, object_id in Attachment.objects.filter(file=evidence, is_active=True).values_list(
        "content_type_id", "object_id"
    ):
        links[ct].append(object_id)
    plans = links.get(ContentType.objects.get_for_model(Plan).pk)
    if (
        plans
        and Plan.objects.filter(
            _published(Section.PLAN, "region_id"), pk__in=plans, is_active=True
        ).exists()
    ):
        return True
    decrees = links.get(ContentType.objects.get_for_model(Decree).pk)
    return bool(
        decrees
        and Decree.objects.filter(
            _published(Section.TASKFORCE, "region_id"), pk__in=decrees
        ).exists()
    )


def forum(region: Region) -> Organisation | None:
    """The district's Forum Anak, whose "you said, we did" page is public already."""
    return (
        Organisation.objects.filter(kind=OrganisationKind.FORUM_ANAK, region=region, is_active=True)
        .order_by("pk")
        .first()
    )


# ---- indicator data ---------------------------------------------------------------------


def _suppressed_text(indicator: Any) -> str:
    """What stands for a suppressed figure: "< 5" for a count; for a ratio, whose column holds
    percentages or rates, words saying the count under it is small ("< 5" there would read as
    under 5 %)."""
    if indicator.denominator_id is None:
        return f"< {threshold_of()}"
    return str(_("hidden: the count is under %(n)s") % {"n": threshold_of()})


def indicator_data(region: Region) -> list[dict[str, Any]]:
    """The indicator-years the district published (``indicators.Publication``), each with its
    value, the source datasets and their latest date. A sensitive indicator whose count is
    small is suppressed (see ``privacy``). A year of quarterly or monthly data adds up its
    periods (the indicators' counts are flows: births, cases served). Each row says how complete
    its figure is (``completeness``: reported / expected, shown when partial). Five queries."""
    from layak.indicators import completeness as comp
    from layak.indicators.aggregate import indicator_spans
    from layak.indicators.models import DataValue, Publication, periods_of_year
    from layak.portal.privacy import is_suppressed, shown

    publications = list(
        Publication.objects.active()
        .filter(region=region, indicator__is_active=True)
        .select_related("indicator__numerator", "indicator__denominator")
        .order_by("indicator__cluster", "indicator__order", "indicator__name", "-year")
    )
    if not publications:
        return []
    periods: dict[tuple[int, int], list[str]] = {
        (p.indicator_id, p.year): periods_of_year(p.year, p.indicator.period_type)
        for p in publications
    }
    elements: set[int] = set()
    for p in publications:
        elements.add(p.indicator.numerator_id)
        if p.indicator.denominator_id is not None:
            elements.add(p.indicator.denominator_id)
    every = sorted({period for ps in periods.values() for period in ps})
    # Each figure as every page computes it (``aggregate``): a ratio's parts over the regions
    # that reported both.
    spans = indicator_spans(
        {
            (p.indicator_id, p.year): (p.indicator, periods[(p.indicator_id, p.year)])
            for p in publications
        },
        region,
    )
    rates = comp.element_completeness(
        comp.elements_of([p.indicator for p in publications]), [region], every
    )
    sources: Any = (
        DataValue.objects.filter(
            is_active=True,
            region__path__startswith=region.path,
            element_id__in=elements,
            period_start__year__in={p.year for p in publications},
        )
        .exclude(dataset="")
        .values("element_id", "period_start__year", "dataset")
        .annotate(last=Max("source_date"))
        .order_by("dataset")
    )
    found: dict[tuple[int, int], list[tuple[str, datetime.date | None]]] = defaultdict(list)
    for row in sources:
        found[(row["element_id"], row["period_start__year"])].append((row["dataset"], row["last"]))

    rows: list[dict[str, Any]] = []
    for p in publications:
        indicator, key = p.indicator, (p.indicator_id, p.year)
        value, numerator, _denominator = spans[key]
        sensitive = indicator.sensitive
        suppressed = is_suppressed(numerator, sensitive=sensitive)
        # The sources of both parts of the figure (a ratio's denominator has its own).
        used = [
            *found.get((indicator.numerator_id, p.year), []),
            *(
                found.get((indicator.denominator_id, p.year), [])
                if indicator.denominator_id is not None
                else []
            ),
        ]
        dates = [d for _n, d in used if d]
        rows.append(
            {
                "indicator": indicator,
                "cluster": indicator.get_cluster_display(),
                "year": p.year,
                # A small sensitive count is never shown, nor a ratio that would reveal it.
                "value": _suppressed_text(indicator)
                if suppressed
                else shown(value, sensitive=False),
                "suppressed": suppressed,
                "unit": indicator.unit,
                "sources": sorted({n for n, _d in used}),
                "source_date": max(dates) if dates else None,
                "completeness": comp.indicator_completeness(
                    indicator, region.pk, periods[key], rates
                ),
            }
        )
    return rows


def threshold_of() -> int:
    from layak.portal.privacy import threshold

    return threshold()
