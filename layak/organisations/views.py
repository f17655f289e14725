from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.core.http import HtmxHttpRequest
from layak.organisations import actions
from layak.organisations.forms import (
    InviteForm,
    MemberFilterForm,
    OrganisationFilterForm,
    OrganisationForm,
    RoleForm,
    grantable_roles,
)
from layak.organisations.models import Membership, Organisation
from layak.organisations.offices import (
    OfficeKind,
    instrument_office_names,
    kinds_for,
    suggested_kind,
)
from layak.organisations.roles import OrganisationKind, Role
from layak.regions.models import Region

PAGE_SIZE = 50
A = authz.Action


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def organisation_list(request: HtmxHttpRequest) -> HttpResponse:
    user = _user(request)
    form = OrganisationFilterForm(request.GET)
    organisations = (
        Organisation.objects.for_user(user, A.VIEW)
        .select_related("region__parent")
        .annotate(member_count=Count("memberships", filter=Q(memberships__is_active=True)))
        .order_by("region__code", "name")
    )
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            organisations = organisations.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
        if kind := form.cleaned_data["kind"]:
            organisations = organisations.filter(kind=kind)
        if not form.cleaned_data["inactive"]:
            organisations = organisations.filter(is_active=True)
    page = Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page"))
    template = (
        "organisations/_organisation_rows.html" if request.htmx else "organisations/list.html"
    )
    return render(
        request,
        template,
        {"form": form, "page": page, "can_manage": authz.has_action(user, A.MANAGE)},
    )


@login_required
def organisation_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    authz.require(user, A.MANAGE)
    form = OrganisationForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            organisation = actions.organisation_create(
                actor=user,
                region=data["region"],
                name=data["name"],
                acronym=data["acronym"],
                kind=data["kind"],
                email=data["email"],
                phone=data["phone"],
                address=data["address"],
            )
        except actions.OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The organisation has been created."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": None})


@login_required
def organisation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation: Organisation = authz.get_object_for_user(
        Organisation.objects.select_related("region__parent"), user, A.VIEW, pk=pk
    )
    can_manage = authz.reaches(user, A.MANAGE, organisation.region)
    memberships = (
        Membership.objects.for_user(user, A.VIEW)
        .filter(organisation=organisation)
        .select_related("user")
        .prefetch_related("assigned_regions")
        .order_by("-is_active", "user__full_name")
    )
    history = (
        AuditEntry.objects.for_organisation(organisation).select_related("actor")[:50]
        if can_manage
        else AuditEntry.objects.none()
    )
    return render(
        request,
        "organisations/detail.html",
        {
            "organisation": organisation,
            "memberships": memberships,
            "can_manage": can_manage,
            "can_assign_assessors": authz.reaches(user, A.MANAGE, None),
            "can_reset_two_factor": Role.MINISTRY_ADMIN in authz.roles(user),
            "history": history,
            "invite_form": InviteForm(user=user, organisation=organisation) if can_manage else None,
            "role_choices": grantable_roles(user, organisation) if can_manage else [],
        },
    )


@login_required
def organisation_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation: Organisation = authz.get_object_for_user(
        Organisation.objects.all(), user, A.MANAGE, pk=pk
    )
    form = OrganisationForm(request.POST or None, instance=organisation, user=user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.changed_data}
        organisation.refresh_from_db()
        try:
            actions.organisation_update(actor=user, organisation=organisation, **fields)
        except actions.OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The organisation has been saved."))
            return redirect("organisations:detail", pk=organisation.pk)
    return render(request, "organisations/form.html", {"form": form, "organisation": organisation})


@login_required
@require_POST
def organisation_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation: Organisation = authz.get_object_for_user(
        Organisation.objects.all(), user, A.MANAGE, pk=pk
    )
    active = request.POST.get("active") == "1"
    try:
        actions.organisation_set_active(actor=user, organisation=organisation, active=active)
    except actions.OrganisationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The organisation has been reactivated.")
            if active
            else _("The organisation has been deactivated."),
        )
    return redirect("organisations:detail", pk=organisation.pk)


@login_required
def member_invite(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation: Organisation = authz.get_object_for_user(
        Organisation.objects.select_related("region"), user, A.MANAGE, pk=pk
    )
    form = InviteForm(request.POST or None, user=user, organisation=organisation)
    if request.method == "POST" and form.is_valid():
        try:
            actions.member_invite(
                actor=user,
                organisation=organisation,
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
            )
        except actions.OrganisationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("%(email)s has been invited.") % {"email": form.cleaned_data["email"]},
            )
            return redirect("organisations:detail", pk=organisation.pk)
    return render(
        request, "organisations/invite.html", {"form": form, "organisation": organisation}
    )


