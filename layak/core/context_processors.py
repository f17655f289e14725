"""What every page's shell needs: the navigation this person may use, and the languages."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_script_prefix, reverse
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


# The menu in order: label, URL name, and what shows it (None: everyone signed in; a set of
# roles; or an action the person holds somewhere).
_MENU: tuple[tuple[Any, str, frozenset[str] | authz.Action | None], ...] = (
    (_("Home"), "core:home", None),
    (_("Evaluation"), "evaluation:cycles", None),
    (_("KLA programme"), "core:programme", None),
    (_("Dashboards"), "dashboards:home", None),
    (_("Indicator data"), "indicators:indicators", None),
    (_("Reports"), "reports:home", frozenset(REPORT_ROLES)),
    (_("My items"), "evaluation:my_items", authz.Action.EDIT),
    (_("Evidence"), "evidence:library", authz.Action.EDIT),
    (_("Verification"), "evaluation:verify_queue", authz.Action.VERIFY),
    (_("Organisations"), "organisations:list", None),
    (_("Members"), "organisations:members", authz.Action.MANAGE),
    (_("Instruments"), "frameworks:list", None),
    (_("Regions"), "regions:browse", None),
    (_("Audit log"), "audit:list", authz.Action.AUDIT),
)


@functools.cache
def _urls(prefix: str) -> tuple[str, ...]:
    """The menu's addresses, reversed once per script prefix."""
    return tuple(reverse(name) for _label, name, _shown in _MENU)


def navigation(request: HttpRequest) -> list[dict[str, Any]]:
    user = request.user
    if not user.is_authenticated:
        return []
    roles = authz.roles(user)
    path = request.path
    items: list[dict[str, Any]] = []
    for (label, _name, shown), url in zip(_MENU, _urls(get_script_prefix()), strict=True):
        if isinstance(shown, frozenset):
            if not roles & shown:
                continue
        elif shown is not None and not authz.has_action(user, shown):
            continue
        current = path == url or (url != "/" and path.startswith(url))
        items.append({"label": label, "url": url, "current": current})
    return items


def shell(request: HttpRequest) -> dict[str, Any]:
    return {
        "nav_items": navigation(request),
        "languages": settings.LANGUAGES,
        "demo_mode": settings.DEMO,
    }
