"""What every page's shell needs: the navigation this person may use, and the languages."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.organisations.roles import Role

# Roles whose reach is a whole region: they make the official reports.
REPORT_ROLES = {
    Role.MINISTRY_ADMIN,
    Role.PROVINCE_VERIFIER,
    Role.DISTRICT_ADMIN,
    Role.READER,
    Role.ASSESSOR,
}


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return []
    items: list[dict[str, Any]] = [{"label": _("Home"), "url": reverse("core:home")}]
    items.append({"label": _("Evaluation"), "url": reverse("evaluation:cycles")})
    items.append({"label": _("KLA programme"), "url": reverse("core:programme")})
    items.append({"label": _("Dashboards"), "url": reverse("dashboards:home")})
    items.append({"label": _("Indicator data"), "url": reverse("indicators:indicators")})
    if authz.roles(user) & REPORT_ROLES:
        items.append({"label": _("Reports"), "url": reverse("reports:home")})
    if authz.has_action(user, authz.Action.EDIT):
        items.append({"label": _("My items"), "url": reverse("evaluation:my_items")})
        items.append({"label": _("Evidence"), "url": reverse("evidence:library")})
    if authz.has_action(user, authz.Action.VERIFY):
        items.append({"label": _("Verification"), "url": reverse("evaluation:verify_queue")})
    items.append({"label": _("Organisations"), "url": reverse("organisations:list")})
    if authz.has_action(user, authz.Action.MANAGE):
        items.append({"label": _("Members"), "url": reverse("organisations:members")})
    items.append({"label": _("Instruments"), "url": reverse("frameworks:list")})
    items.append({"label": _("Regions"), "url": reverse("regions:browse")})
    if authz.has_action(user, authz.Action.AUDIT):
        items.append({"label": _("Audit log"), "url": reverse("audit:list")})
    path = request.path
    for item in items:
        item["current"] = path == item["url"] or (
            item["url"] != "/" and path.startswith(item["url"])
        )
    return items


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": navigation(request),
        "languages": settings.LANGUAGES,
        "demo_mode": settings.DEMO,
    }