def _membership_for_manage(user: User, pk: int) -> Membership:
    membership: Membership = authz.get_object_for_user(
        Membership.objects.select_related("organisation__region", "user"), user, A.VIEW, pk=pk
    )
    authz.require(user, A.MANAGE, authz.reaches(user, A.MANAGE, membership.organisation.region))
    return membership


@login_required
@require_POST
def membership_change_role(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    membership = _membership_for_manage(user, pk)
    form = RoleForm(request.POST, user=user, membership=membership)
    if not form.is_valid():
        messages.error(request, _("Choose a role that fits this organisation."))
    else:
        try:
            actions.membership_change_role(
                actor=user, membership=membership, role=form.cleaned_data["role"]
            )
        except actions.OrganisationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("The role has been changed."))
    return redirect("organisations:detail", pk=membership.organisation_id)


@login_required
@require_POST
def membership_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    membership = _membership_for_manage(user, pk)
    active = request.POST.get("active") == "1"
    try:
        actions.membership_set_active(actor=user, membership=membership, active=active)
    except actions.OrganisationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The membership has been reactivated.")
            if active
            else _("The membership has been deactivated."),
        )
    return redirect("organisations:detail", pk=membership.organisation_id)


@login_required
@require_POST
def invitation_resend(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    membership = _membership_for_manage(user, pk)
    try:
        actions.invitation_resend(actor=user, membership=membership)
    except actions.OrganisationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The invitation has been sent again."))
    return redirect("organisations:detail", pk=membership.organisation_id)


@login_required
def member_list(request: HtmxHttpRequest) -> HttpResponse:
    user = _user(request)
    form = MemberFilterForm(request.GET)
    memberships = (
        Membership.objects.for_user(user, A.VIEW)
        .filter(is_active=True)
        .select_related("user", "organisation__region")
        .order_by("user__full_name", "organisation__name")
    )
    if form.is_valid():
        if q := form.cleaned_data["q"]:
            memberships = memberships.filter(
                Q(user__full_name__icontains=q) | Q(user__email__icontains=q)
            )
        if role := form.cleaned_data["role"]:
            memberships = memberships.filter(role=role)
        if form.cleaned_data["pending"]:
            memberships = memberships.pending()
    page = Paginator(memberships, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "organisations/_member_rows.html" if request.htmx else "organisations/members.html"
    return render(request, template, {"form": form, "page": page})


@login_required
@require_POST
def assessor_regions(request: HttpRequest, pk: int) -> HttpResponse:
    """The ministry sets the districts an independent assessor verifies."""
    user = _user(request)
    membership = _membership_for_manage(user, pk)
    codes = request.POST.get("codes", "").replace(",", " ").split()
    try:
        actions.assessor_assign(actor=user, membership=membership, codes=codes[:600])
    except actions.OrganisationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The assessor's districts have been saved."))
    return redirect("organisations:detail", pk=membership.organisation_id)


@login_required
def office_kinds(request: HttpRequest, code: str) -> HttpResponse:
    """The district's office mapping: the kind of office each name in the instruments stands
    for, and the kind of each of the district's organisations. New cycles propose their
    questions to the organisations this mapping points to."""
    user = _user(request)
    # 404 outside the regions the person works in, 403 within them without the right to manage.
    region = get_object_or_404(
        Region.objects.filter(authz.scope_q(user, A.VIEW, region="")), code=code, level=2
    )
    authz.require(user, A.MANAGE, authz.reaches(user, A.MANAGE, region))
    names = instrument_office_names()
    organisations = list(
        Organisation.objects.filter(
            region__path__startswith=region.path,
            is_active=True,
            kind=OrganisationKind.GOVERNMENT_OFFICE,
        ).order_by("name")
    )
    if request.method == "POST":
        try:
            n = actions.office_kinds_set(
                actor=user,
                region=region,
                names={name: request.POST.get(f"name-{i}", "") for i, name in enumerate(names)},
                organisations={
                    o.pk: request.POST.get(f"org-{o.pk}", o.office_kind) for o in organisations
                },
            )
        except actions.OrganisationError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Office mapping saved (%(n)s changes).") % {"n": n})
            return redirect("organisations:office_kinds", code=region.code)
    kinds = kinds_for(region)
    return render(
        request,
        "organisations/office_kinds.html",
        {
            "region": region,
            "names": [(i, name, kinds.get(name, "")) for i, name in enumerate(names)],
            "organisations": [
                (o, o.office_kind or suggested_kind(o.name), not o.office_kind)
                for o in organisations
            ],
            "choices": OfficeKind.choices,
        },
    )
