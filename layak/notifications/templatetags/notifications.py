"""The unread count in the header of every page: one query per request, whatever the inbox."""

from __future__ import annotations

import functools

from django import template
from django.http import HttpRequest

from layak.core.statements import ANY_USER, UserStatement
from layak.notifications.models import Notice

register = template.Library()


@functools.cache
def _unread() -> UserStatement:
    """The unread notices' statement, compiled once."""
    return UserStatement(
        Notice.objects.filter(recipient_id=ANY_USER, read_at__isnull=True).values("pk")
    )


@register.simple_tag
def unread_count(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached: int | None = getattr(request, "_unread_notices", None)
    if cached is None:
        ((cached,),) = _unread().rows(user.pk, "SELECT COUNT(*) FROM ({}) unread")
        request._unread_notices = cached  # type: ignore[attr-defined]
    return int(cached)
