"""The unread count in the header of every page: one query per request, whatever the inbox."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from layak.notifications.models import Notice

register = template.Library()


@register.simple_tag
def unread_count(request: HttpRequest) -> int:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return 0
    cached: int | None = getattr(request, "_unread_notices", None)
    if cached is None:
        cached = Notice.objects.filter(recipient=user, read_at__isnull=True).count()
        request._unread_notices = cached  # type: ignore[attr-defined]
    return cached
