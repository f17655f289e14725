"""The public portal: what districts publish about their KLA programme, for everyone, without
signing in; and the page where a district administrator decides what the district publishes.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from layak.accounts.models import User
from layak.evidence.downloads import evidence_response
from layak.evidence.models import EvidenceFile
from layak.portal import actions, public
from layak.portal.cache import cached_page
from layak.portal.models import PortalSection, Section
from layak.portal.querysets import get_district_to_publish, managed_districts
from layak.regions.models import Region


def home(request: HttpRequest) -> HttpResponse:
    def build() -> tuple[str, str, dict[str, Any]]:
        return (
            _("Child-friendly regencies and cities"),
            "portal/_home.html",
            {"provinces": public.provinces()},
        )

    return cached_page(request, "home", build)


def province(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(
        Region.objects.filter(level=Region.Level.PROVINCE, is_active=True), code=code
    )

    def build() -> tuple[str, str, dict[str, Any]]:
        rows = list(public.districts(region))
        return (
            region.name,
            "portal/_province.html",
            {
                "region": region,
                "rows": rows,
                "summary": public.province_summary(region, rows),
            },
        )

    return cached_page(request, "province", build, region.pk)


def district(request: HttpRequest, code: str) -> HttpResponse:
    region = get_object_or_404(
        Region.objects.filter(level=Region.Level.REGENCY, is_active=True).select_related("parent"),
        code=code,
    )

    def build() -> tuple[str, str, dict[str, Any]]:
        sections = public.published_sections(region)
        context: dict[str, Any] = {
            "region": region,
            "sections": sections,
            "forum": public.forum(region),
            "indicators": public.indicator_data(region),
            "threshold": public.threshold_of(),
        }
        if Section.EVALUATION in sections:
            context["evaluation"] = public.evaluation(region)
        if Section.PLAN in sections:
            context["plan"] = public.plan(region)
        if Section.TASKFORCE in sections:
            context["taskforce"] = public.taskforce(region)
        if Section.PARTNERS in sections:
            context["partners"] = public.partners(region)
        return region.name, "portal/_district.html", context

    return cached_page(request, "district", build, region.pk)


def file(request: HttpRequest, pk: int) -> FileResponse:
    """A document the district marked public, attached to a section it published; served as an
    attachment like every other file."""
    evidence = get_object_or_404(EvidenceFile.objects.filter(is_public=True), pk=pk)
    if not public.is_public_file(evidence):
        raise Http404
    return evidence_response(evidence)


# ---- the district administrator's page --------------------------------------------------


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    """The sections of each district this person decides, published or not."""
    regions = list(managed_districts(_user(request)))
    if not regions:
        raise PermissionDenied
    rows = {
        (row.region_id, row.section): row
        for row in PortalSection.objects.filter(region__in=regions).select_related("published_by")
    }
    districts = [
        {
            "region": region,
            "sections": [
                {"code": code, "label": label, "row": rows.get((region.pk, code))}
                for code, label in Section.choices
            ],
        }
        for region in regions
    ]
    return render(request, "portal/manage.html", {"districts": districts})


@login_required
@require_POST
def publish(request: HttpRequest, code: str, section: str) -> HttpResponse:
    user = _user(request)
    region = get_district_to_publish(user, code)
    if section not in Section.values:
        raise Http404
    publish = request.POST.get("publish") == "1"
    try:
        actions.section_set(actor=user, region=region, section=section, publish=publish)
    except actions.PortalError as error:
        messages.error(request, str(error))
    else:
        label = Section(section).label
        if publish:
            messages.success(request, _("“%(section)s” is now public.") % {"section": label})
        else:
            messages.success(request, _("“%(section)s” is no longer public.") % {"section": label})
    return redirect("portal:manage")
