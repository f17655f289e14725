from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak import authz
from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.core.search import search_text, text_q
from layak.evidence.attachments import attachments_for
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import OrganisationKind, Role
from layak.participation import actions
from layak.participation.forms import DecreeForm, FacilitatorForm, FollowUpForm, ProposalForm
from layak.participation.models import Facilitator, ForumDecree, Proposal, Status
from layak.participation.querysets import forum_scope

PAGE_SIZE = 50
A = authz.Action


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _forums() -> QuerySet[Organisation]:
    return Organisation.objects.filter(kind=OrganisationKind.FORUM_ANAK)


def get_forum_for_user(user: User, pk: int, action: authz.Action) -> Organisation:
    """The forum ``pk`` if the user reaches it (404 otherwise), checked for ``action`` (403)."""
    forum = get_object_or_404(
        _forums().filter(forum_scope(user, A.VIEW)).select_related("region__parent"), pk=pk
    )
    if action != A.VIEW and not _forums().filter(forum_scope(user, action), pk=pk).exists():
        raise PermissionDenied
    return forum


def _proposal_for_user(user: User, pk: int, action: authz.Action) -> Proposal:
    proposal: Proposal = authz.get_object_for_user(
        Proposal.objects.select_related("forum__region", "region", "plan_item__plan"),
        user,
        action,
        pk=pk,
    )
    return proposal


@login_required
def forum_list(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    current = ForumDecree.objects.filter(forum=OuterRef("pk"), superseded_at=None)
    forums = (
        _forums()
        .filter(forum_scope(user, A.VIEW), is_active=True)
        .select_related("region__parent")
        .annotate(
            decree_number=Subquery(current.values("number")[:1]),
            decree_date=Subquery(current.values("issued_on")[:1]),
            decree_end=Subquery(current.values("period_end")[:1]),
            proposal_count=Count("proposals", filter=Q(proposals__is_active=True), distinct=True),
            open_count=Count(
                "proposals",
                filter=Q(
                    proposals__is_active=True,
                    proposals__status__in=[Status.RECEIVED, Status.CONSIDERING],
                ),
                distinct=True,
            ),
        )
        .order_by("region__code", "name")
    )
    if text := search_text(request.GET.get("q")):
        forums = forums.filter(text_q(text, "name", "acronym", "region__name"))
    page = Paginator(forums, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "participation/list.html", {"page": page, "q": text})


@login_required
def forum_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    forum = get_forum_for_user(user, pk, A.VIEW)
    can_edit = actions.can_edit_forum(user, forum) and forum.is_active
    decrees = list(
        ForumDecree.objects.filter(forum=forum).select_related("forum__region", "created_by")
    )
    attachments = attachments_for(decrees)
    proposals = (
        Proposal.objects.for_user(user, A.VIEW)
        .filter(forum=forum, is_active=True)
        .select_related("region", "plan_item")
        .annotate(proposer_count=Count("proposers"))
        .order_by("-proposed_on", "-pk")
    )
    if text := search_text(request.GET.get("q")):
        proposals = proposals.filter(text_q(text, "topic", "description", "response"))
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/forum.html",
        {
            "forum": forum,
            "can_edit": can_edit,
            "decrees": [(d, attachments.get(d.pk, [])) for d in decrees],
            "facilitators": Facilitator.objects.filter(forum=forum).select_related("user"),
            "accounts": Membership.objects.active()
            .filter(organisation=forum, role=Role.FORUM_FACILITATOR)
            .select_related("user"),
            "page": page,
            "q": text,
        },
    )


@login_required
def decree_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    forum = get_forum_for_user(user, pk, A.EDIT)
    form = DecreeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.decree_add(actor=user, forum=forum, **form.cleaned_data)
        except actions.ParticipationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The decree has been recorded; attach its scan below."))
            return redirect("participation:forum", pk=forum.pk)
    return render(
        request,
        "participation/form.html",
        {"form": form, "forum": forum, "title": _("New decree of the forum")},
    )


@login_required
def facilitator_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    forum = get_forum_for_user(user, pk, A.EDIT)
    form = FacilitatorForm(request.POST or None, forum=forum)
    if request.method == "POST" and form.is_valid():
        try:
            actions.facilitator_add(actor=user, forum=forum, **form.cleaned_data)
        except actions.ParticipationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The facilitator has been added."))
            return redirect("participation:forum", pk=forum.pk)
    return render(
        request,
        "participation/form.html",
        {"form": form, "forum": forum, "title": _("Add a facilitator")},
    )


