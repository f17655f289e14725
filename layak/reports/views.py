"""The reports page: the reports the person may make, each with a form that starts its job."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from layak.accounts.models import User
from layak.reports import actions
from layak.reports.forms import ReportForm
from layak.reports.kinds import BY_SLUG, KINDS, Kind


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _home(
    request: HttpRequest, bound: tuple[Kind, ReportForm] | None = None, status: int = 200
) -> HttpResponse:
    user = _user(request)
    offered = []
    for kind in KINDS:
        form = bound[1] if bound and bound[0] == kind else kind.form(user)
        if form.available:
            offered.append((kind, form))
    return render(request, "reports/home.html", {"offered": offered}, status=status)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return _home(request)


@login_required
@require_http_methods(["GET", "POST"])
def start(request: HttpRequest, kind: str) -> HttpResponse:
    """Start the report (or hand back the last result while its data are unchanged). What is
    asked for is looked up within the person's reach: 404 outside it. A reload of the page of
    a refused form (a GET) goes back to the reports page instead of failing."""
    if request.method == "GET":
        return redirect("reports:home")
    found = BY_SLUG.get(kind)
    if found is None:
        raise Http404
    user = _user(request)
    form = found.form(user, request.POST)
    if not form.is_valid() or form.target is None:
        return _home(request, (found, form), status=400)
    requested = actions.report_request(actor=user, kind=found, target=form.target)
    if requested.reused:
        messages.info(request, _("The data have not changed since this report was made."))
    return redirect(requested.job)
