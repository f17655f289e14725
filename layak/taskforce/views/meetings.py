"""Coordination meetings with invitations, attendance, decisions and minutes (PDF), and
their follow-ups."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.core import concurrency
from layak.core.pdf import letterhead, pdf_response
from layak.core.search import MEETING_FIELDS, search_text, text_q
from layak.evidence.attachments import attachments_for
from layak.organisations.models import Organisation
from layak.organisations.roles import OrganisationKind, Role
from layak.regions.models import Region
from layak.taskforce import actions
from layak.taskforce.forms import (
    AttendeeForm,
    CompleteForm,
    DropForm,
    FollowUpForm,
    InviteForm,
    MeetingFilterForm,
    MeetingForm,
)
from layak.taskforce.models import (
    Attendance,
    FollowUp,
    Meeting,
    Member,
    Sex,
    TaskForceRole,
    district_of,
)
from layak.taskforce.querysets import serving_q
from layak.taskforce.views.common import (
    PAGE_SIZE,
    A,
    back,
    own_region,
    region_of,
    signed_in,
)

# ---- meetings ------------------------------------------------------------------------------


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    visible = Meeting.objects.for_user(user, A.VIEW).filter(is_active=True)
    region_choices = list(
        Region.objects.filter(pk__in=visible.values("region")).values_list("code", "name")
    )
    form = MeetingFilterForm(request.GET or None, regions=region_choices)
    meetings = (
        visible.select_related("region", "chair_member")
        .annotate(
            invited=Count("attendances", distinct=True),
            present=Count("attendances", filter=Q(attendances__present=True), distinct=True),
            open_follow_ups=Count(
                "follow_ups", filter=Q(follow_ups__status=FollowUp.Status.OPEN), distinct=True
            ),
        )
        .order_by("-date", "-start_time", "-pk")
    )
    if form.is_bound and form.is_valid():
        if text := search_text(form.cleaned_data["q"]):
            meetings = meetings.filter(text_q(text, *MEETING_FIELDS))
        if code := form.cleaned_data["region"]:
            meetings = meetings.filter(region__code=code)
        if year := form.cleaned_data["year"]:
            meetings = meetings.filter(date__year=year)
    editable = Region.objects.filter(authz.scope_q(user, A.EDIT, region=""))
    own = own_region(user)
    page = Paginator(meetings, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "taskforce/meeting_list.html",
        {
            "form": form,
            "page": page,
            "new_for": own if own is not None and editable.filter(pk=own.pk).exists() else None,
        },
    )


@login_required
def meeting_create(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in(request)
    region = region_of(user, code)
    if not authz.reaches(user, A.EDIT, region):
        raise PermissionDenied
    form = MeetingForm(request.POST or None, region=region)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k != "revision"}
        try:
            meeting = actions.meeting_create(actor=user, region=region, **data)
        except actions.TaskForceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The meeting has been recorded."))
            return redirect("taskforce:meeting", pk=meeting.pk)
    return render(
        request, "taskforce/meeting_form.html", {"form": form, "region": region, "meeting": None}
    )


def _meeting(user: User, pk: int, action: authz.Action) -> Meeting:
    meeting: Meeting = authz.get_object_for_user(
        Meeting.objects.select_related("region__parent", "decree", "chair_member"),
        user,
        action,
        pk=pk,
    )
    return meeting


def _invitable(meeting: Meeting) -> QuerySet[Member]:
    if meeting.decree_id is None:
        return Member.objects.none()
    return (
        Member.objects.filter(decree_id=meeting.decree_id)
        .filter(serving_q(meeting.date))
        .exclude(attendances__meeting=meeting)
        .select_related("organisation")
        .order_by("sub_team", "role", "name")
    )


def _follow_ups(meeting: Meeting) -> QuerySet[FollowUp]:
    return meeting.follow_ups.select_related("owner", "closed_by").order_by("due_date", "pk")


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    meeting = _meeting(user, pk, A.VIEW)
    refused = request.session.pop(_refused_key(meeting), None)
    if refused:
        marks = {int(k): (bool(v[0]), str(v[1])) for k, v in refused["marks"].items()}
        problems = {int(k): str(v) for k, v in refused["problems"].items()}
        return _meeting_page(request, user, meeting, marks=marks, problems=problems)
    return _meeting_page(request, user, meeting)


def _refused_key(meeting: Meeting) -> str:
    return f"taskforce-attendance-refused-{meeting.pk}"


def _meeting_page(
    request: HttpRequest,
    user: User,
    meeting: Meeting,
    *,
    marks: dict[int, tuple[bool, str]] | None = None,
    problems: dict[int, str] | None = None,
) -> HttpResponse:
    """The meeting's page; after a refused attendance save, with what was ticked and chosen
    (``marks``) and each row's problem beside it."""
    can_edit = authz.reaches(user, A.EDIT, meeting.region)
    attendances = list(
        meeting.attendances.select_related("organisation", "member").order_by("-invited", "pk")
    )
    totals = _totals(attendances)
    for a in attendances:
        if marks is not None and a.pk in marks:
            a.present, a.sex = marks[a.pk][0], marks[a.pk][1] or a.sex
        a.error = (problems or {}).get(a.pk, "")  # type: ignore[attr-defined]
    follow_ups = list(_follow_ups(meeting))
    closable = set(
        FollowUp.objects.for_user(user, A.EDIT).filter(meeting=meeting).values_list("pk", flat=True)
    )
    follow_up_files = attachments_for(follow_ups)
    today = timezone.localdate()
    for f in follow_ups:
        f.can_close = f.pk in closable  # type: ignore[attr-defined]
        f.files = follow_up_files.get(f.pk, [])  # type: ignore[attr-defined]
        f.overdue = f.is_overdue(today)  # type: ignore[attr-defined]
    invitable = _invitable(meeting) if can_edit else Member.objects.none()
    return render(
        request,
        "taskforce/meeting_detail.html",
        {
            "meeting": meeting,
            "region": meeting.region,
            "attendances": attendances,
            "attendance_refused": bool(problems),
            "totals": totals,
            "held": meeting.date <= today,
            "follow_ups": follow_ups,
            "can_edit": can_edit,
            "sexes": Sex.choices,
            "attachments": attachments_for([meeting]).get(meeting.pk, []),
            "invite_form": InviteForm(queryset=invitable) if can_edit else None,
            "attendee_form": AttendeeForm(region=meeting.region, prefix="guest")
            if can_edit
            else None,
            "follow_up_form": FollowUpForm(region=meeting.region, prefix="fu")
            if can_edit
            else None,
            "complete_form": CompleteForm(),
            "drop_form": DropForm(),
            "history": AuditEntry.objects.for_object(meeting).select_related("actor")[:50]
            if can_edit
            else AuditEntry.objects.none(),
        },
    )