@login_required
@require_POST
def facilitator_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    facilitator: Facilitator = authz.get_object_for_user(
        Facilitator.objects.select_related("forum"), user, A.EDIT, pk=pk
    )
    active = request.POST.get("active") == "1"
    try:
        actions.facilitator_set_active(actor=user, facilitator=facilitator, active=active)
    except actions.ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The facilitator has been saved."))
    return redirect("participation:forum", pk=facilitator.forum_id)


@login_required
def proposal_create(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    forum = get_forum_for_user(user, pk, A.EDIT)
    form = ProposalForm(request.POST or None, forum=forum)
    if request.method == "POST" and form.is_valid():
        try:
            proposal = actions.proposal_create(actor=user, forum=forum, data=form.proposal_data())
        except actions.IdentifyingText as exc:
            form.flag(exc)
        except actions.ParticipationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The proposal has been recorded."))
            return redirect("participation:proposal", pk=proposal.pk)
    return render(
        request,
        "participation/proposal_form.html",
        {"form": form, "forum": forum, "proposal": None},
    )


@login_required
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    proposal = _proposal_for_user(user, pk, A.VIEW)
    can_edit = Proposal.objects.for_user(user, A.EDIT).filter(pk=proposal.pk).exists()
    can_follow_up = actions.can_follow_up(user, proposal)
    handles = Proposal.objects.handled_by(user).filter(pk=proposal.pk).exists()
    history = (
        AuditEntry.objects.for_object(proposal).select_related("actor")[:50]
        if can_edit or can_follow_up
        else AuditEntry.objects.none()
    )
    return render(
        request,
        "participation/proposal.html",
        {
            "proposal": proposal,
            "proposers": proposal.proposers.all(),
            # Children's first names or initials only for the forum's own editors and the
            # government answering them; everyone else reads age groups.
            "show_names": handles,
            # The description may tell about children: only for those who handle the proposal.
            "show_text": handles,
            "can_edit": can_edit and proposal.status == Status.RECEIVED,
            "can_withdraw": can_edit,
            "can_follow_up": can_follow_up,
            "history": history,
        },
    )


@login_required
def proposal_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    proposal = _proposal_for_user(user, pk, A.EDIT)
    form = ProposalForm(request.POST or None, forum=proposal.forum, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            actions.proposal_update(actor=user, proposal=proposal, data=form.proposal_data())
        except actions.IdentifyingText as exc:
            form.flag(exc)
        except actions.ParticipationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The proposal has been saved."))
            return redirect("participation:proposal", pk=proposal.pk)
    return render(
        request,
        "participation/proposal_form.html",
        {"form": form, "forum": proposal.forum, "proposal": proposal},
    )


@login_required
def proposal_follow_up(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    proposal = _proposal_for_user(user, pk, A.VIEW)
    authz.require(user, A.EDIT, actions.can_follow_up(user, proposal))
    form = FollowUpForm(request.POST or None, proposal=proposal)
    if request.method == "POST" and form.is_valid():
        try:
            actions.proposal_follow_up(actor=user, proposal=proposal, **form.follow_up_data())
        except actions.IdentifyingText as exc:
            form.flag(exc)
        except actions.ParticipationError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("The follow-up has been recorded."))
            return redirect("participation:proposal", pk=proposal.pk)
    return render(request, "participation/follow_up.html", {"form": form, "proposal": proposal})


@login_required
@require_POST
def proposal_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    user = _user(request)
    proposal = _proposal_for_user(user, pk, A.EDIT)
    active = request.POST.get("active") == "1"
    try:
        actions.proposal_set_active(actor=user, proposal=proposal, active=active)
    except actions.ParticipationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("The proposal has been restored.")
            if active
            else _("The proposal has been withdrawn."),
        )
    return redirect("participation:proposal", pk=proposal.pk)


def you_said(request: HttpRequest, pk: int) -> HttpResponse:
    """Public: what the forum's children proposed and what the government did with it.

    Only the topic, date, level, status, response and RAD KLA activity are shown; the
    proposers are never read here, and nothing is attached to this page."""
    forum = get_object_or_404(
        _forums().filter(is_active=True).select_related("region__parent"), pk=pk
    )
    proposals = (
        Proposal.objects.filter(forum=forum, is_active=True)
        .select_related("region", "plan_item")
        .order_by("-proposed_on", "-pk")
    )
    counts = dict(
        Proposal.objects.filter(forum=forum, is_active=True)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    page = Paginator(proposals, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "participation/you_said.html",
        {
            "forum": forum,
            "page": page,
            "counts": [(label, counts.get(value, 0)) for value, label in Status.choices],
        },
    )
