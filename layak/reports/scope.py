"""Who may make which report: a district its own, a province its districts, the ministry all.

Reports cover a whole district (or more), so only region-wide grants make them: the district
administrator and readers of the district, the province verifier, assessors for the districts
assigned to them, and the ministry. Offices, partners and forum facilitators see their own rows
elsewhere, not the district's full figures. A target outside the person's reach answers 404 like
any other row; one the person sees but may not report on answers 403.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from layak import authz
from layak.accounts.models import User
from layak.evaluation.models import Assessment, Cycle
from layak.organisations.models import Organisation
from layak.plans.models import Plan
from layak.regions.models import Region

A = authz.Action
_NOTHING = Q(pk__in=[])


def regionwide_q(user: User, region: str) -> Q:
    """Rows (through the lookup ``region`` to their Region) a region-wide grant lets ``user``
    read; organisation-scoped grants count for nothing here."""
    return authz.scope_q(user, A.VIEW, region=region, organisation=lambda _pk: _NOTHING)


def national(user: User) -> bool:
    return authz.reaches(user, A.VIEW, None)


# ---- what the forms offer ------------------------------------------------------------------


def assessments(user: User) -> QuerySet[Assessment]:
    """Regency and city self-assessments the person may report on."""
    return (
        Assessment.objects.filter(regionwide_q(user, "region"), region__level=Region.Level.REGENCY)
        .select_related("region", "cycle")
        .order_by("-cycle__created_at", "region__code")
    )


def cycles(user: User) -> QuerySet[Cycle]:
    """Cycles in which a district the person reaches takes part."""
    return Cycle.objects.filter(
        Exists(assessments(user).filter(cycle=OuterRef("pk")).order_by())
    ).order_by("-created_at")


def provinces(user: User) -> QuerySet[Region]:
    """Provinces the person reaches whole, with districts taking part in an evaluation."""
    taking_part = Assessment.objects.filter(
        region__level=Region.Level.REGENCY, region__parent=OuterRef("pk")
    )
    return Region.objects.filter(
        regionwide_q(user, ""), Exists(taking_part), level=Region.Level.PROVINCE
    ).order_by("code")


def districts(user: User) -> QuerySet[Region]:
    """Regencies and cities the person reaches whole, that work in Layak (have an office)."""
    working = Organisation.objects.filter(region=OuterRef("pk"))
    return Region.objects.filter(
        regionwide_q(user, ""), Exists(working), level=Region.Level.REGENCY
    ).order_by("code")


def plans(user: User) -> QuerySet[Plan]:
    return (
        Plan.objects.filter(regionwide_q(user, "region"), is_active=True)
        .select_related("region")
        .order_by("region__code", "-start_year")
    )


# ---- checking what was asked for -------------------------------------------------------------


def _require_regionwide(user: User, region: Region) -> None:
    authz.require(user, A.VIEW, authz.reaches(user, A.VIEW, region))


def get_assessment(user: User, pk: object) -> Assessment:
    assessment: Assessment = authz.get_object_for_user(
        Assessment.objects.select_related("region", "cycle"), user, A.VIEW, pk=_int(pk)
    )
    if assessment.region.level != Region.Level.REGENCY:
        raise Http404
    _require_regionwide(user, assessment.region)
    return assessment


def get_region(user: User, code: object, level: int) -> Region:
    region = get_object_or_404(
        Region.objects.filter(authz.scope_q(user, A.VIEW, region="")),
        code=str(code or ""),
        level=level,
    )
    _require_regionwide(user, region)
    return region


def get_cycle(user: User, pk: object) -> Cycle:
    return get_object_or_404(Cycle.objects.select_related("instrument"), pk=_int(pk))


def get_plan(user: User, pk: object) -> Plan:
    plan: Plan = authz.get_object_for_user(
        Plan.objects.select_related("region").filter(is_active=True), user, A.VIEW, pk=_int(pk)
    )
    _require_regionwide(user, plan.region)
    return plan


def _int(value: object) -> int:
    try:
        return int(str(value))
    except ValueError:
        raise Http404 from None
