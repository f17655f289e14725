"""Notices of children's participation: the government answered a forum's proposal, and the
forum's facilitators hear of it (they tell the children)."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from layak.accounts.models import User
from layak.core.people import members_of
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.organisations.roles import Role
from layak.participation.models import Proposal, Status, district_of

# One message per answer, so the status reads in each reader's language.
MESSAGES = {
    Status.CONSIDERING: gettext_noop("%(government)s is considering the proposal “%(topic)s”"),
    Status.PLANNED: gettext_noop(
        "%(government)s took the proposal “%(topic)s” into the plan: %(response)s"
    ),
    Status.DONE: gettext_noop(
        "%(government)s did what the proposal “%(topic)s” asked: %(response)s"
    ),
    Status.NOT_TAKEN: gettext_noop(
        "%(government)s did not take up the proposal “%(topic)s”: %(response)s"
    ),
}


def proposal_answered(*, actor: User, proposal: Proposal) -> int:
    return notify(
        members_of(proposal.forum_id, [Role.FORUM_FACILITATOR]),
        Notice.Kind.PROPOSAL_ANSWERED,
        actor=actor,
        url=proposal.get_absolute_url(),
        message=MESSAGES[Status(proposal.status)],
        params={
            "government": proposal.region.name,
            "topic": proposal.topic,
            "response": proposal.response,
        },
        target=proposal,
        region=district_of(proposal.region),
    )
