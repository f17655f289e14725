from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db import DatabaseError, connection
from django.db.models import Case, Count, F, When, prefetch_related_objects
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import never_cache

from layak import authz
from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.core.shapes import Shapes
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import Role
from layak.regions.models import Region

A = authz.Action
# The home page shows this many entries of the list of work; the chips count them all.
HOME_ACTIONS = 30


def _programme_work(user: User, my_roles: set[str]) -> dict[str, object]:
    """The programme's work waiting for this person: overdue task force follow-ups of their
    office, progress reports and partner records to review or to correct. A fixed number of
    queries."""
    from layak.partners.models import Commitment, Contribution
    from layak.plans.models import ProgressReport
    from layak.taskforce.querysets import overdue_follow_ups
    from layak.workflow import Status

    work: dict[str, object] = {"overdue_follow_ups": list(overdue_follow_ups(user)[:10])}
    reports = ProgressReport.objects.for_user(user, A.EDIT)
    commitments = Commitment.objects.for_user(user, A.EDIT).filter(is_active=True)
    contributions = Contribution.objects.for_user(user, A.EDIT).filter(is_active=True)
    if my_roles & {Role.DISTRICT_ADMIN, Role.MINISTRY_ADMIN}:
        work["reports_to_review"] = reports.filter(status=Status.SUBMITTED).count()
        work["partner_records_to_review"] = (
            commitments.filter(status=Status.SUBMITTED).count()
            + contributions.filter(status=Status.SUBMITTED).count()
        )
    if my_roles & {Role.OFFICE_OPERATOR, Role.PARTNER_CONTRIBUTOR}:
        work["reports_returned"] = reports.filter(status=Status.RETURNED).count()
        work["partner_records_returned"] = (
            commitments.filter(status=Status.RETURNED).count()
            + contributions.filter(status=Status.RETURNED).count()
        )
    return work


@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    """200 when the database answers, 503 otherwise; for load balancers and monitoring."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable\n", status=503, content_type="text/plain")
    return HttpResponse("ok\n", content_type="text/plain")


_SHAPES = Shapes()
# Districts listed on an overseer's home page; the rest are a link away.
HOME_DISTRICTS = 20


def _districts_url(user: User) -> str:
    """Where every district a person oversees is listed: their province's page of the region
    tree when they all lie in one province, the tree's first page otherwise."""
    provinces = {
        path.split(".")[0]
        for grant in authz.grants(user)
        if grant.allows(A.VERIFY) and not grant.national
        for path in grant.paths
    }
    national = any(g.national and g.allows(A.VERIFY) for g in authz.grants(user))
    if len(provinces) == 1 and not national:
        return reverse("regions:detail", args=[provinces.pop()])
    return reverse("regions:browse")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """What waits for this person first (``kept_needs_action``: every hand-off across the programme,
    by deadline, filtered by kind with ``?kind=``), then their roles, the regions they oversee,
    their colleagues and the recent changes."""
    from layak.core.actions_list import ActionKind, kept_needs_action

    user = request.user
    assert isinstance(user, User)
    my_roles = authz.roles(user)
    memberships = _SHAPES.fetch(
        "memberships",
        lambda me: (
            Membership.objects.active().filter(user=me).select_related("organisation__region")
        ),
        user.pk,
    )
    # An assessor's assigned districts (what their line names); no one else's are read.
    prefetch_related_objects(
        [m for m in memberships if m.role == Role.ASSESSOR], "assigned_regions"
    )
    actions = kept_needs_action(user)
    kind = request.GET.get("kind", "")
    if kind not in ActionKind.values:
        kind = ""
    listed = actions.of_kind(kind) if kind else actions.items
    context: dict[str, object] = {
        "memberships": memberships,
        "roles": my_roles,
        "actions": actions,
        "action_items": listed[:HOME_ACTIONS],
        "action_more": max(len(listed) - HOME_ACTIONS, 0),
        "action_kind": kind,
    }

    if authz.has_action(user, A.MANAGE):
        context["organisation_counts"] = _SHAPES.fetch(
            ("organisation_counts", authz.scope_key(user)),
            lambda: (
                Organisation.objects.for_user(user, A.MANAGE)
                .filter(is_active=True)
                .values("kind")
                .annotate(n=Count("pk"))
                .order_by("kind")
            ),
        )
        kinds = dict(Organisation.Kind.choices)
        for row in context["organisation_counts"]:  # type: ignore[attr-defined]
            row["label"] = kinds.get(row["kind"], row["kind"])
    if authz.has_action(user, A.AUDIT):
        context["recent_changes"] = AuditEntry.objects.newest_for_user(user, 8)

    # Regencies/cities this person oversees (province verifier, assessor, reader, ministry).
    if my_roles & {Role.PROVINCE_VERIFIER, Role.ASSESSOR, Role.MINISTRY_ADMIN}:
        districts = list(
            Region.objects.filter(
                authz.scope_q(user, A.VERIFY, region=""), level=Region.Level.REGENCY
            ).select_related("parent")
        )
        # Each district's active organisations, its sub-districts' and villages' included (as
        # the district's own list of organisations counts them), in one grouped query.
        level = Region.Level
        district_of = Case(
            When(region__level=level.REGENCY, then=F("region_id")),
            When(region__level=level.SUBDISTRICT, then=F("region__parent_id")),
            When(region__level=level.VILLAGE, then=F("region__parent__parent_id")),
        )
        counts = dict(
            Organisation.objects.filter(
                authz.scope_q(user, A.VERIFY, region="region"), is_active=True
            )
            .annotate(district=district_of)
            .order_by()
            .values("district")
            .annotate(n=Count("pk"))
            .values_list("district", "n")
        )
        for district in districts:
            district.organisation_count = counts.get(district.pk, 0)  # type: ignore[attr-defined]
        context["district_count"] = len(districts)
        context["districts"] = sorted(
            districts,
            key=lambda d: (-d.organisation_count, d.code),  # type: ignore[attr-defined]
        )[:HOME_DISTRICTS]
        context["districts_all_url"] = _districts_url(user)
    if my_roles & {Role.OFFICE_OPERATOR, Role.PARTNER_CONTRIBUTOR, Role.FORUM_FACILITATOR}:
        # Compiled once per set of grants and offices (``layak.core.shapes``).
        offices = tuple(sorted({m.organisation_id for m in memberships}))
        context["colleagues"] = _SHAPES.fetch(
            ("colleagues", authz.scope_key(user), offices),
            lambda me: (
                Membership.objects.for_user(user, A.VIEW)
                .active()
                .exclude(user=me)
                .filter(organisation__in=offices)
                .select_related("user", "organisation")[:20]
            ),
            user.pk,
        )
    return render(request, "core/home.html", context)


@login_required
def programme(request: HttpRequest) -> HttpResponse:
    """The year-round work of the task force in one place: its decree and meetings, the action
    plan and its progress, partners, advocacy events and children's participation."""
    user = request.user
    assert isinstance(user, User)
    my_roles = authz.roles(user)
    return render(
        request,
        "core/programme.html",
        {
            "region_wide": bool(
                my_roles
                & {
                    Role.MINISTRY_ADMIN,
                    Role.PROVINCE_VERIFIER,
                    Role.DISTRICT_ADMIN,
                    Role.READER,
                    Role.ASSESSOR,
                }
            ),
            "is_admin": bool(my_roles & {Role.DISTRICT_ADMIN, Role.MINISTRY_ADMIN}),
            "is_partner": Role.PARTNER_CONTRIBUTOR in my_roles,
            **_programme_work(user, my_roles),
        },
    )
