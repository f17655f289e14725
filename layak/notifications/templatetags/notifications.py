"""The unread count in the header of every page: one query per request, whatever the inbox."""

from __future__ import annotations

import functools
from typing import Any

from django import template
from django.db import connections
from django.http import HttpRequest

from layak.notifications.models import Notice

register = template.Library()

# A user id no account has: the count's statement is compiled once with it as a placeholder.
_ANY_USER = -7_305_219


@functools.cache
def _statement(alias: str) -> tuple[str, tuple[Any, ...], int]:
    """The count's SQL, compiled once: its text, parameters and where the user's id goes."""
    query = Notice.objects.using(alias).filter(recipient_id=_ANY_USER, read_at__isnull=True)
    sql, params = query.values("pk").query.sql_with_params()
    return f"SELECT COUNT(*) FROM ({sql}) unread", tuple(params), list(params).index(_ANY_USER)  # noqa: S608


@register.simple_tag
def unread_count(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached: int | None = getattr(request, "_unread_notices", None)
    if cached is None:
        sql, compiled, position = _statement("default")
        params = list(compiled)
        params[position] = user.pk
        with connections["default"].cursor() as cursor:
            cursor.execute(sql, params)
            cached = int(cursor.fetchone()[0])
        request._unread_notices = cached  # type: ignore[attr-defined]
    return cached
