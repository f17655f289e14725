"""Meetings, invitations, attendance and follow-ups."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from layak.accounts.models import User
from layak.audit.log import record, snapshot
from layak.core import concurrency
from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.taskforce import notices
from layak.taskforce.actions.common import (
    FOLLOW_UP_FIELDS,
    FOLLOW_UP_OWNER_KINDS,
    MEETING_FIELDS,
    A,
    TaskForceError,
    check_edits,
    lock,
)
from layak.taskforce.models import (
    Attendance,
    Decree,
    FollowUp,
    Meeting,
    Member,
    Sex,
)

# ---- meetings ------------------------------------------------------------------------------


def _clean_decisions(decisions: Iterable[str]) -> list[str]:
    return [d.strip() for d in decisions if d.strip()]


def _check_meeting(meeting: Meeting) -> None:
    if not meeting.title.strip() or not meeting.agenda.strip():
        raise TaskForceError(_("Give the meeting's title and agenda."))
    if not meeting.place.strip():
        raise TaskForceError(_("Say where the meeting takes place."))
    if meeting.chair_member is not None:
        if meeting.decree is None or meeting.chair_member.decree_id != meeting.decree_id:
            raise TaskForceError(_("The chair must be a member of the task force in force."))
        if not meeting.chair_member.serving_on(meeting.date):
            raise TaskForceError(_("The chosen chair does not serve on the meeting's date."))
    elif not meeting.chair_name.strip():
        raise TaskForceError(_("Say who chairs the meeting."))


@transaction.atomic
def meeting_create(
    *,
    actor: User,
    region: Region,
    title: str,
    agenda: str,
    date: datetime.date,
    start_time: datetime.time,
    place: str,
    chair_member: Member | None = None,
    chair_name: str = "",
    minutes: str = "",
    decisions: Iterable[str] = (),
    invite_members: bool = True,
) -> Meeting:
    """Record a coordination meeting of ``region``'s task force. With ``invite_members`` the
    members serving on the meeting's date under the decree in force are invited."""
    check_edits(actor, region)
    decree = Decree.objects.filter(region=region).in_force(date).first()
    meeting = Meeting(
        region=region,
        decree=decree,
        title=title.strip(),
        agenda=agenda.strip(),
        date=date,
        start_time=start_time,
        place=place.strip(),
        chair_member=chair_member,
        chair_name="" if chair_member is not None else chair_name.strip(),
        minutes=minutes.strip(),
        decisions=_clean_decisions(decisions),
        created_by=actor,
    )
    _check_meeting(meeting)
    meeting.save()
    record(
        actor=actor,
        action="taskforce.meeting_created",
        obj=meeting,
        region=region,
        after=snapshot(meeting, MEETING_FIELDS),
    )
    if invite_members and decree is not None:
        _invite(meeting, decree.members.serving(date).select_related("organisation"))
    return meeting


@transaction.atomic
def meeting_update(
    *, actor: User, meeting: Meeting, revision: int | None = None, **fields: Any
) -> Meeting:
    """Change the meeting's details, minutes or decisions. ``revision`` is the one the person
    opened: if the meeting was saved since, nothing changes and ``EditConflict`` carries the
    meeting as it is now."""
    meeting = lock(Meeting, meeting.pk)
    check_edits(actor, meeting.region)
    concurrency.check(meeting, revision)
    unknown = set(fields) - set(MEETING_FIELDS)
    if unknown:
        raise TaskForceError(_("These fields cannot be changed: %s") % ", ".join(sorted(unknown)))
    before = snapshot(meeting, MEETING_FIELDS)
    for name, value in fields.items():
        if name == "decisions":
            value = _clean_decisions(value)
        setattr(meeting, name, value.strip() if isinstance(value, str) else value)
    if "date" in fields:
        meeting.decree = Decree.objects.filter(region=meeting.region).in_force(meeting.date).first()
        fields["decree"] = meeting.decree
    if meeting.chair_member is not None:
        meeting.chair_name = ""
        fields["chair_name"] = ""
    _check_meeting(meeting)
    if fields:
        meeting.save(update_fields=[*fields, concurrency.bump(meeting)])
        record(
            actor=actor,
            action="taskforce.meeting_updated",
            obj=meeting,
            region=meeting.region,
            before=before,
            after=snapshot(meeting, MEETING_FIELDS),
        )
    _refresh_evaluation(meeting, actor)
    return meeting


