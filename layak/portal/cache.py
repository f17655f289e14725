"""The portal's pages are cached, keyed by a data version read from the database.

The version changes whenever a district publishes or withdraws a section (and whenever
indicator data is published), so such a change shows at once in every server process; other
changes (a new event, an accepted report) show after ``TIMEOUT`` seconds. Only the page's body
is cached: the shell around it (language switch with its CSRF token, the signed-in menu) is
rendered for each request.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Max, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from layak.portal.models import PortalSection

TIMEOUT = 300
PREFIX = "portal:v1"


def data_version() -> str:
    """A token that changes with every publish or withdrawal of a section or of an indicator's
    year. Two queries."""
    from layak.indicators.models import Publication

    sections = PortalSection.objects.aggregate(n=Count("pk"), last=Max("updated_at"))
    data = Publication.objects.aggregate(
        n=Count("pk", filter=Q(is_active=True)), last=Max("published_at")
    )
    return ":".join(
        str(part)
        for part in (sections["n"], _stamp(sections["last"]), data["n"], _stamp(data["last"]))
    )


def _stamp(value: datetime.datetime | None) -> str:
    return value.isoformat() if value else "-"


def cached_page(
    request: HttpRequest,
    name: str,
    build: Callable[[], tuple[str, str, dict[str, Any]]],
    *parts: object,
) -> HttpResponse:
    """The page ``name`` (with ``parts`` naming its subject): ``build`` returns its title, body
    template and context, rendered once per data version and language."""
    key = ":".join(str(p) for p in (PREFIX, name, get_language(), data_version(), *parts))
    page: dict[str, str] | None = cache.get(key)
    if page is None:
        title, template, context = build()
        page = {"title": title, "body": render_to_string(template, context)}
        cache.set(key, page, TIMEOUT)
    return render(
        request,
        "portal/page.html",
        {"title": page["title"], "body": mark_safe(page["body"])},  # noqa: S308 (our render)
    )
