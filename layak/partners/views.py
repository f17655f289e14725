"""The partner register, commitments and contributions with their review, the secretariat's
queue and the district's involvement figures."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, DecimalField, Exists, OuterRef, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz, workflow
from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.core import concurrency
from layak.core.http import HtmxHttpRequest
from layak.core.search import search_text, text_q
from layak.evidence.attachments import attachments_for
from layak.organisations.models import Organisation
from layak.organisations.roles import PARTNER_KINDS
from layak.partners import actions
from layak.partners.forms import (
    CommitmentEditForm,
    CommitmentForm,
    ContactForm,
    ContributionForm,
    PartnerFilterForm,
    ProfileForm,
    ReturnForm,
    TotalsForm,
)
from layak.partners.models import Commitment, Contact, Contribution, PartnerProfile
from layak.partners.totals import involvement
from layak.regions.models import Region

A = authz.Action
PAGE_SIZE = 50
QUEUE_SIZE = 100
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=16, decimal_places=0))


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _partner(user: User, pk: int, action: authz.Action) -> Organisation:
    organisation: Organisation = authz.get_object_for_user(
        Organisation.objects.filter(kind__in=PARTNER_KINDS).select_related("region__parent"),
        user,
        action,
        pk=pk,
    )
    return organisation


def _commitment(user: User, pk: int, action: authz.Action) -> Commitment:
    commitment: Commitment = authz.get_object_for_user(
        Commitment.objects.select_related("organisation__region", "cluster", "reviewed_by"),
        user,
        action,
        pk=pk,
    )
    return commitment


def _contribution(user: User, pk: int, action: authz.Action) -> Contribution:
    contribution: Contribution = authz.get_object_for_user(
        Contribution.objects.select_related(
            "commitment__organisation__region", "commitment__cluster", "reviewed_by"
        ),
        user,
        action,
        pk=pk,
    )
    return contribution


# ---- register ----------------------------------------------------------------------------


@login_required
def partner_list(request: HtmxHttpRequest) -> HttpResponse:
    user = _user(request)
    form = PartnerFilterForm(request.GET)
    partners = (
        Organisation.objects.for_user(user, A.VIEW)
        .filter(kind__in=PARTNER_KINDS, is_active=True)
        .select_related("region", "partner_profile")
        .annotate(
            commitment_count=Count(
                "partner_commitments", filter=Q(partner_commitments__is_active=True)
            )
        )
        .order_by("region__code", "name")
    )
    if form.is_valid():
        data = form.cleaned_data
        if q := data["q"]:
            partners = partners.filter(
                Q(name__icontains=q)
                | Q(acronym__icontains=q)
                | Q(partner_profile__description__icontains=q)
            )
        if kind := data["kind"]:
            partners = partners.filter(kind=kind)
        if code := data["cluster"]:
            serves = PartnerProfile.clusters.through.objects.filter(
                partnerprofile__organisation=OuterRef("pk"), group__code=code
            )
            committed = Commitment.objects.filter(
                organisation=OuterRef("pk"), is_active=True, cluster__code=code
            )
            partners = partners.filter(Exists(serves) | Exists(committed))
        if data["apsai"] == "yes":
            partners = partners.filter(partner_profile__apsai_member=True)
        elif data["apsai"] == "no":
            partners = partners.exclude(partner_profile__apsai_member=True)
    page = Paginator(partners, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "partners/_partner_rows.html" if request.htmx else "partners/list.html"
    return render(
        request,
        template,
        {"form": form, "page": page, "can_review": authz.has_action(user, A.MANAGE)},
    )


@login_required
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = _partner(user, pk, A.VIEW)
    profile = (
        PartnerProfile.objects.filter(organisation=organisation)
        .select_related("updated_by")
        .prefetch_related("clusters", "indicators__group")
        .first()
    )
    contacts = Contact.objects.for_user(user, A.VIEW).filter(organisation=organisation)
    commitments = (
        Commitment.objects.for_user(user, A.VIEW)
        .filter(organisation=organisation)
        .select_related("cluster")
        .annotate(
            contribution_count=Count("contributions", filter=Q(contributions__is_active=True)),
            delivered=Coalesce(
                Sum(
                    "contributions__amount",
                    filter=Q(
                        contributions__is_active=True,
                        contributions__status=workflow.Status.ACCEPTED,
                    ),
                ),
                ZERO,
            ),
        )
        .order_by("-is_active", "-starts_on", "title")
    )
    can_edit = actions.may_edit(user, organisation)
    return render(
        request,
        "partners/detail.html",
        {
            "partner": organisation,
            "profile": profile,
            "contacts": contacts,
            "commitments": commitments,
            "can_edit": can_edit,
        },
    )


@login_required
def profile_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = _partner(user, pk, A.EDIT)
    profile = PartnerProfile.objects.filter(organisation=organisation).first()
    initial: dict[str, Any] = {"address": organisation.address}
    if profile is not None:
        initial = {
            "description": profile.description,
            "address": profile.address,
            "website": profile.website,
            "apsai_member": profile.apsai_member,
            "apsai_number": profile.apsai_number,
            "apsai_year": profile.apsai_year,
            "clusters": list(profile.clusters.all()),
            "indicators": list(profile.indicators.all()),
        }
    form = ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            actions.profile_save(actor=user, organisation=organisation, **form.cleaned_data)
        except actions.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The profile has been saved."))
            return redirect("partners:detail", pk=organisation.pk)
    return render(
        request,
        "partners/form.html",
        {
            "form": form,
            "partner": organisation,
            "title": _("Edit the profile"),
        },
    )


@login_required
def contact_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = _partner(user, pk, A.EDIT)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.contact_create(actor=user, organisation=organisation, **form.cleaned_data)
        except actions.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The contact person has been added."))
            return redirect("partners:detail", pk=organisation.pk)
    return render(
        request,
        "partners/form.html",
        {"form": form, "partner": organisation, "title": _("Add a contact person")},
    )


@login_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contact: Contact = authz.get_object_for_user(
        Contact.objects.select_related("organisation__region"), user, A.EDIT, pk=pk
    )
    form = ContactForm(request.POST or None, instance=contact)
    if request.method == "POST" and form.is_valid():
        try:
            actions.contact_update(actor=user, contact=contact, **form.cleaned_data)
        except actions.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The contact person has been saved."))
            return redirect("partners:detail", pk=contact.organisation_id)
    return render(
        request,
        "partners/form.html",
        {"form": form, "partner": contact.organisation, "title": _("Edit the contact person")},
    )


@login_required
@require_POST
def contact_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contact: Contact = authz.get_object_for_user(
        Contact.objects.select_related("organisation"), user, A.EDIT, pk=pk
    )
    active = request.POST.get("active") == "1"
    try:
        actions.contact_set_active(actor=user, contact=contact, active=active)
    except actions.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The contact person has been reactivated.")
            if active
            else _("The contact person has been deactivated."),
        )
    return redirect("partners:detail", pk=contact.organisation_id)


# ---- commitments -------------------------------------------------------------------------


def _history(obj: Commitment | Contribution) -> Any:
    return AuditEntry.objects.for_object(obj).select_related("actor")[:50]


@login_required
def commitment_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    organisation = _partner(user, pk, A.EDIT)
    form = CommitmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = actions.commitment_create(
                actor=user, organisation=organisation, **form.cleaned_data
            )
        except actions.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The commitment has been saved as a draft."))
            return redirect(commitment)
    return render(
        request,
        "partners/form.html",
        {"form": form, "partner": organisation, "title": _("New commitment")},
    )


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    commitment = _commitment(user, pk, A.VIEW)
    organisation = commitment.organisation
    contributions = list(
        Contribution.objects.for_user(user, A.VIEW)
        .filter(commitment=commitment)
        .order_by("-is_active", "-date", "-pk")
    )
    evidence = attachments_for(contributions)
    for c in contributions:
        c.evidence_count = len(evidence.get(c.pk, []))  # type: ignore[attr-defined]
    can_edit = actions.may_edit(user, organisation)
    return render(
        request,
        "partners/commitment_detail.html",
        {
            "commitment": commitment,
            "partner": organisation,
            "indicators": commitment.indicators.select_related("group"),
            "contributions": contributions,
            "attachments": attachments_for([commitment]).get(commitment.pk, []),
            "can_edit": can_edit,
            "can_review": actions.may_review(user, organisation),
            "return_form": ReturnForm(),
            "history": _history(commitment),
        },
    )


@login_required
def commitment_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    commitment = _commitment(user, pk, A.EDIT)
    if not (commitment.is_active and commitment.editable):
        messages.error(request, _("Only a draft or returned commitment can be changed."))
        return redirect(commitment)
    form = CommitmentEditForm(request.POST or None, instance=commitment)
    form.expect_revision(commitment)
    conflict = ""
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        revision = fields.pop("revision")
        try:
            actions.commitment_update(
                actor=user, commitment=commitment, revision=revision, **fields
            )
        except actions.PartnerError as exc:
            form.add_error(None, str(exc))
        except concurrency.EditConflict as exc:
            form.keep_after_conflict(exc)
            conflict = _commitment_conflict(form, exc.current)
        else:
            messages.success(request, _("The commitment has been saved."))
            return redirect(commitment)
    return render(
        request,
        "partners/form.html",
        {
            "form": form,
            "partner": commitment.organisation,
            "title": _("Edit the commitment"),
            "cancel": commitment,
            "conflict": conflict,
        },
    )


def _commitment_conflict(form: CommitmentEditForm, current: Commitment) -> str:
    """The commitment as the other person saved it next to this person's unsaved version."""
    rows: list[tuple[str, Any, Any]] = []
    for name, field in form.fields.items():
        if name == "revision" or name not in form.cleaned_data:
            continue
        yours: Any = form.cleaned_data[name]
        if name == "indicators":
            rows.append((str(field.label), set(current.indicators.all()), set(yours)))
        else:
            rows.append((str(field.label), getattr(current, name), yours))
    return concurrency.conflict_table(concurrency.differences(rows))