def _invite(meeting: Meeting, members: Iterable[Member]) -> list[Attendance]:
    already = set(
        meeting.attendances.filter(member__isnull=False).values_list("member_id", flat=True)
    )
    rows = [
        Attendance(
            meeting=meeting,
            member=m,
            name=m.name,
            position=m.position,
            organisation_id=m.organisation_id,
            sex=m.sex,  # known once, carried to every meeting
            invited=True,
        )
        for m in members
        if m.pk not in already
    ]
    return Attendance.objects.bulk_create(rows)


@transaction.atomic
def meeting_invite(*, actor: User, meeting: Meeting, members: Iterable[Member]) -> int:
    """Invite task force members (of the decree in force on the meeting's date)."""
    meeting = lock(Meeting, meeting.pk)
    check_edits(actor, meeting.region)
    members = list(members)
    if any(m.decree_id != meeting.decree_id for m in members):
        raise TaskForceError(_("Only members of the decree in force can be invited."))
    rows = _invite(meeting, members)
    if rows:
        record(
            actor=actor,
            action="taskforce.members_invited",
            obj=meeting,
            region=meeting.region,
            after={"invited": [r.name for r in rows]},
        )
    return len(rows)


def _refresh_evaluation(meeting: Meeting, actor: User) -> None:
    """The evaluation's KL-2 answer counts the meetings held: bring it up to date."""
    from layak.evaluation import computed

    computed.refresh(meeting.region, actor)


class AttendanceError(TaskForceError):
    """Rows of an attendance list that cannot be saved: ``rows`` maps attendance ids to the
    message to show beside each; nothing was saved."""

    def __init__(self, rows: dict[int, str]) -> None:
        super().__init__(_("The attendance was not saved: see the marked rows."))
        self.rows = rows


@transaction.atomic
def attendance_record(*, actor: User, meeting: Meeting, marks: dict[int, tuple[bool, str]]) -> None:
    """Record who was present: ``marks`` maps attendance ids to (present, sex). A person
    present needs their sex (attendance is reported by sex); a member's sex, once known, is
    kept on the member and carried to later meetings. Raises ``AttendanceError`` naming every
    row that cannot be saved; then nothing is saved."""
    meeting = lock(Meeting, meeting.pk)
    check_edits(actor, meeting.region)
    if meeting.date > timezone.localdate():
        raise TaskForceError(_("Attendance is recorded once the meeting has taken place."))
    rows = {
        a.pk: a
        for a in meeting.attendances.select_for_update(of=("self",))
        .select_related("member")
        .filter(pk__in=list(marks))
    }
    if len(rows) != len(marks):
        raise TaskForceError(_("Some people are not on this meeting's list."))
    problems: dict[int, str] = {}
    for pk, (present, sex) in marks.items():
        if sex and sex not in Sex.values:
            problems[pk] = _("Unknown sex.")
        elif present and not (sex or rows[pk].sex):
            problems[pk] = _("Give the sex of %(name)s (attendance is reported by sex).") % {
                "name": rows[pk].name
            }
    if problems:
        raise AttendanceError(problems)
    changed: list[Attendance] = []
    learnt: list[tuple[Member, str]] = []
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for pk, (present, sex) in marks.items():
        row = rows[pk]
        new_sex = sex or row.sex
        if row.present != present or row.sex != new_sex:
            before[row.name] = {"present": row.present, "sex": row.sex}
            row.present, row.sex = present, new_sex
            after[row.name] = {"present": row.present, "sex": row.sex}
            changed.append(row)
        if row.member is not None and new_sex and row.member.sex != new_sex:
            learnt.append((row.member, row.member.sex))
            row.member.sex = new_sex
    if changed:
        Attendance.objects.bulk_update(changed, ["present", "sex"])
        record(
            actor=actor,
            action="taskforce.attendance_recorded",
            obj=meeting,
            region=meeting.region,
            before=before,
            after=after,
        )
        _refresh_evaluation(meeting, actor)
    if learnt:
        Member.objects.bulk_update([m for m, _old in learnt], ["sex"])
        for member, old in learnt:
            record(
                actor=actor,
                action="taskforce.member_updated",
                obj=member,
                region=meeting.region,
                before={"sex": old},
                after={"sex": member.sex},
            )


