"""Every change to forums' decrees and facilitators and to children's proposals goes through
these functions, each in one transaction with its audit entry."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from layak import authz
from layak.audit.log import record, snapshot
from layak.core.people import secretariat_of
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import OrganisationKind, Role
from layak.participation import notices
from layak.participation.models import (
    AgeGroup,
    Facilitator,
    ForumDecree,
    Proposal,
    Proposer,
    Source,
    Status,
    district_of,
)
from layak.participation.privacy import Finding, describe, findings
from layak.regions.models import Region

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.plans.models import PlanItem


class ParticipationError(Exception):
    """A change the rules refuse; the message is shown to the user."""


class IdentifyingText(ParticipationError):
    """Free text that may identify a child, not confirmed as anonymous; ``found`` holds what
    was flagged per field, so a form shows each message beside its field."""

    def __init__(self, found: dict[str, list[Finding]]) -> None:
        self.found = found
        self.messages = {name: describe(items) for name, items in found.items()}
        super().__init__(" ".join(self.messages.values()))


def check_anonymous(texts: dict[str, str], *, names: list[str], confirmed: bool) -> None:
    """Refuse free text that looks like it names a child, gives an age or tells an incident,
    unless the person confirmed it identifies no one (``privacy``)."""
    if confirmed:
        return
    found = {field: got for field, text in texts.items() if (got := findings(text, names))}
    if found:
        raise IdentifyingText(found)


# A proposer is recorded by a first name or initials only: one word of letters (dots, hyphens
# and apostrophes allowed, as in "A.R." or "Nur'aini"), at most 20 characters.
PROPOSER_NAME_MAX = 20
_PROPOSER_NAME = re.compile(r"^[^\W\d_](?:[^\W\d_]|[.'’-])*$")


def check_proposer_name(name: str) -> str:
    """The cleaned first name or initials, or ParticipationError."""
    name = name.strip()
    if not name:
        raise ParticipationError(_("Give the child's first name or initials."))
    if len(name) > PROPOSER_NAME_MAX or not _PROPOSER_NAME.match(name):
        raise ParticipationError(
            _(
                "Record a child only by a first name or initials (one word, at most %(max)d "
                "letters): “%(name)s” is more than that."
            )
            % {"max": PROPOSER_NAME_MAX, "name": name[:40]}
        )
    return name


def is_forum(organisation: Organisation) -> bool:
    return organisation.kind == OrganisationKind.FORUM_ANAK


def can_edit_forum(user: User, forum: Organisation) -> bool:
    """The forum's own facilitators, the district administrator (and the ministry)."""
    return Organisation.objects.for_user(user, authz.Action.EDIT).filter(pk=forum.pk).exists()


def can_follow_up(user: User, proposal: Proposal) -> bool:
    """The government the proposal is addressed to answers it: the district administrator (or
    a kecamatan/village operator for its area), never the forum's facilitator."""
    return authz.reaches(user, authz.Action.EDIT, proposal.region)


def _require_forum(actor: User, forum: Organisation) -> Region:
    if not is_forum(forum) or forum.region is None:
        raise ParticipationError(_("This organisation is not a children's forum."))
    if not forum.is_active:
        raise ParticipationError(_("This forum is no longer active."))
    if not can_edit_forum(actor, forum):
        raise ParticipationError(_("You cannot change this forum's records."))
    return forum.region


# ---- decrees ------------------------------------------------------------------------------

DECREE_FIELDS = ("forum", "number", "issued_on", "period_start", "period_end", "superseded_by")


@transaction.atomic
def decree_add(
    *,
    actor: User,
    forum: Organisation,
    number: str,
    issued_on: datetime.date,
    period_start: datetime.date,
    period_end: datetime.date | None = None,
) -> ForumDecree:
    """Record the forum's new decree (SK); the one in force until now is superseded and kept."""
    region = _require_forum(actor, forum)
    number = number.strip()
    if not number:
        raise ParticipationError(_("Give the decree number."))
    if period_end is not None and period_end < period_start:
        raise ParticipationError(_("The period cannot end before it starts."))
    previous = (
        ForumDecree.objects.select_for_update(of=("self",))
        .filter(forum=forum, superseded_at=None)
        .first()
    )
    if previous is not None and issued_on < previous.issued_on:
        raise ParticipationError(
            _("The new decree cannot be older than the one in force (%(date)s).")
            % {"date": previous.issued_on.isoformat()}
        )
    if previous is not None:
        # Out of force first: a forum has one current decree at any moment.
        previous.superseded_at = timezone.now()
        previous.save(update_fields=["superseded_at"])
    decree = ForumDecree.objects.create(
        forum=forum,
        number=number,
        issued_on=issued_on,
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
    )
    district = district_of(region)
    if previous is not None:
        previous.superseded_by = decree
        previous.save(update_fields=["superseded_by"])
        record(
            actor=actor,
            action="participation.decree_superseded",
            obj=previous,
            region=district,
            before={"superseded_by": None},
            after={"superseded_by": decree.pk},
        )
    record(
        actor=actor,
        action="participation.decree_added",
        obj=decree,
        region=district,
        after=snapshot(decree, DECREE_FIELDS),
    )
    return decree


