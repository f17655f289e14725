"""Every change to partner profiles, contacts, commitments and contributions, each in one
transaction with its audit entry.

A partner contributor enters its own organisation's records (the district administrator may
enter them for a partner without an account); the secretariat, i.e. the district administrator,
validates commitments and contributions with the shared review workflow (``layak.workflow``):
draft → submitted → accepted, or returned with a reason → corrected → submitted again. Only
draft and returned records can be changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from layak import authz, workflow
from layak.accounts.models import User
from layak.audit.log import record, snapshot
from layak.core import concurrency
from layak.core.people import secretariat_of
from layak.frameworks.current import KLA_FRAMEWORKS
from layak.frameworks.models import Group, Indicator
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import PARTNER_KINDS
from layak.partners import notices
from layak.partners.models import (
    Commitment,
    Contact,
    Contribution,
    PartnerProfile,
    district_of,
)

A = authz.Action
Step = workflow.Step

PROFILE_FIELDS = (
    "description",
    "address",
    "website",
    "apsai_member",
    "apsai_number",
    "apsai_year",
    "clusters",
    "indicators",
)
CONTACT_FIELDS = ("name", "position", "phone", "email", "is_active")
COMMITMENT_FIELDS = (
    "title",
    "description",
    "cluster",
    "indicators",
    "starts_on",
    "ends_on",
    "funds",
    "people",
    "facilities",
    "methods",
)
CONTRIBUTION_FIELDS = ("date", "description", "kind", "amount", "people", "children_reached")
# APSAI (Asosiasi Perusahaan Sahabat Anak Indonesia) was founded in 2012.
APSAI_FOUNDED = 2012


class PartnerError(workflow.WorkflowError):
    """A change the rules refuse; the message is shown to the user."""


# ---- who may do what ---------------------------------------------------------------------


def _check_partner(organisation: Organisation) -> None:
    if organisation.kind not in PARTNER_KINDS:
        raise PartnerError(_("This organisation is not a partner."))
    if not organisation.is_active:
        raise PartnerError(_("This partner is inactive."))


def may_edit(actor: User, organisation: Organisation) -> bool:
    """The partner's own contributors and the district's administrator."""
    return Organisation.objects.for_user(actor, A.EDIT).filter(pk=organisation.pk).exists()


def may_review(actor: User, organisation: Organisation) -> bool:
    """The secretariat validates: the administrator of the partner's district (or the ministry),
    never a member of the partner itself."""
    if not authz.reaches(actor, A.MANAGE, district_of(organisation)):
        return False
    return not Membership.objects.active().filter(user=actor, organisation=organisation).exists()


def _require_edit(actor: User, organisation: Organisation) -> None:
    _check_partner(organisation)
    if not may_edit(actor, organisation):
        raise PartnerError(_("You cannot change this partner's records."))


def _require_review(actor: User, organisation: Organisation) -> None:
    if not may_review(actor, organisation):
        raise PartnerError(_("Only the district administrator validates partners' records."))


# ---- profile and contacts ----------------------------------------------------------------


def _clean_profile(fields: dict[str, Any]) -> None:
    if fields.get("apsai_member"):
        if not str(fields.get("apsai_number") or "").strip():
            raise PartnerError(_("Give the APSAI member number."))
        year = fields.get("apsai_year")
        if year is None:
            raise PartnerError(_("Give the year the partner joined APSAI."))
        if not APSAI_FOUNDED <= year <= timezone.localdate().year:
            raise PartnerError(
                _("The APSAI membership year must be between %(first)s and this year.")
                % {"first": APSAI_FOUNDED}
            )
    else:
        fields["apsai_number"] = ""
        fields["apsai_year"] = None
    clusters: list[Group] = list(fields.get("clusters") or [])
    indicators: list[Indicator] = list(fields.get("indicators") or [])
    if any(g.version.framework.code not in KLA_FRAMEWORKS for g in clusters):
        raise PartnerError(_("Choose clusters of the KLA instrument."))
    if any(i.version.framework.code not in KLA_FRAMEWORKS for i in indicators):
        raise PartnerError(_("Choose indicators of the KLA instrument."))


@transaction.atomic
def profile_save(
    *,
    actor: User,
    organisation: Organisation,
    description: str = "",
    address: str = "",
    website: str = "",
    apsai_member: bool = False,
    apsai_number: str = "",
    apsai_year: int | None = None,
    clusters: Iterable[Group] = (),
    indicators: Iterable[Indicator] = (),
) -> PartnerProfile:
    """Create the partner's profile on the first edit that says something, or change it."""
    organisation = Organisation.objects.select_for_update(of=("self",)).get(pk=organisation.pk)
    _require_edit(actor, organisation)
    if apsai_member and organisation.kind != Organisation.Kind.BUSINESS:
        raise PartnerError(_("Only a business can be a member of APSAI."))
    fields: dict[str, Any] = {
        "description": description.strip(),
        "address": address.strip(),
        "website": website.strip(),
        "apsai_member": apsai_member,
        "apsai_number": apsai_number.strip(),
        "apsai_year": apsai_year,
        "clusters": list(clusters),
        "indicators": list(indicators),
    }
    _clean_profile(fields)
    profile = PartnerProfile.objects.filter(organisation=organisation).first()
    if profile is None:
        if not any(fields.values()):
            # Saving the empty form stores nothing: there is still no profile to show.
            return PartnerProfile(organisation=organisation)
        profile = PartnerProfile.objects.create(organisation=organisation)
        before = None
    else:
        before = snapshot(profile, PROFILE_FIELDS)
    for name in PROFILE_FIELDS[:6]:
        setattr(profile, name, fields[name])
    profile.updated_by = actor
    profile.save()
    profile.clusters.set(fields["clusters"])
    profile.indicators.set(fields["indicators"])
    after = snapshot(profile, PROFILE_FIELDS)
    if after != before:
        record(
            actor=actor,
            action="partners.profile_saved",
            obj=profile,
            region=district_of(organisation),
            before=before,
            after=after,
        )
    return profile


