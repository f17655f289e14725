"""Decrees and their members."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from layak.accounts.models import User
from layak.audit.log import record, snapshot
from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.taskforce.actions.common import (
    DECREE_FIELDS,
    MEMBER_FIELDS,
    MEMBER_ORGANISATION_KINDS,
    SINGLE_ROLES,
    TaskForceError,
    check_edits,
    lock,
)
from layak.taskforce.models import (
    SUB_TEAM_ROLES,
    Decree,
    Member,
    SubTeam,
    TaskForceRole,
)

# ---- decrees -------------------------------------------------------------------------------


def _check_period(start: datetime.date, end: datetime.date | None) -> None:
    if end is not None and end < start:
        raise TaskForceError(_("The decree cannot end before it starts."))


@transaction.atomic
def decree_create(
    *,
    actor: User,
    region: Region,
    number: str,
    signed_on: datetime.date,
    signatory: str,
    period_start: datetime.date,
    period_end: datetime.date | None = None,
    title: str = "",
    copy_members: bool = False,
) -> Decree:
    """Record a decree. It supersedes, from its start date, the decree in force that day; a
    decree recorded after a later one (history typed in late) is superseded by that later one.
    With ``copy_members`` the people serving under the superseded decree on the start date
    serve under the new one from that date (their old service stays on the old decree)."""
    check_edits(actor, region)
    number = number.strip()
    if not number:
        raise TaskForceError(_("Give the decree number."))
    if not signatory.strip():
        raise TaskForceError(_("Say who signed the decree."))
    _check_period(period_start, period_end)
    if signed_on > period_start + datetime.timedelta(days=366):
        raise TaskForceError(_("The decree cannot take effect long before it was signed."))
    decrees = Decree.objects.select_for_update(of=("self",)).filter(region=region)
    if decrees.filter(period_start=period_start).exists():
        raise TaskForceError(_("Another decree of this region starts on the same date."))
    previous = decrees.filter(period_start__lt=period_start).order_by("-period_start").first()
    later = decrees.filter(period_start__gt=period_start).order_by("period_start").first()
    decree = Decree.objects.create(
        region=region,
        number=number,
        title=title.strip(),
        signed_on=signed_on,
        signatory=signatory.strip(),
        period_start=period_start,
        period_end=period_end,
        created_by=actor,
    )
    if later is not None:
        decree.superseded_by = later
        decree.superseded_on = later.period_start
        decree.save(update_fields=["superseded_by", "superseded_on"])
    record(
        actor=actor,
        action="taskforce.decree_created",
        obj=decree,
        region=region,
        after=snapshot(decree, DECREE_FIELDS),
    )
    if previous is not None and (
        previous.superseded_on is None or previous.superseded_on > period_start
    ):
        before = snapshot(previous, ("superseded_by", "superseded_on"))
        previous.superseded_by = decree
        previous.superseded_on = period_start
        previous.save(update_fields=["superseded_by", "superseded_on"])
        record(
            actor=actor,
            action="taskforce.decree_superseded",
            obj=previous,
            region=region,
            before=before,
            after=snapshot(previous, ("superseded_by", "superseded_on")),
        )
    if copy_members and previous is not None:
        copied = [
            Member(
                decree=decree,
                name=m.name,
                position=m.position,
                organisation_id=m.organisation_id,
                role=m.role,
                sub_team=m.sub_team,
                served_from=period_start,
                served_until=m.served_until
                if m.served_until is not None
                and (period_end is None or m.served_until <= period_end)
                else None,
            )
            for m in previous.members.serving(period_start)
        ]
        Member.objects.bulk_create(copied)
        if copied:
            record(
                actor=actor,
                action="taskforce.members_copied",
                obj=decree,
                region=region,
                after={"from_decree": previous.pk, "members": len(copied)},
            )
    return decree


@transaction.atomic
def decree_update(*, actor: User, decree: Decree, **fields: Any) -> Decree:
    """Correct a decree's number, title, signature or end date. The start date decides which
    decree supersedes which, so it is not changed here: record a new decree instead."""
    decree = lock(Decree, decree.pk)
    check_edits(actor, decree.region)
    allowed = {"number", "title", "signed_on", "signatory", "period_end"}
    unknown = set(fields) - allowed
    if unknown:
        raise TaskForceError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    if "number" in fields and not str(fields["number"]).strip():
        raise TaskForceError(_("Give the decree number."))
    if "signatory" in fields and not str(fields["signatory"]).strip():
        raise TaskForceError(_("Say who signed the decree."))
    _check_period(decree.period_start, fields.get("period_end", decree.period_end))
    end = fields.get("period_end")
    if (
        end is not None
        and decree.members.filter(Q(served_from__gt=end) | Q(served_until__gt=end)).exists()
    ):
        raise TaskForceError(_("Some members serve beyond this end date; end their service first."))
    before = snapshot(decree, DECREE_FIELDS)
    for name, value in fields.items():
        setattr(decree, name, value.strip() if isinstance(value, str) else value)
    if fields:
        decree.save(update_fields=list(fields))
        record(
            actor=actor,
            action="taskforce.decree_updated",
            obj=decree,
            region=decree.region,
            before=before,
            after=snapshot(decree, DECREE_FIELDS),
        )
    return decree


# ---- members -------------------------------------------------------------------------------


def _check_member(decree: Decree, member: Member, exclude: int | None = None) -> None:
    if not member.name.strip():
        raise TaskForceError(_("Give the person's name."))
    if member.role not in TaskForceRole.values:
        raise TaskForceError(_("Unknown role in the task force."))
    if member.role in SUB_TEAM_ROLES:
        if member.sub_team not in SubTeam.values:
            raise TaskForceError(_("Choose the sub-team of a coordinator or member."))
    elif member.sub_team:
        raise TaskForceError(_("The chair, vice chairs and secretary belong to no sub-team."))
    if member.served_from < decree.period_start or (
        decree.period_end is not None and member.served_from > decree.period_end
    ):
        raise TaskForceError(_("The service must start within the decree's period."))
    if member.served_until is not None:
        if member.served_until < member.served_from:
            raise TaskForceError(_("The service cannot end before it starts."))
        if decree.period_end is not None and member.served_until > decree.period_end:
            raise TaskForceError(_("The service must end within the decree's period."))
    organisation = member.organisation
    if organisation is not None and (
        organisation.kind not in MEMBER_ORGANISATION_KINDS
        or organisation.region is None
        or not (
            organisation.region.path.startswith(decree.region.path)
            or decree.region.path.startswith(organisation.region.path)
        )
    ):
        raise TaskForceError(_("This organisation cannot sit in this region's task force."))
    if member.role in SINGLE_ROLES:
        others = decree.members.filter(role=member.role, sub_team=member.sub_team)
        if exclude is not None:
            others = others.exclude(pk=exclude)
        until = member.served_until or datetime.date.max
        overlap = others.filter(served_from__lte=until).filter(
            Q(served_until__isnull=True) | Q(served_until__gte=member.served_from)
        )
        if overlap.exists():
            raise TaskForceError(
                _(
                    "Someone else already serves as %(role)s in that period; "
                    "end their service first."
                )
                % {"role": TaskForceRole(member.role).label.lower()}
            )


@transaction.atomic
def member_add(
    *,
    actor: User,
    decree: Decree,
    name: str,
    role: str,
    served_from: datetime.date,
    position: str = "",
    organisation: Organisation | None = None,
    sub_team: str = "",
    served_until: datetime.date | None = None,
    sex: str = "",
) -> Member:
    """Add a person serving under ``decree`` from ``served_from``."""
    decree = lock(Decree, decree.pk)
    check_edits(actor, decree.region)
    member = Member(
        decree=decree,
        name=name.strip(),
        position=position.strip(),
        organisation=organisation,
        role=role,
        sub_team=sub_team if role in SUB_TEAM_ROLES else "",
        served_from=served_from,
        served_until=served_until,
        sex=sex,
    )
    _check_member(decree, member)
    member.save()
    record(
        actor=actor,
        action="taskforce.member_added",
        obj=member,
        region=decree.region,
        after=snapshot(member, MEMBER_FIELDS),
    )
    return member


@transaction.atomic
def member_update(*, actor: User, member: Member, **fields: Any) -> Member:
    member = lock(Member, member.pk)
    decree = member.decree
    check_edits(actor, decree.region)
    unknown = set(fields) - set(MEMBER_FIELDS)
    if unknown:
        raise TaskForceError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = snapshot(member, MEMBER_FIELDS)
    for name, value in fields.items():
        setattr(member, name, value.strip() if isinstance(value, str) else value)
    if member.role not in SUB_TEAM_ROLES:
        member.sub_team = ""
    _check_member(decree, member, exclude=member.pk)
    changed = [n for n in MEMBER_FIELDS if before[n] != snapshot(member, (n,))[n]]
    if changed:
        member.save(update_fields=changed)
        record(
            actor=actor,
            action="taskforce.member_updated",
            obj=member,
            region=decree.region,
            before=before,
            after=snapshot(member, MEMBER_FIELDS),
        )
    return member


@transaction.atomic
def member_end(*, actor: User, member: Member, served_until: datetime.date, reason: str) -> Member:
    """End a person's service on ``served_until`` (the last day served); the row stays."""
    member = lock(Member, member.pk)
    decree = member.decree
    check_edits(actor, decree.region)
    if not reason.strip():
        raise TaskForceError(_("Say why the service ends."))
    if member.served_until is not None and member.served_until < served_until:
        raise TaskForceError(_("This service has already ended."))
    before = snapshot(member, MEMBER_FIELDS)
    member.served_until = served_until
    member.end_reason = reason.strip()
    _check_member(decree, member, exclude=member.pk)
    member.save(update_fields=["served_until", "end_reason"])
    record(
        actor=actor,
        action="taskforce.member_ended",
        obj=member,
        region=decree.region,
        before=before,
        after=snapshot(member, MEMBER_FIELDS),
    )
    return member