# ---- facilitators -------------------------------------------------------------------------


@transaction.atomic
def facilitator_add(
    *,
    actor: User,
    forum: Organisation,
    name: str = "",
    affiliation: str = "",
    user: User | None = None,
) -> Facilitator:
    """Name a facilitator of the forum, by name and organisation or as a Layak account that
    holds the children's forum facilitator role in this forum."""
    region = _require_forum(actor, forum)
    if user is not None:
        holds = Membership.objects.active().filter(
            user=user, organisation=forum, role=Role.FORUM_FACILITATOR
        )
        if not holds.exists():
            raise ParticipationError(
                _("This person does not hold the facilitator role in this forum.")
            )
        name = name.strip() or user.full_name
    name = name.strip()
    if not name:
        raise ParticipationError(_("Give the facilitator's name."))
    facilitator = Facilitator.objects.create(
        forum=forum,
        name=name,
        affiliation=affiliation.strip(),
        user=user,
        created_by=actor,
    )
    record(
        actor=actor,
        action="participation.facilitator_added",
        obj=facilitator,
        region=district_of(region),
        after=snapshot(facilitator, ("forum", "name", "affiliation", "user")),
    )
    return facilitator


@transaction.atomic
def facilitator_set_active(*, actor: User, facilitator: Facilitator, active: bool) -> Facilitator:
    """A facilitator who leaves stays in the records, inactive."""
    facilitator = (
        Facilitator.objects.select_for_update(of=("self",))
        .select_related("forum__region")
        .get(pk=facilitator.pk)
    )
    region = _require_forum(actor, facilitator.forum)
    if facilitator.is_active != active:
        facilitator.is_active = active
        facilitator.save(update_fields=["is_active"])
        record(
            actor=actor,
            action="participation.facilitator_" + ("restored" if active else "ended"),
            obj=facilitator,
            region=district_of(region),
            before={"is_active": not active},
            after={"is_active": active},
        )
    return facilitator


# ---- proposals ----------------------------------------------------------------------------

PROPOSAL_FIELDS = ("forum", "topic", "description", "region", "proposed_on", "source")
FOLLOW_UP_FIELDS = ("status", "response", "plan_item")


@dataclass
class ProposalData:
    topic: str
    region: Region
    proposed_on: datetime.date
    source: str
    description: str = ""
    # (first name or initials, age group) of each child who proposed it.
    proposers: list[tuple[str, str]] = field(default_factory=list)
    # The person confirmed that text flagged as possibly identifying a child identifies no one.
    anonymity_confirmed: bool = False


def _check_proposal(forum_region: Region, data: ProposalData) -> list[tuple[str, str]]:
    if not data.topic.strip():
        raise ParticipationError(_("Give the topic of the proposal."))
    if data.source not in Source.values:
        raise ParticipationError(_("Choose where the proposal comes from."))
    district = district_of(forum_region)
    if data.region.level < Region.Level.REGENCY or not data.region.path.startswith(district.path):
        raise ParticipationError(
            _("A proposal is addressed to %(district)s or one of its kecamatan or villages.")
            % {"district": district.name}
        )
    if data.proposed_on > timezone.localdate():
        raise ParticipationError(_("The date of the proposal cannot be in the future."))
    proposers = []
    for name, age_group in data.proposers:
        if age_group not in AgeGroup.values:
            raise ParticipationError(_("Choose the age group of each child."))
        proposers.append((check_proposer_name(name), age_group))
    check_anonymous(
        {"topic": data.topic, "description": data.description},
        names=[name for name, _age in proposers],
        confirmed=data.anonymity_confirmed,
    )
    return proposers


def _proposal_snapshot(proposal: Proposal, confirmed: bool = False) -> dict[str, Any]:
    data = snapshot(proposal, PROPOSAL_FIELDS)
    # Who proposed is kept as the number of children per age group only, even in the log.
    data["proposers"] = sorted(proposal.proposers.values_list("age_group", flat=True))
    if confirmed:
        data["anonymity_confirmed"] = True
    return data


@transaction.atomic
def proposal_create(*, actor: User, forum: Organisation, data: ProposalData) -> Proposal:
    """Record what the forum's children propose (the facilitator enters it)."""
    region = _require_forum(actor, forum)
    proposers = _check_proposal(region, data)
    proposal = Proposal.objects.create(
        forum=forum,
        topic=data.topic.strip(),
        description=data.description.strip(),
        region=data.region,
        proposed_on=data.proposed_on,
        source=data.source,
        created_by=actor,
    )
    Proposer.objects.bulk_create(
        [Proposer(proposal=proposal, name=n, age_group=a) for n, a in proposers]
    )
    record(
        actor=actor,
        action="participation.proposal_added",
        obj=proposal,
        region=district_of(region),
        after=_proposal_snapshot(proposal, data.anonymity_confirmed),
    )
    # The topic and the forum only: the children who proposed it never reach a notice.
    notify(
        secretariat_of(district_of(region)),
        Notice.Kind.PROPOSAL_RECEIVED,
        actor=actor,
        url=proposal.get_absolute_url(),
        message=gettext_noop("%(forum)s proposes “%(topic)s”."),
        params={"forum": forum.name, "topic": proposal.topic},
        target=proposal,
        region=district_of(region),
    )
    return proposal