def _review(request: HttpRequest, item: Commitment | Contribution, user: User) -> None:
    """Accept or return ``item`` as the POST asks; refusals become messages."""
    decision = request.POST.get("decision")
    try:
        if isinstance(item, Commitment):
            if decision == "accept":
                actions.commitment_accept(actor=user, commitment=item)
            elif decision == "return":
                actions.commitment_return(
                    actor=user, commitment=item, reason=request.POST.get("reason", "")
                )
            else:
                raise actions.PartnerError(_("Choose to accept or to return."))
        elif decision == "accept":
            actions.contribution_accept(actor=user, contribution=item)
        elif decision == "return":
            actions.contribution_return(
                actor=user, contribution=item, reason=request.POST.get("reason", "")
            )
        else:
            raise actions.PartnerError(_("Choose to accept or to return."))
    except actions.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Accepted.") if decision == "accept" else _("Returned to the partner."),
        )


def _back(request: HttpRequest, default: Commitment | Contribution) -> HttpResponse:
    if request.POST.get("next") == "queue":
        return redirect("partners:review")
    return redirect(default)


@login_required
@require_POST
def commitment_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    commitment = _commitment(user, pk, A.EDIT)
    try:
        actions.commitment_submit(actor=user, commitment=commitment)
    except actions.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Submitted to the secretariat."))
    return redirect(commitment)