def _clean_contact(fields: dict[str, Any]) -> None:
    for name in ("name", "position", "phone", "email"):
        if name in fields:
            fields[name] = str(fields[name] or "").strip()
    if "name" in fields and not fields["name"]:
        raise PartnerError(_("Give the contact person's name."))
    if not fields.get("phone") and not fields.get("email"):
        raise PartnerError(_("Give a phone number or an email address."))


@transaction.atomic
def contact_create(
    *,
    actor: User,
    organisation: Organisation,
    name: str,
    position: str = "",
    phone: str = "",
    email: str = "",
) -> Contact:
    _require_edit(actor, organisation)
    fields: dict[str, Any] = {"name": name, "position": position, "phone": phone, "email": email}
    _clean_contact(fields)
    contact = Contact.objects.create(organisation=organisation, **fields)
    record(
        actor=actor,
        action="partners.contact_created",
        obj=contact,
        region=district_of(organisation),
        after=snapshot(contact, CONTACT_FIELDS),
    )
    return contact


@transaction.atomic
def contact_update(
    *, actor: User, contact: Contact, name: str, position: str, phone: str, email: str
) -> Contact:
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=contact.pk)
    )
    _require_edit(actor, contact.organisation)
    fields: dict[str, Any] = {"name": name, "position": position, "phone": phone, "email": email}
    _clean_contact(fields)
    before = snapshot(contact, CONTACT_FIELDS)
    for key, value in fields.items():
        setattr(contact, key, value)
    contact.save(update_fields=list(fields))
    after = snapshot(contact, CONTACT_FIELDS)
    if after != before:
        record(
            actor=actor,
            action="partners.contact_changed",
            obj=contact,
            region=district_of(contact.organisation),
            before=before,
            after=after,
        )
    return contact


@transaction.atomic
def contact_set_active(*, actor: User, contact: Contact, active: bool) -> Contact:
    """Deactivate a contact person who left (or bring them back); nothing is deleted."""
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=contact.pk)
    )
    _require_edit(actor, contact.organisation)
    if contact.is_active == active:
        return contact
    contact.is_active = active
    contact.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="partners.contact_reactivated" if active else "partners.contact_deactivated",
        obj=contact,
        region=district_of(contact.organisation),
        before={"is_active": not active},
        after={"is_active": active},
    )
    return contact


# ---- commitments -------------------------------------------------------------------------


def _clean_commitment(fields: dict[str, Any]) -> None:
    fields["title"] = str(fields.get("title") or "").strip()
    if not fields["title"]:
        raise PartnerError(_("Give the commitment a title."))
    cluster: Group | None = fields.get("cluster")
    if cluster is None or cluster.version.framework.code not in KLA_FRAMEWORKS:
        raise PartnerError(_("Choose a cluster of the KLA instrument."))
    indicators: list[Indicator] = list(fields.get("indicators") or [])
    if any(i.group_id != cluster.pk for i in indicators):
        raise PartnerError(_("Choose only indicators of the commitment's cluster."))
    fields["indicators"] = indicators
    starts_on: datetime.date | None = fields.get("starts_on")
    ends_on: datetime.date | None = fields.get("ends_on")
    if starts_on is None or ends_on is None:
        raise PartnerError(_("Give the period of the commitment."))
    if ends_on < starts_on:
        raise PartnerError(_("The commitment cannot end before it starts."))
    funds = Decimal(fields.get("funds") or 0)
    people = int(fields.get("people") or 0)
    if funds < 0 or people < 0:
        raise PartnerError(_("Funds and people cannot be negative."))
    fields["funds"], fields["people"] = funds, people
    fields["facilities"] = str(fields.get("facilities") or "").strip()
    fields["methods"] = str(fields.get("methods") or "").strip()
    fields["description"] = str(fields.get("description") or "").strip()
    if not (funds or people or fields["facilities"] or fields["methods"]):
        raise PartnerError(
            _("Pledge at least one resource: funds, people, facilities or a method or programme.")
        )


