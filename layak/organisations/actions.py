"""Every change to organisations and memberships goes through these functions, each in one
transaction with its audit entry. Views, commands and the API call the same functions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.audit.log import record, snapshot
from layak.organisations.models import Membership, OfficeNameMapping, Organisation
from layak.organisations.offices import OfficeKind, kinds_for
from layak.organisations.roles import (
    DEFAULT_REGION_LEVELS,
    DISTRICT_GRANTABLE_ROLES,
    KIND_REGION_LEVELS,
    ROLE_ORGANISATION_KINDS,
    Role,
)

if TYPE_CHECKING:
    from layak.regions.models import Region


class OrganisationError(Exception):
    """A change that the rules refuse; the message is shown to the user."""


ORGANISATION_FIELDS = (
    "region",
    "name",
    "acronym",
    "kind",
    "office_kind",
    "email",
    "phone",
    "address",
    "is_active",
)
MEMBERSHIP_FIELDS = ("user", "organisation", "role", "is_active", "assigned_regions")


def _check_region_fits_kind(kind: str, region: Region | None) -> None:
    allowed = KIND_REGION_LEVELS.get(kind, DEFAULT_REGION_LEVELS)
    level = region.level if region is not None else None
    if level not in allowed:
        if None in allowed:
            raise OrganisationError(_("A ministry is national: it has no region."))
        if 1 in allowed:
            raise OrganisationError(_("A province office belongs to a province."))
        raise OrganisationError(
            _("This kind of organisation belongs to a regency/city, sub-district or village.")
        )


def _check_manages_region(actor: User, region: Region | None) -> None:
    if not authz.reaches(actor, authz.Action.MANAGE, region):
        raise OrganisationError(_("You cannot manage organisations in this region."))


def _check_role_fits(actor: User, role: str, organisation: Organisation) -> None:
    if role not in Role.values:
        raise OrganisationError(_("Unknown role."))
    if organisation.kind not in ROLE_ORGANISATION_KINDS[role]:
        raise OrganisationError(
            _("The role “%(role)s” cannot be held in an organisation of the kind “%(kind)s”.")
            % {"role": Role(role).label, "kind": organisation.get_kind_display()}
        )
    if role == Role.DISTRICT_ADMIN and (
        organisation.region is None or organisation.region.level != 2
    ):
        raise OrganisationError(
            _("A district administrator belongs to an office of a regency or city.")
        )
    if Role.MINISTRY_ADMIN not in authz.roles(actor) and role not in DISTRICT_GRANTABLE_ROLES:
        raise OrganisationError(_("Only the ministry administrator can give this role."))


@transaction.atomic
def organisation_create(*, actor: User, region: Region | None, **fields: Any) -> Organisation:
    _check_manages_region(actor, region)
    kind = fields.get("kind", "")
    _check_region_fits_kind(kind, region)
    if Organisation.objects.filter(region=region, name__iexact=fields.get("name", "")).exists():
        raise OrganisationError(_("An organisation with this name already exists in this region."))
    organisation = Organisation.objects.create(region=region, **fields)
    record(
        actor=actor,
        action="organisation.created",
        obj=organisation,
        region=region,
        after=snapshot(organisation, ORGANISATION_FIELDS),
    )
    return organisation


@transaction.atomic
def organisation_update(*, actor: User, organisation: Organisation, **fields: Any) -> Organisation:
    organisation = Organisation.objects.select_for_update(of=("self",)).get(pk=organisation.pk)
    _check_manages_region(actor, organisation.region)
    before = snapshot(organisation, ORGANISATION_FIELDS)
    region = fields.get("region", organisation.region)
    if "region" in fields:
        _check_manages_region(actor, region)
    _check_region_fits_kind(fields.get("kind", organisation.kind), region)
    name = fields.get("name", organisation.name)
    clash = Organisation.objects.filter(region=region, name__iexact=name).exclude(
        pk=organisation.pk
    )
    if clash.exists():
        raise OrganisationError(_("An organisation with this name already exists in this region."))
    if "kind" in fields and fields["kind"] != organisation.kind:
        held = set(organisation.memberships.filter(is_active=True).values_list("role", flat=True))
        if any(fields["kind"] not in ROLE_ORGANISATION_KINDS[r] for r in held):
            raise OrganisationError(
                _("Members of this organisation hold roles that do not fit the new kind.")
            )
    for name_, value in fields.items():
        setattr(organisation, name_, value)
    organisation.save(update_fields=list(fields))
    after = snapshot(organisation, ORGANISATION_FIELDS)
    if after != before:
        record(
            actor=actor,
            action="organisation.changed",
            obj=organisation,
            region=organisation.region,
            before=before,
            after=after,
        )
    return organisation


@transaction.atomic
def organisation_set_active(
    *, actor: User, organisation: Organisation, active: bool
) -> Organisation:
    """Deactivate (or reactivate) an organisation; nothing is deleted. Its members lose the
    rights they held through it while it is inactive."""
    organisation = Organisation.objects.select_for_update(of=("self",)).get(pk=organisation.pk)
    _check_manages_region(actor, organisation.region)
    if organisation.is_active == active:
        return organisation
    if not active and organisation.memberships.filter(user=actor, is_active=True).exists():
        raise OrganisationError(_("You cannot deactivate your own organisation."))
    organisation.is_active = active
    organisation.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="organisation.reactivated" if active else "organisation.deactivated",
        obj=organisation,
        region=organisation.region,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return organisation


@transaction.atomic
def member_invite(
    *, actor: User, organisation: Organisation, email: str, full_name: str, role: str
) -> Membership:
    """Give a person a role in an organisation. A new person gets an account without a password
    and an email with a link to set one; a known person is told of the new role."""
    from layak.accounts.tasks import send_invitation

    organisation = Organisation.objects.select_for_update(of=("self",)).get(pk=organisation.pk)
    _check_manages_region(actor, organisation.region)
    if not organisation.is_active:
        raise OrganisationError(_("This organisation is inactive."))
    _check_role_fits(actor, role, organisation)
    email = User.objects.normalize_email(email).strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=None, full_name=full_name.strip())
        record(
            actor=actor,
            action="user.invited",
            obj=user,
            region=organisation.region,
            after={"email": user.email, "full_name": user.full_name},
        )
    elif not user.is_active:
        raise OrganisationError(_("This person's account is deactivated."))
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if membership is not None and membership.is_active:
        raise OrganisationError(_("This person already holds this role in this organisation."))
    if membership is None:
        membership = Membership.objects.create(
            user=user, organisation=organisation, role=role, created_by=actor
        )
        action = "membership.created"
        before = None
    else:
        before = snapshot(membership, MEMBERSHIP_FIELDS)
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        action = "membership.reactivated"
    record(
        actor=actor,
        action=action,
        obj=membership,
        region=organisation.region,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    authz.forget(user)
    user_id, membership_id = user.pk, membership.pk
    transaction.on_commit(lambda: send_invitation.enqueue(user_id, membership_id))
    return membership


@transaction.atomic
def invitation_resend(*, actor: User, membership: Membership) -> None:
    from layak.accounts.tasks import send_invitation

    membership = Membership.objects.select_related("organisation__region", "user").get(
        pk=membership.pk
    )
    _check_manages_region(actor, membership.organisation.region)
    if membership.user.has_usable_password():
        raise OrganisationError(_("This person has already set a password."))
    record(
        actor=actor,
        action="user.invitation_resent",
        obj=membership.user,
        region=membership.organisation.region,
    )
    user_id, membership_id = membership.user_id, membership.pk
    transaction.on_commit(lambda: send_invitation.enqueue(user_id, membership_id))


@transaction.atomic
def membership_change_role(*, actor: User, membership: Membership, role: str) -> Membership:
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation__region")
        .get(pk=membership.pk)
    )
    _check_manages_region(actor, membership.organisation.region)
    if membership.role == role:
        return membership
    if membership.user_id == actor.pk:
        raise OrganisationError(_("You cannot change your own role."))
    _check_role_fits(actor, role, membership.organisation)
    if (
        Role.MINISTRY_ADMIN not in authz.roles(actor)
        and membership.role not in DISTRICT_GRANTABLE_ROLES
    ):
        raise OrganisationError(_("Only the ministry administrator can change this role."))
    if Membership.objects.filter(
        user_id=membership.user_id, organisation_id=membership.organisation_id, role=role
    ).exists():
        raise OrganisationError(_("This person already holds this role in this organisation."))
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.role = role
    membership.save(update_fields=["role"])
    record(
        actor=actor,
        action="membership.role_changed",
        obj=membership,
        region=membership.organisation.region,
        before=before,
        after=snapshot(membership, MEMBERSHIP_FIELDS),
    )
    return membership


@transaction.atomic
def membership_set_active(*, actor: User, membership: Membership, active: bool) -> Membership:
    """Deactivate a membership (never delete it), or reactivate it."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation__region")
        .get(pk=membership.pk)
    )
    _check_manages_region(actor, membership.organisation.region)
    if membership.is_active == active:
        return membership
    if not active and membership.user_id == actor.pk:
        raise OrganisationError(_("You cannot deactivate your own membership."))
    if (
        Role.MINISTRY_ADMIN not in authz.roles(actor)
        and membership.role not in DISTRICT_GRANTABLE_ROLES
    ):
        raise OrganisationError(_("Only the ministry administrator can change this role."))
    membership.is_active = active
    membership.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="membership.reactivated" if active else "membership.deactivated",
        obj=membership,
        region=membership.organisation.region,
        before={"is_active": not active},
        after={"is_active": active},
    )
    return membership


