"""Partners: profiles, commitments, contributions and involvement totals.

Reads go through the apps' ``for_user`` querysets, writes through their action functions.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.errors import ValidationError

from layak import authz
from layak.accounts.models import User
from layak.api import programme_schemas as p
from layak.api.params import Id
from layak.api.programme.common import (
    ERRORS,
    PageQuery,
    invalid,
    page,
)
from layak.core.http import user_of as _user
from layak.frameworks.models import Indicator
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import PARTNER_KINDS
from layak.partners import actions as partners
from layak.partners import clusters
from layak.partners.models import Commitment, Contribution
from layak.partners.totals import Row, involvement
from layak.regions.models import Region

A = authz.Action
router = Router()

# ---- partners -----------------------------------------------------------------------------


@router.get(
    "/partners", response={200: p.PartnerPage, **ERRORS}, tags=["partners"], url_name="partners"
)
def partner_list(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    """Partner organisations in your reach with their profiles (a partner: its own)."""
    qs = (
        Organisation.objects.for_user(_user(request), A.VIEW)
        .filter(kind__in=PARTNER_KINDS, is_active=True)
        .select_related("region", "partner_profile")
        .prefetch_related("partner_profile__clusters")
        .annotate(
            commitment_count=Count(
                "partner_commitments", filter=Q(partner_commitments__is_active=True)
            )
        )
    )
    items, nxt = page(qs, filters.after, filters.limit)
    out = []
    for o in items:
        profile = getattr(o, "partner_profile", None)
        out.append(
            {
                "id": o.pk,
                "name": o.name,
                "acronym": o.acronym,
                "kind": o.kind,
                "region": o.region.code if o.region else None,
                "description": profile.description if profile else "",
                "website": profile.website if profile else "",
                "apsai_member": bool(profile and profile.apsai_member),
                "apsai_number": profile.apsai_number if profile else "",
                "apsai_year": profile.apsai_year if profile else None,
                "clusters": sorted(g.code for g in profile.clusters.all()) if profile else [],
                "commitments": o.commitment_count,
            }
        )
    return {"items": out, "next": nxt}


class CommitmentQuery(PageQuery):
    partner: Id | None = None
    status: p.ReviewStatus | None = None


def _commitments(qs: QuerySet[Commitment]) -> QuerySet[Commitment]:
    return qs.select_related("organisation", "cluster").prefetch_related(
        Prefetch("indicators", queryset=Indicator.objects.order_by("code"))
    )


def _commitment(c: Commitment) -> dict[str, Any]:
    return {
        "id": c.pk,
        "partner_id": c.organisation_id,
        "partner": c.organisation.name,
        "title": c.title,
        "description": c.description,
        "cluster": c.cluster.code,
        "indicators": [i.code for i in c.indicators.all()],
        "starts_on": c.starts_on,
        "ends_on": c.ends_on,
        "funds": c.funds,
        "people": c.people,
        "facilities": c.facilities,
        "methods": c.methods,
        "status": c.status,
        "return_reason": c.return_reason,
        "is_active": c.is_active,
        "submitted_at": c.submitted_at,
        "reviewed_at": c.reviewed_at,
    }


@router.get(
    "/partners/commitments",
    response={200: p.CommitmentPage, **ERRORS},
    tags=["partners"],
    url_name="partner_commitments",
)
def partner_commitments(request: HttpRequest, filters: Query[CommitmentQuery]) -> Any:
    """Partners' commitments in your reach (a partner: its own), withdrawn ones included."""
    qs = _commitments(Commitment.objects.for_user(_user(request), A.VIEW))
    if filters.partner:
        qs = qs.filter(organisation_id=filters.partner)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, nxt = page(qs, filters.after, filters.limit)
    return {"items": [_commitment(c) for c in items], "next": nxt}


def _own_partner(user: User, pk: int | None) -> Organisation:
    """The partner a record is entered for: the one named (404 outside the reach, 403 when it
    is only read), or the partner contributor's own when they belong to exactly one."""
    if pk is None:
        own = list(
            Membership.objects.active()
            .filter(user=user, organisation__kind__in=PARTNER_KINDS)
            .values_list("organisation_id", flat=True)
            .distinct()
        )
        if len(own) != 1:
            if not authz.has_action(user, A.EDIT):
                raise PermissionDenied
            raise ValidationError(
                [{"loc": ["body", "partner"], "msg": _("Give the partner's id.")}]
            )
        pk = own[0]
    partner: Organisation = authz.get_object_for_user(
        Organisation.objects.filter(kind__in=PARTNER_KINDS), user, A.EDIT, pk=pk
    )
    return partner


@router.post(
    "/partners/commitments",
    response={201: p.CommitmentOut, **ERRORS},
    tags=["partners"],
    url_name="partner_commitment_create",
)
def partner_commitment_create(request: HttpRequest, payload: p.CommitmentIn) -> Any:
    """Record a commitment of a partner as a draft (the partner's contributor, or the district
    administrator for a partner without an account)."""
    user = _user(request)
    partner = _own_partner(user, payload.partner)
    codes = list(dict.fromkeys(payload.indicators))
    found = {i.code: i for i in clusters.indicators().filter(code__in=codes)}
    if missing := [c for c in codes if c not in found]:
        raise ValidationError(
            [
                {
                    "loc": ["body", "indicators"],
                    "msg": _("Unknown indicators: %(codes)s.") % {"codes": ", ".join(missing)},
                }
            ]
        )
    fields = payload.dict(exclude={"partner", "cluster", "indicators"})
    commitment = partners.commitment_create(
        actor=user,
        organisation=partner,
        cluster=clusters.clusters().filter(code=payload.cluster).first(),
        indicators=[found[c] for c in codes],
        **fields,
    )
    saved = _commitments(Commitment.objects.all()).get(pk=commitment.pk)
    return Status(201, _commitment(saved))