@transaction.atomic
def commitment_create(*, actor: User, organisation: Organisation, **fields: Any) -> Commitment:
    """Record a commitment (as a draft). ``fields``: the names in ``COMMITMENT_FIELDS``."""
    _require_edit(actor, organisation)
    _clean_commitment(fields)
    indicators = fields.pop("indicators")
    commitment = Commitment.objects.create(organisation=organisation, created_by=actor, **fields)
    commitment.indicators.set(indicators)
    record(
        actor=actor,
        action="partners.commitment_created",
        obj=commitment,
        region=district_of(organisation),
        after=snapshot(commitment, COMMITMENT_FIELDS),
    )
    return commitment


def _lock_commitment(commitment: Commitment) -> Commitment:
    return (
        Commitment.objects.select_for_update(of=("self",))
        .select_related("organisation__region", "cluster__version__framework")
        .get(pk=commitment.pk)
    )


def _check_editable(item: Commitment | Contribution) -> None:
    if not item.is_active:
        raise PartnerError(_("This record has been withdrawn."))
    if not item.editable:
        raise PartnerError(
            _("A submitted or accepted record cannot be changed; ask the secretariat to return it.")
        )


@transaction.atomic
def commitment_update(
    *, actor: User, commitment: Commitment, revision: int | None = None, **fields: Any
) -> Commitment:
    """Change a draft or returned commitment. ``revision`` is the one the person opened: if the
    commitment was saved since, nothing changes and ``EditConflict`` carries it as it is now."""
    commitment = _lock_commitment(commitment)
    _require_edit(actor, commitment.organisation)
    _check_editable(commitment)
    concurrency.check(commitment, revision)
    merged = {name: getattr(commitment, name) for name in COMMITMENT_FIELDS if name != "indicators"}
    merged["indicators"] = list(commitment.indicators.all())
    merged.update(fields)
    _clean_commitment(merged)
    before = snapshot(commitment, COMMITMENT_FIELDS)
    indicators = merged.pop("indicators")
    for name, value in merged.items():
        setattr(commitment, name, value)
    commitment.save(update_fields=[*merged, "updated_at"])
    commitment.indicators.set(indicators)
    after = snapshot(commitment, COMMITMENT_FIELDS)
    if after != before:
        commitment.save(update_fields=[concurrency.bump(commitment)])
        record(
            actor=actor,
            action="partners.commitment_changed",
            obj=commitment,
            region=district_of(commitment.organisation),
            before=before,
            after=after,
        )
    return commitment


def _step(item: Commitment | Contribution, step: Step, reason: str = "") -> str:
    if not item.is_active:
        raise PartnerError(_("This record has been withdrawn."))
    try:
        return workflow.apply(item, step, reason)
    except workflow.WorkflowError as error:
        raise PartnerError(str(error)) from error


def _save_step(item: Commitment | Contribution, actor: User, step: Step) -> None:
    now = timezone.now()
    fields = ["status", "return_reason"]
    if step == Step.SUBMIT:
        item.submitted_at = now
        fields.append("submitted_at")
    else:
        item.reviewed_at, item.reviewed_by = now, actor
        fields += ["reviewed_at", "reviewed_by"]
    item.save(update_fields=fields)