@transaction.atomic
def assessor_assign(*, actor: User, membership: Membership, codes: list[str]) -> Membership:
    """Set the regencies/cities an independent assessor verifies in the field (the ministry)."""
    membership = (
        Membership.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .get(pk=membership.pk)
    )
    if not authz.reaches(actor, authz.Action.MANAGE, None):
        raise OrganisationError(_("Only the ministry administrator can do this."))
    if membership.role != Role.ASSESSOR:
        raise OrganisationError(_("Only an independent assessor is assigned to districts."))
    from layak.regions.models import Region

    wanted = sorted({c.strip() for c in codes if c.strip()})
    regions = list(
        Region.objects.filter(code__in=wanted, level=Region.Level.REGENCY, is_active=True)
    )
    unknown = sorted(set(wanted) - {r.code for r in regions})
    if unknown:
        raise OrganisationError(
            _("These are not codes of a regency or city: %(codes)s.")
            % {"codes": ", ".join(unknown)}
        )
    before = sorted(membership.assigned_regions.values_list("code", flat=True))
    membership.assigned_regions.set(regions)
    record(
        actor=actor,
        action="membership.assessor_assigned",
        obj=membership,
        region=None,
        before={"regions": before},
        after={"regions": [r.code for r in sorted(regions, key=lambda r: r.code)]},
    )
    return membership