@login_required
@require_POST
def commitment_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    commitment = _commitment(user, pk, A.VIEW)
    authz.require(user, A.MANAGE, actions.may_review(user, commitment.organisation))
    _review(request, commitment, user)
    return _back(request, commitment)


@login_required
@require_POST
def commitment_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    commitment = _commitment(user, pk, A.EDIT)
    try:
        actions.commitment_withdraw(actor=user, commitment=commitment)
    except actions.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The commitment has been withdrawn."))
    return redirect(commitment)


# ---- contributions -----------------------------------------------------------------------


@login_required
def contribution_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    commitment = _commitment(user, pk, A.EDIT)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            contribution = actions.contribution_create(
                actor=user, commitment=commitment, **form.cleaned_data
            )
        except actions.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("The contribution has been saved as a draft. Attach the evidence, then submit."),
            )
            return redirect(contribution)
    return render(
        request,
        "partners/form.html",
        {
            "form": form,
            "partner": commitment.organisation,
            "commitment": commitment,
            "title": _("New contribution"),
            "cancel": commitment,
        },
    )


@login_required
def contribution_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contribution = _contribution(user, pk, A.VIEW)
    organisation = contribution.commitment.organisation
    return render(
        request,
        "partners/contribution_detail.html",
        {
            "contribution": contribution,
            "commitment": contribution.commitment,
            "partner": organisation,
            "attachments": attachments_for([contribution]).get(contribution.pk, []),
            "can_edit": actions.may_edit(user, organisation),
            "can_review": actions.may_review(user, organisation),
            "return_form": ReturnForm(),
            "history": _history(contribution),
        },
    )