def _audit_step(
    item: Commitment | Contribution,
    actor: User,
    step: Step,
    before: str,
    organisation: Organisation,
) -> None:
    kind = "commitment" if isinstance(item, Commitment) else "contribution"
    verb = {Step.SUBMIT: "submitted", Step.ACCEPT: "accepted", Step.RETURN: "returned"}[step]
    after: dict[str, Any] = {"status": item.status}
    if step == Step.RETURN:
        after["reason"] = item.return_reason
    record(
        actor=actor,
        action=f"partners.{kind}_{verb}",
        obj=item,
        region=district_of(organisation),
        before={"status": before},
        after=after,
    )
    if step != Step.SUBMIT:
        notices.record_reviewed(actor=actor, item=item, organisation=organisation)
    else:
        district = district_of(organisation)
        notify(
            secretariat_of(district),
            Notice.Kind.PARTNER_SUBMITTED,
            actor=actor,
            url=item.get_absolute_url(),
            message=gettext_noop("%(partner)s submitted the commitment “%(what)s” for validation.")
            if kind == "commitment"
            else gettext_noop("%(partner)s submitted the contribution “%(what)s” for validation."),
            params={
                "partner": organisation.name,
                "what": item.title if isinstance(item, Commitment) else item.description[:100],
            },
            target=item,
            region=district,
        )


def _refresh_evaluation(commitment: Commitment, actor: User) -> None:
    """The evaluation's KL-3 answer counts accepted commitments: bring it up to date."""
    from layak.evaluation import computed

    computed.refresh(commitment.attachment_region, actor)


@transaction.atomic
def commitment_submit(*, actor: User, commitment: Commitment) -> Commitment:
    commitment = _lock_commitment(commitment)
    _require_edit(actor, commitment.organisation)
    before = _step(commitment, Step.SUBMIT)
    _save_step(commitment, actor, Step.SUBMIT)
    _audit_step(commitment, actor, Step.SUBMIT, before, commitment.organisation)
    return commitment


@transaction.atomic
def commitment_accept(*, actor: User, commitment: Commitment) -> Commitment:
    commitment = _lock_commitment(commitment)
    _require_review(actor, commitment.organisation)
    before = _step(commitment, Step.ACCEPT)
    _save_step(commitment, actor, Step.ACCEPT)
    _audit_step(commitment, actor, Step.ACCEPT, before, commitment.organisation)
    _refresh_evaluation(commitment, actor)
    return commitment


@transaction.atomic
def commitment_return(*, actor: User, commitment: Commitment, reason: str) -> Commitment:
    commitment = _lock_commitment(commitment)
    _require_review(actor, commitment.organisation)
    before = _step(commitment, Step.RETURN, reason)
    _save_step(commitment, actor, Step.RETURN)
    _audit_step(commitment, actor, Step.RETURN, before, commitment.organisation)
    _refresh_evaluation(commitment, actor)
    return commitment


@transaction.atomic
def commitment_withdraw(*, actor: User, commitment: Commitment) -> Commitment:
    """Withdraw a draft or returned commitment entered by mistake; it is kept, inactive, with
    its draft contributions."""
    commitment = _lock_commitment(commitment)
    _require_edit(actor, commitment.organisation)
    _check_editable(commitment)
    if (
        commitment.contributions.filter(is_active=True)
        .exclude(status__in=workflow.EDITABLE)
        .exists()
    ):
        raise PartnerError(
            _("Contributions of this commitment are submitted or accepted; it cannot be withdrawn.")
        )
    commitment.is_active = False
    commitment.save(update_fields=["is_active", "updated_at"])
    commitment.contributions.filter(is_active=True).update(is_active=False)
    record(
        actor=actor,
        action="partners.commitment_withdrawn",
        obj=commitment,
        region=district_of(commitment.organisation),
        before={"is_active": True},
        after={"is_active": False},
    )
    return commitment


# ---- contributions -----------------------------------------------------------------------


def _clean_contribution(commitment: Commitment, fields: dict[str, Any]) -> None:
    date: datetime.date | None = fields.get("date")
    if date is None:
        raise PartnerError(_("Give the date of the contribution."))
    if date > timezone.localdate():
        raise PartnerError(_("A contribution is recorded once it is delivered, not in advance."))
    if not commitment.starts_on <= date <= commitment.ends_on:
        raise PartnerError(
            _("The date must fall within the commitment's period (%(start)s – %(end)s).")
            % {
                "start": commitment.starts_on.strftime("%d-%m-%Y"),
                "end": commitment.ends_on.strftime("%d-%m-%Y"),
            }
        )
    fields["description"] = str(fields.get("description") or "").strip()
    if not fields["description"]:
        raise PartnerError(_("Describe what was delivered."))
    kind = fields.get("kind")
    if kind not in Contribution.Kind.values:
        raise PartnerError(_("Choose the kind of resource."))
    amount = Decimal(fields.get("amount") or 0)
    people = int(fields.get("people") or 0)
    children = int(fields.get("children_reached") or 0)
    if amount < 0 or people < 0 or children < 0:
        raise PartnerError(_("Amounts and counts cannot be negative."))
    if kind == Contribution.Kind.FUNDS and amount <= 0:
        raise PartnerError(_("Give the amount of funds in rupiah."))
    if kind != Contribution.Kind.FUNDS and amount:
        raise PartnerError(_("An amount in rupiah is given only for a contribution of funds."))
    if kind == Contribution.Kind.PEOPLE and people <= 0:
        raise PartnerError(_("Give the number of people deployed."))
    fields["amount"], fields["people"], fields["children_reached"] = amount, people, children