@transaction.atomic
def proposal_update(*, actor: User, proposal: Proposal, data: ProposalData) -> Proposal:
    """Correct a proposal while the government has not yet answered it."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("forum__region")
        .get(pk=proposal.pk)
    )
    region = _require_forum(actor, proposal.forum)
    if proposal.status != Status.RECEIVED:
        raise ParticipationError(_("The proposal has been answered; it can no longer be changed."))
    proposers = _check_proposal(region, data)
    before = _proposal_snapshot(proposal)
    proposal.topic = data.topic.strip()
    proposal.description = data.description.strip()
    proposal.region = data.region
    proposal.proposed_on = data.proposed_on
    proposal.source = data.source
    proposal.save(update_fields=["topic", "description", "region", "proposed_on", "source"])
    # The proposing children's rows are changed in place: an unchanged list keeps every row;
    # a child taken off the list is removed (a first name or initials only, kept no longer
    # than needed).
    existing = list(proposal.proposers.order_by("pk"))
    for row, (name, age_group) in zip(existing, proposers, strict=False):
        if (row.name, row.age_group) != (name, age_group):
            row.name, row.age_group = name, age_group
            row.save(update_fields=["name", "age_group"])
    Proposer.objects.bulk_create(
        [Proposer(proposal=proposal, name=n, age_group=a) for n, a in proposers[len(existing) :]]
    )
    Proposer.objects.filter(pk__in=[row.pk for row in existing[len(proposers) :]]).delete()
    record(
        actor=actor,
        action="participation.proposal_changed",
        obj=proposal,
        region=district_of(region),
        before=before,
        after=_proposal_snapshot(proposal, data.anonymity_confirmed),
    )
    return proposal


@transaction.atomic
def proposal_follow_up(
    *,
    actor: User,
    proposal: Proposal,
    status: str,
    response: str,
    plan_item: PlanItem | None = None,
    anonymity_confirmed: bool = False,
) -> Proposal:
    """Answer a proposal: under consideration, taken into the RAD KLA (with its activity),
    done, or not taken up (with the reason). Only the government it is addressed to answers.
    The response is public, so it is checked like the proposal's own text."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("forum__region", "region")
        .get(pk=proposal.pk)
    )
    if not can_follow_up(actor, proposal):
        raise ParticipationError(
            _("Only the government the proposal is addressed to records its follow-up.")
        )
    if status not in Status.values or status == Status.RECEIVED:
        raise ParticipationError(_("Choose the follow-up status."))
    response = response.strip()
    if status == Status.NOT_TAKEN and not response:
        raise ParticipationError(_("Say why the proposal is not taken up."))
    if status != Status.CONSIDERING and not response:
        raise ParticipationError(_("Write the response the children will read."))
    check_anonymous(
        {"response": response},
        names=list(proposal.proposers.values_list("name", flat=True)),
        confirmed=anonymity_confirmed,
    )
    district = district_of(proposal.region)
    if plan_item is not None:
        if status not in (Status.PLANNED, Status.DONE):
            raise ParticipationError(
                _("Link a RAD KLA activity only to a proposal taken into the plan or done.")
            )
        if plan_item.plan.region_id != district.pk:
            raise ParticipationError(_("The activity belongs to another district's plan."))
    before = snapshot(proposal, FOLLOW_UP_FIELDS)
    proposal.status = status
    proposal.response = response
    proposal.plan_item = plan_item
    proposal.followed_up_at = timezone.now()
    proposal.followed_up_by = actor
    proposal.save(
        update_fields=["status", "response", "plan_item", "followed_up_at", "followed_up_by"]
    )
    after = snapshot(proposal, FOLLOW_UP_FIELDS)
    if anonymity_confirmed:
        after["anonymity_confirmed"] = True
    record(
        actor=actor,
        action="participation.proposal_followed_up",
        obj=proposal,
        region=district,
        before=before,
        after=after,
    )
    notices.proposal_answered(actor=actor, proposal=proposal)
    return proposal


@transaction.atomic
def proposal_set_active(*, actor: User, proposal: Proposal, active: bool) -> Proposal:
    """Withdraw a proposal entered by mistake (kept, inactive) or restore it."""
    proposal = (
        Proposal.objects.select_for_update(of=("self",))
        .select_related("forum__region")
        .get(pk=proposal.pk)
    )
    region = _require_forum(actor, proposal.forum)
    if proposal.is_active != active:
        proposal.is_active = active
        proposal.save(update_fields=["is_active"])
        record(
            actor=actor,
            action="participation.proposal_" + ("restored" if active else "withdrawn"),
            obj=proposal,
            region=district_of(region),
            before={"is_active": not active},
            after={"is_active": active},
        )
    return proposal