def _totals(attendances: Iterable[Attendance]) -> dict[str, int]:
    present = [a for a in attendances if a.present]
    return {
        "male": sum(1 for a in present if a.sex == Sex.MALE),
        "female": sum(1 for a in present if a.sex == Sex.FEMALE),
        "present": len(present),
        "listed": len(list(attendances)),
    }


@login_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    meeting = _meeting(user, pk, A.EDIT)
    fields = ("title", "agenda", "date", "start_time", "place", "chair_member", "chair_name")
    initial: dict[str, Any] = {name: getattr(meeting, name) for name in fields}
    initial["minutes"] = meeting.minutes
    initial["decisions"] = "\n".join(meeting.decisions)
    form = MeetingForm(request.POST or None, region=meeting.region, editing=True, initial=initial)
    form.expect_revision(meeting)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        changes = {
            name: form.cleaned_data[name] for name in form.changed_data if name != "revision"
        }
        try:
            actions.meeting_update(
                actor=user, meeting=meeting, revision=form.cleaned_data["revision"], **changes
            )
        except actions.TaskForceError as exc:
            form.add_error(None, str(exc))
        except concurrency.EditConflict as exc:
            form.keep_after_conflict(exc)
            conflict = _meeting_conflict(form, exc.current)
        else:
            messages.success(request, _("The meeting has been saved."))
            return redirect("taskforce:meeting", pk=meeting.pk)
    return render(
        request,
        "taskforce/meeting_form.html",
        {"form": form, "region": meeting.region, "meeting": meeting, "conflict": conflict},
    )


def _meeting_conflict(form: MeetingForm, current: Meeting) -> str:
    """The meeting as the other person saved it next to this person's unsaved version."""
    rows = []
    for name, field in form.fields.items():
        if name in ("revision", "invite_members") or name not in form.cleaned_data:
            continue
        theirs: Any = getattr(current, name)
        yours: Any = form.cleaned_data[name]
        if name == "decisions":
            yours = [line.strip() for line in str(yours).splitlines() if line.strip()]
        rows.append((str(field.label), theirs, yours))
    return concurrency.conflict_table(concurrency.differences(rows))