@transaction.atomic
def contribution_create(*, actor: User, commitment: Commitment, **fields: Any) -> Contribution:
    """Record a contribution (as a draft) against ``commitment``. ``fields``: the names in
    ``CONTRIBUTION_FIELDS``."""
    commitment = _lock_commitment(commitment)
    _require_edit(actor, commitment.organisation)
    if not commitment.is_active:
        raise PartnerError(_("This commitment has been withdrawn."))
    _clean_contribution(commitment, fields)
    contribution = Contribution.objects.create(commitment=commitment, created_by=actor, **fields)
    record(
        actor=actor,
        action="partners.contribution_created",
        obj=contribution,
        region=district_of(commitment.organisation),
        after=snapshot(contribution, CONTRIBUTION_FIELDS),
    )
    return contribution


def _lock_contribution(contribution: Contribution) -> Contribution:
    return (
        Contribution.objects.select_for_update(of=("self",))
        .select_related("commitment__organisation__region")
        .get(pk=contribution.pk)
    )


@transaction.atomic
def contribution_update(*, actor: User, contribution: Contribution, **fields: Any) -> Contribution:
    contribution = _lock_contribution(contribution)
    organisation = contribution.commitment.organisation
    _require_edit(actor, organisation)
    _check_editable(contribution)
    merged = {name: getattr(contribution, name) for name in CONTRIBUTION_FIELDS}
    merged.update(fields)
    _clean_contribution(contribution.commitment, merged)
    before = snapshot(contribution, CONTRIBUTION_FIELDS)
    for name, value in merged.items():
        setattr(contribution, name, value)
    contribution.save(update_fields=[*merged, "updated_at"])
    after = snapshot(contribution, CONTRIBUTION_FIELDS)
    if after != before:
        record(
            actor=actor,
            action="partners.contribution_changed",
            obj=contribution,
            region=district_of(organisation),
            before=before,
            after=after,
        )
    return contribution


@transaction.atomic
def contribution_submit(*, actor: User, contribution: Contribution) -> Contribution:
    contribution = _lock_contribution(contribution)
    organisation = contribution.commitment.organisation
    _require_edit(actor, organisation)
    if not contribution.commitment.is_active:
        raise PartnerError(_("This commitment has been withdrawn."))
    before = _step(contribution, Step.SUBMIT)
    _save_step(contribution, actor, Step.SUBMIT)
    _audit_step(contribution, actor, Step.SUBMIT, before, organisation)
    return contribution


@transaction.atomic
def contribution_accept(*, actor: User, contribution: Contribution) -> Contribution:
    """Accept a contribution; its commitment must be accepted first, so the figures the district
    reports always rest on a validated commitment."""
    contribution = _lock_contribution(contribution)
    organisation = contribution.commitment.organisation
    _require_review(actor, organisation)
    if contribution.commitment.status != workflow.Status.ACCEPTED:
        raise PartnerError(_("Accept the commitment before its contributions."))
    before = _step(contribution, Step.ACCEPT)
    _save_step(contribution, actor, Step.ACCEPT)
    _audit_step(contribution, actor, Step.ACCEPT, before, organisation)
    return contribution


@transaction.atomic
def contribution_return(*, actor: User, contribution: Contribution, reason: str) -> Contribution:
    contribution = _lock_contribution(contribution)
    organisation = contribution.commitment.organisation
    _require_review(actor, organisation)
    before = _step(contribution, Step.RETURN, reason)
    _save_step(contribution, actor, Step.RETURN)
    _audit_step(contribution, actor, Step.RETURN, before, organisation)
    return contribution


@transaction.atomic
def contribution_withdraw(*, actor: User, contribution: Contribution) -> Contribution:
    """Withdraw a draft or returned contribution entered by mistake; it is kept, inactive."""
    contribution = _lock_contribution(contribution)
    organisation = contribution.commitment.organisation
    _require_edit(actor, organisation)
    _check_editable(contribution)
    contribution.is_active = False
    contribution.save(update_fields=["is_active", "updated_at"])
    record(
        actor=actor,
        action="partners.contribution_withdrawn",
        obj=contribution,
        region=district_of(organisation),
        before={"is_active": True},
        after={"is_active": False},
    )
    return contribution
