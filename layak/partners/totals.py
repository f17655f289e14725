"""The involvement of community organisations, business and media in a district's KLA
programme (Perpres 25/2021, indicator 3), per partner kind and per cluster, for one year.

Only validated records count: a partner counts when it has an accepted, active commitment whose
period overlaps the year; a contribution counts when it is accepted, dated in the year and its
commitment is accepted too. Everything is aggregated in the database: ``involvement`` costs six
queries for any number of partners and records.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, QuerySet, Sum

from layak import workflow
from layak.organisations.roles import PARTNER_KINDS, OrganisationKind
from layak.partners.clusters import clusters
from layak.partners.models import Commitment, Contribution
from layak.regions.models import Region

ACCEPTED = workflow.Status.ACCEPTED


@dataclass(frozen=True)
class Figures:
    partners: int = 0
    contributions: int = 0
    funds: Decimal = Decimal(0)
    people: int = 0
    children: int = 0


@dataclass(frozen=True)
class Row:
    code: str
    label: str
    figures: Figures


@dataclass(frozen=True)
class Involvement:
    region: Region
    year: int
    by_kind: list[Row]
    by_cluster: list[Row]
    # Partners and contributions counted once each (a partner may serve several clusters).
    total: Figures


def _commitments(region: Region, year: int) -> QuerySet[Commitment]:
    return Commitment.objects.filter(
        organisation__region__path__startswith=region.path,
        organisation__kind__in=PARTNER_KINDS,
        is_active=True,
        status=ACCEPTED,
        starts_on__lte=datetime.date(year, 12, 31),
        ends_on__gte=datetime.date(year, 1, 1),
    )


def _contributions(region: Region, year: int) -> QuerySet[Contribution]:
    return Contribution.objects.filter(
        commitment__organisation__region__path__startswith=region.path,
        commitment__organisation__kind__in=PARTNER_KINDS,
        commitment__is_active=True,
        commitment__status=ACCEPTED,
        is_active=True,
        status=ACCEPTED,
        date__year=year,
    )


def _sums(rows: QuerySet[Any, Any], key: str) -> dict[str, dict[str, Any]]:
    return {
        row[key]: row
        for row in rows.annotate(
            n=Count("pk"),
            funds=Sum("amount"),
            people_sum=Sum("people"),
            children=Sum("children_reached"),
        )
    }


def _figures(partners: int, sums: dict[str, Any] | None) -> Figures:
    sums = sums or {}
    return Figures(
        partners=partners,
        contributions=sums.get("n") or 0,
        funds=Decimal(sums.get("funds") or 0),
        people=sums.get("people_sum") or 0,
        children=sums.get("children") or 0,
    )


def involvement(region: Region, year: int) -> Involvement:
    """Partners and accepted contributions of ``region``'s subtree (a regency or city) in
    ``year``, by partner kind and by cluster (Kelembagaan, clusters I–V)."""
    commitments = _commitments(region, year)
    contributions = _contributions(region, year)
    partners_by_kind = {
        row["organisation__kind"]: row["n"]
        for row in commitments.values("organisation__kind")
        .order_by()
        .annotate(n=Count("organisation", distinct=True))
    }
    partners_by_cluster = {
        row["cluster__code"]: row["n"]
        for row in commitments.values("cluster__code")
        .order_by()
        .annotate(n=Count("organisation", distinct=True))
    }
    sums_by_kind = _sums(
        contributions.values("commitment__organisation__kind").order_by(),
        "commitment__organisation__kind",
    )
    sums_by_cluster = _sums(
        contributions.values("commitment__cluster__code").order_by(), "commitment__cluster__code"
    )
    by_kind = [
        Row(
            kind.value,
            str(kind.label),
            _figures(partners_by_kind.get(kind, 0), sums_by_kind.get(kind)),
        )
        for kind in OrganisationKind
        if kind in PARTNER_KINDS
    ]
    labels = {g.code: g.name for g in clusters()}
    codes = list(labels) + sorted((set(partners_by_cluster) | set(sums_by_cluster)) - set(labels))
    by_cluster = [
        Row(
            code,
            labels.get(code, code),
            _figures(partners_by_cluster.get(code, 0), sums_by_cluster.get(code)),
        )
        for code in codes
    ]
    # Each partner has one kind, so the kinds add up to the district's totals.
    total = Figures(
        partners=sum(r.figures.partners for r in by_kind),
        contributions=sum(r.figures.contributions for r in by_kind),
        funds=sum((r.figures.funds for r in by_kind), Decimal(0)),
        people=sum(r.figures.people for r in by_kind),
        children=sum(r.figures.children for r in by_kind),
    )
    return Involvement(
        region=region, year=year, by_kind=by_kind, by_cluster=by_cluster, total=total
    )


__all__ = ["Figures", "Involvement", "Row", "involvement"]