@login_required
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    meeting = _meeting(user, pk, A.EDIT)
    form = InviteForm(request.POST, queryset=_invitable(meeting))
    if form.is_valid():
        try:
            n = actions.meeting_invite(
                actor=user, meeting=meeting, members=form.cleaned_data["members"]
            )
        except actions.TaskForceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)d people invited.") % {"n": n})
    else:
        messages.error(request, _("Choose the members to invite."))
    return redirect(meeting.get_absolute_url() + "#attendance")


@login_required
@require_POST
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    """Record the attendance list: a present box and the sex for each person listed."""
    user = signed_in(request)
    meeting = _meeting(user, pk, A.EDIT)
    marks: dict[int, tuple[bool, str]] = {}
    for row in meeting.attendances.only("pk"):
        marks[row.pk] = (
            request.POST.get(f"present-{row.pk}") == "1",
            request.POST.get(f"sex-{row.pk}", ""),
        )
    try:
        actions.attendance_record(actor=user, meeting=meeting, marks=marks)
    except actions.AttendanceError as exc:
        # Nothing saved: the meeting's page shows every tick and choice again, each problem
        # beside its row (kept for the next page only, so a reload shows the stored list).
        request.session[_refused_key(meeting)] = {
            "marks": {str(k): list(v) for k, v in marks.items()},
            "problems": {str(k): v for k, v in exc.rows.items()},
        }
    except actions.TaskForceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The attendance has been saved."))
    return redirect(meeting.get_absolute_url() + "#attendance")


@login_required
@require_POST
def attendee_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    meeting = _meeting(user, pk, A.EDIT)
    form = AttendeeForm(request.POST, region=meeting.region, prefix="guest")
    if form.is_valid():
        try:
            actions.attendee_add(actor=user, meeting=meeting, **form.cleaned_data)
        except actions.TaskForceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("%(name)s has been added.") % {"name": form.cleaned_data["name"]}
            )
    else:
        messages.error(request, _("Give the person's name and sex."))
    return redirect(meeting.get_absolute_url() + "#attendance")


def minutes_context(meeting: Meeting) -> dict[str, Any]:
    """What the minutes PDF shows: the secretariat's letterhead, those present with totals by
    sex, decisions, follow-ups and the signatures of the secretary and the chair."""
    region = meeting.region
    attendances = list(
        meeting.attendances.filter(present=True).select_related("organisation").order_by("pk")
    )
    # The district government heads the letter; the secretariat is the district's KLA office
    # (its administrators' office), or the kecamatan or village office for their task force.
    district = district_of(region)
    offices = Organisation.objects.filter(is_active=True).order_by("pk")
    if region.level > Region.Level.REGENCY:
        secretariat = offices.filter(
            region=region,
            kind__in=[OrganisationKind.SUBDISTRICT_OFFICE, OrganisationKind.VILLAGE_GOVERNMENT],
        ).first()
    else:
        secretariat = offices.filter(
            region=region,
            kind=OrganisationKind.GOVERNMENT_OFFICE,
            memberships__role=Role.DISTRICT_ADMIN,
            memberships__is_active=True,
        ).first()
    secretary = None
    if meeting.decree_id is not None:
        secretary = (
            Member.objects.filter(decree_id=meeting.decree_id, role=TaskForceRole.SECRETARY)
            .filter(serving_q(meeting.date))
            .first()
        )
    return {
        "letterhead": letterhead(district, secretariat.name if secretariat else ""),
        "meeting": meeting,
        "region": region,
        "attendances": attendances,
        "totals": _totals(attendances),
        "follow_ups": _follow_ups(meeting),
        "secretary": secretary,
    }


@login_required
def meeting_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The minutes (notulen) in the official layout, on the secretariat's letterhead."""
    user = signed_in(request)
    meeting = _meeting(user, pk, A.VIEW)
    # An official document of an Indonesian government: always in Indonesian.
    with translation.override("id"):
        return pdf_response(
            "taskforce/pdf/minutes.html",
            minutes_context(meeting),
            request,
            f"notulen-rapat-gugus-tugas-{meeting.date:%Y-%m-%d}.pdf",
        )


# ---- follow-ups ----------------------------------------------------------------------------


