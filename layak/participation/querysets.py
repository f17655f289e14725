from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

from layak import authz

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.participation.models import Facilitator, ForumDecree, Proposal  # noqa: F401


def forum_scope(user: User, action: authz.Action, forum: str = "") -> Q:
    """Rows of a Forum Anak (``forum`` the lookup to it, "" for the forum itself): everyone of
    the district reads them; the forum's facilitators and the district administrator change
    them."""
    region = f"{forum}__region" if forum else "region"
    owner = forum or "pk"
    q = authz.scope_q(user, action, region=region, organisation=owner)
    if action == authz.Action.VIEW:
        q |= authz.scope_q(user, action, region=region)
    return q


class ForumDecreeQuerySet(models.QuerySet["ForumDecree"]):
    def for_user(self, user: User, action: authz.Action) -> ForumDecreeQuerySet:
        return self.filter(forum_scope(user, action, "forum"))


class FacilitatorQuerySet(models.QuerySet["Facilitator"]):
    def for_user(self, user: User, action: authz.Action) -> FacilitatorQuerySet:
        return self.filter(forum_scope(user, action, "forum"))


class ProposalQuerySet(models.QuerySet["Proposal"]):
    def for_user(self, user: User, action: authz.Action) -> ProposalQuerySet:
        q = forum_scope(user, action, "forum")
        if action == authz.Action.VIEW:
            # A kecamatan or village reads what is addressed to it.
            q |= authz.scope_q(user, action, region="region")
        return self.filter(q)

    def handled_by(self, user: User) -> ProposalQuerySet:
        """The proposals whose free text about children and proposers' names ``user`` may
        read: the people who handle them, i.e. the forum's facilitators and the district
        administrator (who keep the forum's records) and the government the proposal is
        addressed to (who answers it). Offices, partners, the regent's office and other
        readers see the topic, the status and the response only."""
        return self.filter(
            forum_scope(user, authz.Action.EDIT, "forum")
            | authz.scope_q(user, authz.Action.EDIT, region="region")
        )
