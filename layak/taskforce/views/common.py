"""What the task force's pages share."""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from layak import authz
from layak.accounts.models import User
from layak.regions.models import Region
from layak.taskforce.forms import (
    AsOfForm,
)

A = authz.Action
PAGE_SIZE = 50


def signed_in(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def region_of(user: User, code: str) -> Region:
    """A region the user reads (404 otherwise)."""
    return get_object_or_404(
        Region.objects.filter(authz.scope_q(user, A.VIEW, region="")).select_related("parent"),
        code=code,
    )


def back(request: HttpRequest, fallback: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(fallback)


def own_region(user: User) -> Region | None:
    """The one region a district-level user works in (None for wider or several reaches)."""
    grants = authz.grants(user)
    if not grants or any(g.national for g in grants):
        return None
    paths = {p for g in grants for p in g.paths}
    if len(paths) != 1:
        return None
    region = Region.objects.filter(path=paths.pop()).select_related("parent").first()
    if region is None or region.level < Region.Level.REGENCY:
        return None
    return region


def parse_on(request: HttpRequest) -> tuple[AsOfForm, datetime.date]:
    today = timezone.localdate()
    form = AsOfForm(request.GET or None)
    if form.is_bound and form.is_valid() and form.cleaned_data["on"]:
        return form, form.cleaned_data["on"]
    return form, today