@login_required
@require_POST
def follow_up_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    meeting = _meeting(user, pk, A.EDIT)
    form = FollowUpForm(request.POST, region=meeting.region, prefix="fu")
    if form.is_valid():
        try:
            actions.follow_up_add(actor=user, meeting=meeting, **form.cleaned_data)
        except actions.TaskForceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The follow-up has been added."))
    else:
        messages.error(request, _("Say what is to be done, by which office and by when."))
    return redirect(meeting.get_absolute_url() + "#follow-ups")


def _follow_up(user: User, pk: int, action: authz.Action) -> FollowUp:
    follow_up: FollowUp = authz.get_object_for_user(
        FollowUp.objects.select_related("meeting__region", "owner"), user, action, pk=pk
    )
    return follow_up


@login_required
def follow_up_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    follow_up = _follow_up(user, pk, A.VIEW)
    if not authz.reaches(user, A.EDIT, follow_up.meeting.region):
        raise PermissionDenied
    initial = {
        "description": follow_up.description,
        "owner": follow_up.owner,
        "due_date": follow_up.due_date,
    }
    form = FollowUpForm(request.POST or None, region=follow_up.meeting.region, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.follow_up_update(actor=user, follow_up=follow_up, **form.cleaned_data)
        except actions.TaskForceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The follow-up has been saved."))
            return redirect(follow_up.get_absolute_url())
    return render(request, "taskforce/follow_up_form.html", {"form": form, "follow_up": follow_up})


@login_required
@require_POST
def follow_up_done(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    follow_up = _follow_up(user, pk, A.EDIT)
    form = CompleteForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["evidence"]
        try:
            actions.follow_up_complete(
                actor=user,
                follow_up=follow_up,
                note=form.cleaned_data["note"],
                evidence=upload,
                evidence_name=upload.name if upload else "",
                evidence_size=upload.size if upload else 0,
            )
        except actions.TaskForceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The follow-up has been marked done."))
    else:
        messages.error(request, _("Say what was done."))
    return back(request, follow_up.get_absolute_url())


@login_required
@require_POST
def follow_up_drop(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    follow_up = _follow_up(user, pk, A.VIEW)
    if not authz.reaches(user, A.EDIT, follow_up.meeting.region):
        raise PermissionDenied
    form = DropForm(request.POST)
    try:
        if not form.is_valid():
            raise actions.TaskForceError(_("Say why the follow-up is dropped."))
        actions.follow_up_drop(actor=user, follow_up=follow_up, reason=form.cleaned_data["reason"])
    except actions.TaskForceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The follow-up has been dropped."))
    return back(request, follow_up.get_absolute_url())


@login_required
@require_POST
def follow_up_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    follow_up = _follow_up(user, pk, A.VIEW)
    if not authz.reaches(user, A.EDIT, follow_up.meeting.region):
        raise PermissionDenied
    try:
        actions.follow_up_reopen(actor=user, follow_up=follow_up)
    except actions.TaskForceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The follow-up has been reopened."))
    return back(request, follow_up.get_absolute_url())


@login_required
def my_follow_ups(request: HttpRequest) -> HttpResponse:
    """Follow-ups owned by the organisations the user belongs to: open ones first."""
    from layak.organisations.models import Membership

    user = signed_in(request)
    mine = Membership.objects.active().filter(user=user).values("organisation_id")
    status = request.GET.get("status", "open")
    if status not in FollowUp.Status.values and status != "all":
        raise Http404
    follow_ups = (
        FollowUp.objects.for_user(user, A.VIEW)
        .filter(owner__in=mine)
        .select_related("meeting__region", "owner", "closed_by")
        .order_by("status", "due_date", "pk")
    )
    if status != "all":
        follow_ups = follow_ups.filter(status=status)
    if text := search_text(request.GET.get("q")):
        follow_ups = follow_ups.filter(
            text_q(text, "description", "completion_note", "meeting__title")
        )
    page = Paginator(follow_ups, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    files = attachments_for(rows)
    today = timezone.localdate()
    for f in rows:
        f.files = files.get(f.pk, [])  # type: ignore[attr-defined]
        f.overdue = f.is_overdue(today)  # type: ignore[attr-defined]
    return render(
        request,
        "taskforce/my_follow_ups.html",
        {
            "page": page,
            "rows": rows,
            "status": status,
            "q": text,
            "statuses": [("open", _("Open")), ("done", _("Done")), ("dropped", _("Dropped"))],
            "complete_form": CompleteForm(),
        },
    )