@transaction.atomic
def attendee_add(
    *,
    actor: User,
    meeting: Meeting,
    name: str,
    sex: str,
    present: bool,
    position: str = "",
    organisation: Organisation | None = None,
    organisation_name: str = "",
) -> Attendance:
    """Add a person from outside the task force to the list (an invitee or a walk-in)."""
    meeting = lock(Meeting, meeting.pk)
    check_edits(actor, meeting.region)
    if not name.strip():
        raise TaskForceError(_("Give the person's name."))
    if sex not in Sex.values:
        raise TaskForceError(_("Give the person's sex (attendance is reported by sex)."))
    if present and meeting.date > timezone.localdate():
        raise TaskForceError(_("Attendance is recorded once the meeting has taken place."))
    row = Attendance.objects.create(
        meeting=meeting,
        name=name.strip(),
        position=position.strip(),
        organisation=organisation,
        organisation_name="" if organisation is not None else organisation_name.strip(),
        sex=sex,
        invited=not present,
        present=True if present else None,
    )
    record(
        actor=actor,
        action="taskforce.attendee_added",
        obj=meeting,
        region=meeting.region,
        after={"name": row.name, "sex": row.sex, "present": row.present},
    )
    _refresh_evaluation(meeting, actor)
    return row


# ---- follow-up actions ---------------------------------------------------------------------


def _check_owner(meeting: Meeting, owner: Organisation) -> None:
    if (
        owner.region is None
        or not owner.is_active
        or not owner.region.path.startswith(district_path(meeting.region))
    ):
        raise TaskForceError(_("The responsible office must be an organisation of the district."))
    if owner.kind not in FOLLOW_UP_OWNER_KINDS:
        raise TaskForceError(
            _("A follow-up is the responsibility of a government office, not of a partner.")
        )


def district_path(region: Region) -> str:
    code = region.regency_code or region.code
    return code + "."


@transaction.atomic
def follow_up_add(
    *,
    actor: User,
    meeting: Meeting,
    description: str,
    owner: Organisation,
    due_date: datetime.date,
) -> FollowUp:
    meeting = lock(Meeting, meeting.pk)
    check_edits(actor, meeting.region)
    if not description.strip():
        raise TaskForceError(_("Say what is to be done."))
    _check_owner(meeting, owner)
    if due_date < meeting.date:
        raise TaskForceError(_("The due date cannot be before the meeting."))
    follow_up = FollowUp.objects.create(
        meeting=meeting, description=description.strip(), owner=owner, due_date=due_date
    )
    record(
        actor=actor,
        action="taskforce.follow_up_added",
        obj=follow_up,
        region=meeting.region,
        after=snapshot(follow_up, FOLLOW_UP_FIELDS),
    )
    notices.follow_up_assigned(actor=actor, follow_up=follow_up)
    return follow_up


@transaction.atomic
def follow_up_update(
    *,
    actor: User,
    follow_up: FollowUp,
    description: str,
    owner: Organisation,
    due_date: datetime.date,
) -> FollowUp:
    """Change what is to be done, by whom and when (the secretariat only, while open)."""
    follow_up = lock(FollowUp, follow_up.pk)
    meeting = follow_up.meeting
    check_edits(actor, meeting.region)
    if follow_up.status != FollowUp.Status.OPEN:
        raise TaskForceError(_("Only an open follow-up can be changed; reopen it first."))
    if not description.strip():
        raise TaskForceError(_("Say what is to be done."))
    _check_owner(meeting, owner)
    if due_date < meeting.date:
        raise TaskForceError(_("The due date cannot be before the meeting."))
    before = snapshot(follow_up, FOLLOW_UP_FIELDS)
    moved = follow_up.owner_id != owner.pk
    follow_up.description, follow_up.owner, follow_up.due_date = (
        description.strip(),
        owner,
        due_date,
    )
    follow_up.save(update_fields=["description", "owner", "due_date"])
    record(
        actor=actor,
        action="taskforce.follow_up_updated",
        obj=follow_up,
        region=meeting.region,
        before=before,
        after=snapshot(follow_up, FOLLOW_UP_FIELDS),
    )
    if moved:
        notices.follow_up_assigned(actor=actor, follow_up=follow_up)
    return follow_up


