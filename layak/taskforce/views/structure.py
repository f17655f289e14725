"""The task force itself: its structure today or on a past date, decrees and members."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.core.search import search_text, text_q
from layak.evidence.attachments import AttachmentRefused, attachment_add, attachments_for
from layak.evidence.sniff import UploadRefused
from layak.regions.models import Region
from layak.taskforce import actions
from layak.taskforce.forms import (
    DecreeEditForm,
    DecreeForm,
    MemberEndForm,
    MemberForm,
)
from layak.taskforce.models import (
    LEADERSHIP_ROLES,
    Decree,
    Meeting,
    Member,
    SubTeam,
    TaskForceRole,
)
from layak.taskforce.querysets import in_force_q
from layak.taskforce.views.common import (
    PAGE_SIZE,
    A,
    own_region,
    parse_on,
    region_of,
    signed_in,
)

# ---- the task force ------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """A district's people see their task force; the province, the ministry and assessors a
    list of the regions in reach with the decree in force."""
    user = signed_in(request)
    own = own_region(user)
    if own is not None and "region" not in request.GET:
        return _structure_page(request, user, own)
    today = timezone.localdate()
    current = Decree.objects.filter(region=OuterRef("pk")).filter(in_force_q(today))
    current = current.order_by("-period_start", "-pk")
    regions = (
        Region.objects.filter(authz.scope_q(user, A.VIEW, region=""))
        .filter(Q(level=Region.Level.REGENCY) | Q(taskforce_decrees__isnull=False))
        .distinct()
        .select_related("parent")
        .annotate(
            decree_id=Subquery(current.values("pk")[:1]),
            decree_number=Subquery(current.values("number")[:1]),
            decree_start=Subquery(current.values("period_start")[:1]),
            meetings_this_year=Subquery(
                Meeting.objects.filter(region=OuterRef("pk"), is_active=True, date__year=today.year)
                .order_by()
                .values("region")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("code")
    )
    code = (request.GET.get("region") or "").strip()
    if code:
        regions = regions.filter(Q(code=code) | Q(path__startswith=f"{code}."))
    if text := search_text(request.GET.get("q")):
        regions = regions.filter(text_q(text, "name", "parent__name"))
    page = Paginator(regions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "taskforce/home.html",
        {"page": page, "code": code, "q": text, "year": today.year},
    )


@login_required
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in(request)
    return _structure_page(request, user, region_of(user, code))


def _structure_page(request: HttpRequest, user: User, region: Region) -> HttpResponse:
    form, on = parse_on(request)
    today = timezone.localdate()
    decree = Decree.objects.filter(region=region).in_force(on).select_related("region").first()
    members: list[Member] = []
    if decree is not None:
        members = list(
            decree.members.serving(on)
            .select_related("organisation")
            .order_by("sub_team", "role", "name")
        )
    leadership = [
        (TaskForceRole(role).label, [m for m in members if m.role == role])
        for role in LEADERSHIP_ROLES
    ]
    teams = [
        (
            code,
            label,
            [m for m in members if m.sub_team == code and m.role == TaskForceRole.COORDINATOR],
            [m for m in members if m.sub_team == code and m.role == TaskForceRole.MEMBER],
        )
        for code, label in SubTeam.choices
    ]
    meetings = (
        Meeting.objects.filter(region=region, is_active=True)
        .annotate(present=Count("attendances", filter=Q(attendances__present=True)))
        .order_by("-date", "-start_time")[:5]
    )
    can_edit = authz.reaches(user, A.EDIT, region)
    attachments = attachments_for([decree]) if decree is not None else {}
    return render(
        request,
        "taskforce/region.html",
        {
            "region": region,
            "form": form,
            "on": on,
            "is_today": on == today,
            "decree": decree,
            "members": members,
            "leadership": leadership,
            "teams": teams,
            "missing": [label for code, label, c, m in teams if not c and not m],
            "meetings": meetings,
            "can_edit": can_edit,
            "decree_files": attachments.get(decree.pk, []) if decree is not None else [],
        },
    )


@login_required
def decree_list(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in(request)
    region = region_of(user, code)
    today = timezone.localdate()
    decrees = (
        Decree.objects.filter(region=region)
        .select_related("superseded_by")
        .annotate(member_count=Count("members"))
        .order_by("-period_start", "-pk")
    )
    page = Paginator(decrees, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "taskforce/decree_list.html",
        {
            "region": region,
            "decrees": page.object_list,
            "page": page,
            "today": today,
            "can_edit": authz.reaches(user, A.EDIT, region),
        },
    )


@login_required
def decree_create(request: HttpRequest, code: str) -> HttpResponse:
    user = signed_in(request)
    region = region_of(user, code)
    if not authz.reaches(user, A.EDIT, region):
        raise PermissionDenied
    current = Decree.objects.filter(region=region).in_force(timezone.localdate()).first()
    form = DecreeForm(request.POST or None, request.FILES or None)
    if current is None:
        del form.fields["copy_members"]
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        upload = data["decree_file"]
        try:
            with transaction.atomic():
                decree = actions.decree_create(
                    actor=user,
                    region=region,
                    number=data["number"],
                    title=data["title"],
                    signed_on=data["signed_on"],
                    signatory=data["signatory"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    copy_members=bool(data.get("copy_members")),
                )
                if upload is not None:
                    attachment_add(
                        actor=user,
                        owner=decree,
                        data=upload,
                        name=upload.name or "",
                        size=upload.size or 0,
                        caption=_("Decree %(number)s") % {"number": decree.number},
                    )
        except (actions.TaskForceError, AttachmentRefused, UploadRefused) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The decree has been recorded."))
            return redirect("taskforce:decree", pk=decree.pk)
    return render(
        request,
        "taskforce/decree_form.html",
        {"form": form, "region": region, "decree": None, "current": current},
    )


def _decree(user: User, pk: int, action: authz.Action) -> Decree:
    decree: Decree = authz.get_object_for_user(
        Decree.objects.select_related("region__parent", "superseded_by"), user, action, pk=pk
    )
    return decree


@login_required
def decree_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    decree = _decree(user, pk, A.VIEW)
    today = timezone.localdate()
    members = decree.members.select_related("organisation").order_by(
        "sub_team", "role", "served_from", "name"
    )
    can_edit = authz.reaches(user, A.EDIT, decree.region)
    return render(
        request,
        "taskforce/decree_detail.html",
        {
            "decree": decree,
            "region": decree.region,
            "members": members,
            "today": today,
            "in_force": decree.in_force_on(today),
            "supersedes": decree.supersedes.all(),
            "attachments": attachments_for([decree]).get(decree.pk, []),
            "can_edit": can_edit,
            "history": AuditEntry.objects.for_object(decree).select_related("actor")[:50]
            if can_edit
            else AuditEntry.objects.none(),
        },
    )


@login_required
def decree_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    decree = _decree(user, pk, A.EDIT)
    initial = {
        "number": decree.number,
        "title": decree.title,
        "signed_on": decree.signed_on,
        "signatory": decree.signatory,
        "period_end": decree.period_end,
    }
    form = DecreeEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.decree_update(actor=user, decree=decree, **fields)
        except actions.TaskForceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The decree has been saved."))
            return redirect("taskforce:decree", pk=decree.pk)
    return render(
        request,
        "taskforce/decree_form.html",
        {"form": form, "region": decree.region, "decree": decree},
    )


@login_required
def member_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    decree = _decree(user, pk, A.EDIT)
    form = MemberForm(request.POST or None, decree=decree)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            actions.member_add(actor=user, decree=decree, **data)
        except actions.TaskForceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s has been added.") % {"name": data["name"]})
            if "another" in request.POST:
                return redirect("taskforce:member_create", pk=decree.pk)
            return redirect("taskforce:decree", pk=decree.pk)
    return render(
        request,
        "taskforce/member_form.html",
        {"form": form, "decree": decree, "member": None, "end_form": None},
    )


def _member(user: User, pk: int, action: authz.Action) -> Member:
    member: Member = authz.get_object_for_user(
        Member.objects.select_related("decree__region", "organisation"), user, action, pk=pk
    )
    return member


@login_required
def member_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    member = _member(user, pk, A.EDIT)
    decree = member.decree
    fields = ("name", "position", "organisation", "role", "sub_team", "served_from", "sex")
    initial: dict[str, Any] = {name: getattr(member, name) for name in fields}
    initial["served_until"] = member.served_until
    form = MemberForm(request.POST or None, decree=decree, initial=initial)
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            actions.member_update(actor=user, member=member, **changes)
        except actions.TaskForceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("%(name)s has been saved.") % {"name": member.name})
            return redirect("taskforce:decree", pk=decree.pk)
    return render(
        request,
        "taskforce/member_form.html",
        {
            "form": form,
            "decree": decree,
            "member": member,
            "end_form": MemberEndForm(initial={"served_until": timezone.localdate()}),
        },
    )


@login_required
@require_POST
def member_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in(request)
    member = _member(user, pk, A.EDIT)
    form = MemberEndForm(request.POST)
    if form.is_valid():
        try:
            actions.member_end(
                actor=user,
                member=member,
                served_until=form.cleaned_data["served_until"],
                reason=form.cleaned_data["reason"],
            )
        except actions.TaskForceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request, _("The service of %(name)s has been ended.") % {"name": member.name}
            )
            return redirect("taskforce:decree", pk=member.decree_id)
    else:
        messages.error(request, _("Give the last day of service and a reason."))
    return redirect("taskforce:member_edit", pk=member.pk)
