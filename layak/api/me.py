"""What waits for the person calling: ``GET /api/v1/me/actions``, the same list as their home
page (``layak.core.actions_list.needs_action``), within their reach and roles."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from pydantic import Field

from layak.api import schemas as s
from layak.core.actions_list import ActionKind, needs_action
from layak.core.http import user_of

router = Router()


class ActionCount(Schema):
    kind: str = Field(description="the kind of work: " + ", ".join(ActionKind.values))
    label: str = Field(description="the kind in the reader's language")
    count: int = Field(description="how many things of this kind wait")


class ActionOut(Schema):
    kind: str
    label: str = Field(description="the kind in the reader's language")
    title: str = Field(description="what to do, in words")
    region: str = Field(description="the region's name")
    deadline: datetime.datetime | None = Field(
        description="the moment the work is due (the end of its last day); null when none"
    )
    overdue: bool
    url: str = Field(description="the path of the page where one acts, on this site")
    detail: str = Field(description="the reason given on a return, the plan, the office…")
    count: int = Field(description="how many items the entry stands for")


class ActionsOut(Schema):
    total: int
    counts: list[ActionCount]
    items: list[ActionOut]


class ActionsQuery(Schema):
    kind: ActionKind | None = Field(None, description="only this kind of work")


@router.get(
    "/me/actions",
    response={200: ActionsOut, **s.ERRORS},
    tags=["me"],
    url_name="me_actions",
)
def me_actions(request: HttpRequest, filters: Query[ActionsQuery]) -> Any:
    """What waits for you across the evaluation, the RAD KLA, the task force, partners and
    children's participation, earliest deadline first (none last), with counts per kind. Each
    source lists at most 50 entries; the counts count everything."""
    actions = needs_action(user_of(request))
    items = actions.of_kind(filters.kind) if filters.kind else actions.items
    return {
        "total": actions.total,
        "counts": [{"kind": k, "label": label, "count": n} for k, label, n in actions.chips()],
        "items": [
            {
                "kind": i.kind,
                "label": i.kind_label,
                "title": i.title,
                "region": i.region,
                # In UTC, as every time the API gives (a date's deadline is made in Jakarta's).
                "deadline": i.deadline.astimezone(datetime.UTC) if i.deadline else None,
                "overdue": i.overdue,
                "url": i.url,
                "detail": i.detail,
                "count": i.count,
            }
            for i in items
        ],
    }