@router.post(
    "/partners/commitments/{pk}/submit",
    response={200: p.CommitmentOut, **ERRORS},
    tags=["partners"],
    url_name="partner_commitment_submit",
)
def partner_commitment_submit(request: HttpRequest, pk: Id) -> Any:
    """Submit a draft or returned commitment to the secretariat for validation."""
    user = _user(request)
    commitment: Commitment = authz.get_object_for_user(
        Commitment.objects.all(), user, A.EDIT, pk=pk
    )
    partners.commitment_submit(actor=user, commitment=commitment)
    return _commitment(_commitments(Commitment.objects.all()).get(pk=pk))


class ContributionQuery(PageQuery):
    commitment: Id | None = None
    status: p.ReviewStatus | None = None


def _contribution(c: Contribution) -> dict[str, Any]:
    return {
        "id": c.pk,
        "commitment_id": c.commitment_id,
        "partner_id": c.commitment.organisation_id,
        "date": c.date,
        "description": c.description,
        "kind": c.kind,
        "amount": c.amount,
        "people": c.people,
        "children_reached": c.children_reached,
        "status": c.status,
        "return_reason": c.return_reason,
        "is_active": c.is_active,
        "submitted_at": c.submitted_at,
        "reviewed_at": c.reviewed_at,
    }


@router.get(
    "/partners/contributions",
    response={200: p.ContributionPage, **ERRORS},
    tags=["partners"],
    url_name="partner_contributions",
)
def partner_contributions(request: HttpRequest, filters: Query[ContributionQuery]) -> Any:
    """Contributions delivered by partners in your reach (a partner: its own)."""
    qs = Contribution.objects.for_user(_user(request), A.VIEW).select_related("commitment")
    if filters.commitment:
        qs = qs.filter(commitment_id=filters.commitment)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, nxt = page(qs, filters.after, filters.limit)
    return {"items": [_contribution(c) for c in items], "next": nxt}


@router.post(
    "/partners/contributions",
    response={201: p.ContributionOut, **ERRORS},
    tags=["partners"],
    url_name="partner_contribution_create",
)
def partner_contribution_create(request: HttpRequest, payload: p.ContributionIn) -> Any:
    """Record a contribution delivered against a commitment, as a draft; attach the evidence
    on its page, then submit it."""
    user = _user(request)
    commitment: Commitment = authz.get_object_for_user(
        Commitment.objects.all(), user, A.EDIT, pk=payload.commitment
    )
    contribution = partners.contribution_create(
        actor=user, commitment=commitment, **payload.dict(exclude={"commitment"})
    )
    found = Contribution.objects.select_related("commitment").get(pk=contribution.pk)
    return Status(201, _contribution(found))


@router.post(
    "/partners/contributions/{pk}/submit",
    response={200: p.ContributionOut, **ERRORS},
    tags=["partners"],
    url_name="partner_contribution_submit",
)
def partner_contribution_submit(request: HttpRequest, pk: Id) -> Any:
    """Submit a draft or returned contribution to the secretariat for validation."""
    user = _user(request)
    contribution: Contribution = authz.get_object_for_user(
        Contribution.objects.all(), user, A.EDIT, pk=pk
    )
    partners.contribution_submit(actor=user, contribution=contribution)
    return _contribution(Contribution.objects.select_related("commitment").get(pk=pk))


class TotalsQuery(Schema):
    region: str = Field("", max_length=32, pattern=p.CODE)
    year: int | None = Field(None, ge=2000, le=2100)


def _figures(row: Row) -> dict[str, Any]:
    f = row.figures
    return {
        "code": row.code,
        "label": row.label,
        "partners": f.partners,
        "contributions": f.contributions,
        "funds": f.funds,
        "people": f.people,
        "children": f.children,
    }


@router.get(
    "/partners/totals",
    response={200: p.TotalsOut, **ERRORS},
    tags=["partners"],
    url_name="partner_totals",
)
def partner_totals(request: HttpRequest, filters: Query[TotalsQuery]) -> Any:
    """Involvement of community organisations, business and media in a regency or city's
    programme (indicator KL-3) in a year, by partner kind and by cluster; only validated
    (accepted) records count. For region-wide roles; ``region`` defaults to your district."""
    user = _user(request)
    wide = [g for g in authz.grants(user) if g.allows(A.VIEW) and not g.organisation_scoped]
    if not wide:
        raise PermissionDenied
    code = filters.region.strip()
    if not code:
        districts = {path.rstrip(".") for g in wide for path in g.paths}
        if len(districts) != 1:
            raise invalid("region", _("Give the code of a regency or city."))
        code = districts.pop()
    region = Region.objects.filter(code=code, level=Region.Level.REGENCY).first()
    if region is None or not authz.reaches(user, A.VIEW, region):
        raise Http404
    result = involvement(region, filters.year or timezone.localdate().year)
    total = Row("total", _("Total"), result.total)
    return {
        "region": region.code,
        "year": result.year,
        "by_kind": [_figures(r) for r in result.by_kind],
        "by_cluster": [_figures(r) for r in result.by_cluster],
        "total": _figures(total),
    }