@transaction.atomic
def office_kinds_set(
    *,
    actor: User,
    region: Region,
    names: dict[str, str],
    organisations: dict[int, str],
) -> int:
    """A district's office mapping: which kind of office each name used by instruments stands
    for, and the kind of each of its organisations. Kept for every later cycle; each change is
    audited. Returns the number of changes."""
    if region.level != 2 or not authz.reaches(actor, authz.Action.MANAGE, region):
        raise OrganisationError(_("Only the district's administrator can map its offices."))
    if any(kind and kind not in OfficeKind.values for kind in [*names.values()]):
        raise OrganisationError(_("Choose an office kind from the list."))
    if any(kind and kind not in OfficeKind.values for kind in organisations.values()):
        raise OrganisationError(_("Choose an office kind from the list."))
    current = kinds_for(region)
    changed = {n: k for n, k in names.items() if current.get(n, "") != k}
    rows = {m.name: m for m in OfficeNameMapping.objects.select_for_update().filter(region=region)}
    for name, kind in changed.items():
        if name in rows:
            rows[name].office_kind = kind
            rows[name].save(update_fields=["office_kind"])
        else:
            OfficeNameMapping.objects.create(region=region, name=name, office_kind=kind)
    if changed:
        record(
            actor=actor,
            action="office_names.mapped",
            obj=region,
            region=region,
            before={n: current.get(n, "") for n in changed},
            after=changed,
        )
    count = len(changed)
    own = Organisation.objects.filter(pk__in=organisations, region__path__startswith=region.path)
    for organisation in own:
        if organisation.office_kind != organisations[organisation.pk]:
            organisation_update(
                actor=actor, organisation=organisation, office_kind=organisations[organisation.pk]
            )
            count += 1
    return count
