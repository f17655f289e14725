"""The caller's notices: ``GET /api/v1/me/notices`` (newest first) and
``POST /api/v1/me/notices/{id}/read``. Texts are in the caller's language."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from pydantic import Field

from layak.api import schemas as s
from layak.api.params import Cursor, Id, Integer
from layak.core.http import user_of
from layak.notifications import actions
from layak.notifications.models import Notice

router = Router()
MAX_LIMIT = 100


class NoticeOut(Schema):
    id: int
    kind: str = Field(description="one of: " + ", ".join(Notice.Kind.values))
    label: str = Field(description="the kind in the reader's language")
    text: str = Field(description="the message in the reader's language")
    url: str = Field(description="the path of the page where one acts, on this site")
    actor: str | None = Field(description="who caused it; null for Layak itself")
    created_at: datetime.datetime
    read: bool


class NoticePage(Schema):
    items: list[NoticeOut]
    unread: int = Field(description="how many of the caller's notices are unread")
    next: int | None = Field(description="pass back as ``before`` for older notices")


def _out(notice: Notice) -> dict[str, Any]:
    return {
        "id": notice.pk,
        "kind": notice.kind,
        "label": str(notice.get_kind_display()),
        "text": notice.text,
        "url": notice.url,
        "actor": str(notice.actor) if notice.actor else None,
        "created_at": notice.created_at,
        "read": notice.read_at is not None,
    }


@router.get(
    "/me/notices", response={200: NoticePage, **s.ERRORS}, tags=["me"], url_name="me_notices"
)
def me_notices(
    request: HttpRequest, unread: bool = False, before: Cursor = 0, limit: Integer = 50
) -> Any:
    """Your notices, newest first; ``unread=true`` for the unread ones only."""
    user = user_of(request)
    mine = Notice.objects.for_user(user)
    qs = mine.unread() if unread else mine
    if before:
        qs = qs.filter(pk__lt=before)
    limit = max(1, min(limit, MAX_LIMIT))
    rows = list(qs.select_related("actor").order_by("-pk")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "items": [_out(n) for n in rows],
        "unread": mine.unread().count(),
        "next": rows[-1].pk if more and rows else None,
    }


@router.post(
    "/me/notices/{id}/read",
    response={200: NoticeOut, **s.ERRORS},
    tags=["me"],
    url_name="me_notice_read",
)
def me_notice_read(request: HttpRequest, id: Id) -> Any:
    """Mark one of your notices read (someone else's is 404)."""
    user = user_of(request)
    notice = get_object_or_404(Notice.objects.for_user(user).select_related("actor"), pk=id)
    return _out(actions.notice_open(user=user, notice=notice))