@login_required
def contribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contribution = _contribution(user, pk, A.EDIT)
    if not (contribution.is_active and contribution.editable):
        messages.error(request, _("Only a draft or returned contribution can be changed."))
        return redirect(contribution)
    form = ContributionForm(request.POST or None, instance=contribution)
    if request.method == "POST" and form.is_valid():
        try:
            actions.contribution_update(actor=user, contribution=contribution, **form.cleaned_data)
        except actions.PartnerError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The contribution has been saved."))
            return redirect(contribution)
    return render(
        request,
        "partners/form.html",
        {
            "form": form,
            "partner": contribution.commitment.organisation,
            "commitment": contribution.commitment,
            "title": _("Edit the contribution"),
            "cancel": contribution,
        },
    )


@login_required
@require_POST
def contribution_submit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contribution = _contribution(user, pk, A.EDIT)
    try:
        actions.contribution_submit(actor=user, contribution=contribution)
    except actions.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Submitted to the secretariat."))
    return redirect(contribution)


@login_required
@require_POST
def contribution_review(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contribution = _contribution(user, pk, A.VIEW)
    authz.require(user, A.MANAGE, actions.may_review(user, contribution.commitment.organisation))
    _review(request, contribution, user)
    return _back(request, contribution)


@login_required
@require_POST
def contribution_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    contribution = _contribution(user, pk, A.EDIT)
    try:
        actions.contribution_withdraw(actor=user, contribution=contribution)
    except actions.PartnerError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The contribution has been withdrawn."))
    return redirect(contribution.commitment)


# ---- the secretariat's queue -------------------------------------------------------------


@login_required
def review_queue(request: HttpRequest) -> HttpResponse:
    """Commitments and contributions of the district waiting for the secretariat."""
    user = _user(request)
    authz.require(user, A.MANAGE)
    submitted = workflow.Status.SUBMITTED
    commitments = (
        Commitment.objects.for_user(user, A.MANAGE)
        .filter(status=submitted, is_active=True)
        .select_related("organisation__region", "cluster")
        .order_by("submitted_at", "pk")
    )
    contributions = (
        Contribution.objects.for_user(user, A.MANAGE)
        .filter(status=submitted, is_active=True)
        .select_related("commitment__organisation__region", "commitment")
        .order_by("submitted_at", "pk")
    )
    if text := search_text(request.GET.get("q")):
        commitments = commitments.filter(
            text_q(text, "title", "organisation__name", "organisation__acronym")
        )
        contributions = contributions.filter(
            text_q(
                text,
                "commitment__title",
                "commitment__organisation__name",
                "commitment__organisation__acronym",
            )
        )
    return render(
        request,
        "partners/review.html",
        {
            "q": text,
            "commitments": commitments[:QUEUE_SIZE],
            "commitment_count": commitments.count(),
            "contributions": contributions[:QUEUE_SIZE],
            "contribution_count": contributions.count(),
            "queue_size": QUEUE_SIZE,
        },
    )


# ---- totals ------------------------------------------------------------------------------


def _default_district(user: User) -> str:
    """The regency or city of the user's region-wide grant, when there is exactly one."""
    codes = {
        path.rstrip(".")
        for g in authz.grants(user)
        if g.allows(A.VIEW) and not g.organisation_scoped
        for path in g.paths
    }
    return codes.pop() if len(codes) == 1 else ""


@login_required
def totals(request: HttpRequest) -> HttpResponse:
    """Involvement figures of one district and year; ``?region=<code>&year=<year>`` is the
    address the evaluation links to from the indicator on partner involvement (KL-3)."""
    user = _user(request)
    if not any(g.allows(A.VIEW) and not g.organisation_scoped for g in authz.grants(user)):
        raise PermissionDenied
    form = TotalsForm(request.GET or None)
    today = timezone.localdate()
    code, year = _default_district(user), today.year
    if form.is_valid():
        code = form.cleaned_data["region"] or code
        year = form.cleaned_data["year"] or year
    region = None
    result = None
    if code:
        region = Region.objects.filter(code=code.strip(), level=Region.Level.REGENCY).first()
        if region is None or not authz.reaches(user, A.VIEW, region):
            raise Http404
        result = involvement(region, year)
    if not form.is_bound:
        form = TotalsForm(initial={"region": code, "year": year})
    return render(
        request,
        "partners/totals.html",
        {
            "form": form,
            "region": region,
            "year": year,
            "result": result,
            "period": (datetime.date(year, 1, 1), datetime.date(year, 12, 31)),
        },
    )
