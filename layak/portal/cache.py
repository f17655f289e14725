"""The portal's pages are cached, keyed by a data version read from the database.

The version changes whenever a district publishes or withdraws a section (and whenever
indicator data is published), so such a change shows at once in every server process; other
changes (a new event, an accepted report) show after ``TIMEOUT`` seconds. Only the page's body
is cached: the shell around it (language switch with its CSRF token, the signed-in menu) is
rendered for each request.
"""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import connections
from django.db.models import Count, Max, Q, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from layak.portal.models import PortalSection

TIMEOUT = 300
PREFIX = "portal:v1"


@functools.cache
def _version_sql(alias: str) -> list[tuple[str, tuple[Any, ...]]]:
    """The statements of ``data_version``, compiled once per database."""
    from layak.indicators.models import Publication

    sections = PortalSection.objects.using(alias).values(one=Value(1))
    data = Publication.objects.using(alias).values(one=Value(1))
    compiled = []
    for qs, n, last in (
        (sections, Count("pk"), Max("updated_at")),
        (data, Count("pk", filter=Q(is_active=True)), Max("published_at")),
    ):
        grouped = qs.annotate(n=n, last=last).values("n", "last").order_by()
        sql, params = grouped.query.sql_with_params()
        compiled.append((sql, tuple(params)))
    return compiled


def data_version(alias: str = "default") -> str:
    """A token that changes with every publish or withdrawal of a section or of an indicator's
    year (how many there are and the latest time, as the database gives them). Two queries,
    compiled once."""
    parts: list[str] = []
    with connections[alias].cursor() as cursor:
        for sql, params in _version_sql(alias):
            cursor.execute(sql, params)
            row = cursor.fetchone()
            parts += ["0", "-"] if row is None else [str(row[0]), _stamp(row[1])]
    return ":".join(parts)


def _stamp(value: object) -> str:
    """A time as the database gave it (text on SQLite), with no space for the cache key."""
    if value is None:
        return "-"
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return str(value).replace(" ", "T")


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
