"""Children's participation: Forum Anak and their proposals.

Reads go through the apps' ``for_user`` querysets, writes through their action functions.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest
from ninja import Query, Router

from layak import authz
from layak.api import programme_schemas as p
from layak.api.params import Id
from layak.api.programme.common import (
    ERRORS,
    PageQuery,
    page,
)
from layak.core.http import user_of as _user
from layak.organisations.models import Organisation
from layak.organisations.roles import OrganisationKind
from layak.participation.models import ForumDecree, Proposal
from layak.participation.models import Status as ProposalStatus
from layak.participation.querysets import forum_scope

A = authz.Action
router = Router()

# ---- participation ------------------------------------------------------------------------


@router.get(
    "/participation/forums",
    response={200: p.ForumPage, **ERRORS},
    tags=["participation"],
    url_name="participation_forums",
)
def participation_forums(request: HttpRequest, filters: Query[PageQuery]) -> Any:
    """The Forum Anak in your reach with their current decree and how many proposals they
    made (open: received or under consideration)."""
    current = ForumDecree.objects.filter(forum=OuterRef("pk"), superseded_at=None)
    qs = (
        Organisation.objects.filter(kind=OrganisationKind.FORUM_ANAK, is_active=True)
        .filter(forum_scope(_user(request), A.VIEW))
        .select_related("region")
        .annotate(
            decree_number=Subquery(current.values("number")[:1]),
            decree_date=Subquery(current.values("issued_on")[:1]),
            decree_end=Subquery(current.values("period_end")[:1]),
            proposal_count=Count("proposals", filter=Q(proposals__is_active=True), distinct=True),
            open_count=Count(
                "proposals",
                filter=Q(
                    proposals__is_active=True,
                    proposals__status__in=[ProposalStatus.RECEIVED, ProposalStatus.CONSIDERING],
                ),
                distinct=True,
            ),
        )
    )
    items, nxt = page(qs, filters.after, filters.limit)
    return {
        "items": [
            {
                "id": f.pk,
                "name": f.name,
                "region": f.region.code if f.region else None,
                "decree_number": f.decree_number,
                "decree_date": f.decree_date,
                "decree_end": f.decree_end,
                "proposals": f.proposal_count,
                "open_proposals": f.open_count,
            }
            for f in items
        ],
        "next": nxt,
    }


class ProposalQuery(PageQuery):
    forum: Id | None = None
    status: Literal["received", "considering", "planned", "done", "not_taken"] | None = None


@router.get(
    "/participation/proposals",
    response={200: p.ProposalPage, **ERRORS},
    tags=["participation"],
    url_name="participation_proposals",
)
def participation_proposals(request: HttpRequest, filters: Query[ProposalQuery]) -> Any:
    """Children's proposals in your reach with the government's follow-up. Children appear
    by age group. Their first names or initials and the description, free text that may tell
    about children, only for the people who handle the proposal (the forum's facilitators, the
    district administrator and the government it is addressed to); for everyone else they are
    null."""
    user = _user(request)
    qs = (
        Proposal.objects.for_user(user, A.VIEW)
        .filter(is_active=True)
        .select_related("region")
        .prefetch_related("proposers")
    )
    if filters.forum:
        qs = qs.filter(forum_id=filters.forum)
    if filters.status:
        qs = qs.filter(status=filters.status)
    items, nxt = page(qs, filters.after, filters.limit)
    named = set(
        Proposal.objects.handled_by(user)
        .filter(pk__in=[x.pk for x in items])
        .values_list("pk", flat=True)
    )
    return {
        "items": [
            {
                "id": x.pk,
                "forum_id": x.forum_id,
                "topic": x.topic,
                "description": x.description if x.pk in named else None,
                "region": x.region.code,
                "proposed_on": x.proposed_on,
                "source": x.source,
                "status": x.status,
                "response": x.response,
                "plan_item_id": x.plan_item_id,
                "followed_up_at": x.followed_up_at,
                "proposers": [
                    {"name": c.name if x.pk in named else None, "age_group": c.age_group}
                    for c in x.proposers.all()
                ],
            }
            for x in items
        ],
        "next": nxt,
    }