def _check_may_close(actor: User, follow_up: FollowUp) -> None:
    if not FollowUp.objects.for_user(actor, A.EDIT).filter(pk=follow_up.pk).exists():
        raise TaskForceError(
            _("Only the responsible office or the secretariat can close this follow-up.")
        )


@transaction.atomic
def follow_up_complete(
    *,
    actor: User,
    follow_up: FollowUp,
    note: str,
    evidence: IO[bytes] | None = None,
    evidence_name: str = "",
    evidence_size: int = 0,
) -> FollowUp:
    """Mark an open follow-up done with a note on what was done, and optionally attach a file
    as evidence of completion. The owner office's operators and the secretariat may."""
    from layak.evidence.attachments import AttachmentRefused, attachment_add
    from layak.evidence.sniff import UploadRefused

    follow_up = lock(FollowUp, follow_up.pk)
    _check_may_close(actor, follow_up)
    if follow_up.status != FollowUp.Status.OPEN:
        raise TaskForceError(_("This follow-up is already closed."))
    if not note.strip():
        raise TaskForceError(_("Say what was done."))
    before = snapshot(follow_up, FOLLOW_UP_FIELDS)
    if evidence is not None:
        try:
            attachment_add(
                actor=actor,
                owner=follow_up,
                data=evidence,
                name=evidence_name,
                size=evidence_size,
                caption=_("Evidence of completion"),
            )
        except (AttachmentRefused, UploadRefused) as exc:
            raise TaskForceError(str(exc)) from exc
    follow_up.status = FollowUp.Status.DONE
    follow_up.completion_note = note.strip()
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = actor
    follow_up.save(update_fields=["status", "completion_note", "closed_at", "closed_by"])
    record(
        actor=actor,
        action="taskforce.follow_up_done",
        obj=follow_up,
        region=follow_up.meeting.region,
        before=before,
        after=snapshot(follow_up, FOLLOW_UP_FIELDS),
    )
    return follow_up


@transaction.atomic
def follow_up_drop(*, actor: User, follow_up: FollowUp, reason: str) -> FollowUp:
    """Drop an open follow-up that will not be done (the secretariat only, with a reason)."""
    follow_up = lock(FollowUp, follow_up.pk)
    check_edits(actor, follow_up.meeting.region)
    if follow_up.status != FollowUp.Status.OPEN:
        raise TaskForceError(_("This follow-up is already closed."))
    if not reason.strip():
        raise TaskForceError(_("Say why the follow-up is dropped."))
    before = snapshot(follow_up, FOLLOW_UP_FIELDS)
    follow_up.status = FollowUp.Status.DROPPED
    follow_up.completion_note = reason.strip()
    follow_up.closed_at = timezone.now()
    follow_up.closed_by = actor
    follow_up.save(update_fields=["status", "completion_note", "closed_at", "closed_by"])
    record(
        actor=actor,
        action="taskforce.follow_up_dropped",
        obj=follow_up,
        region=follow_up.meeting.region,
        before=before,
        after=snapshot(follow_up, FOLLOW_UP_FIELDS),
    )
    return follow_up


@transaction.atomic
def follow_up_reopen(*, actor: User, follow_up: FollowUp) -> FollowUp:
    """Reopen a closed follow-up (the secretariat, e.g. when the evidence does not hold)."""
    follow_up = lock(FollowUp, follow_up.pk)
    check_edits(actor, follow_up.meeting.region)
    if follow_up.status == FollowUp.Status.OPEN:
        raise TaskForceError(_("This follow-up is already open."))
    before = snapshot(follow_up, FOLLOW_UP_FIELDS)
    follow_up.status = FollowUp.Status.OPEN
    follow_up.closed_at = None
    follow_up.closed_by = None
    follow_up.save(update_fields=["status", "closed_at", "closed_by"])
    record(
        actor=actor,
        action="taskforce.follow_up_reopened",
        obj=follow_up,
        region=follow_up.meeting.region,
        before=before,
        after=snapshot(follow_up, FOLLOW_UP_FIELDS),
    )
    return follow_up
