from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from ninja import Field, Schema


class Error(Schema):
    """Every error: a stable code, a message in the requester's language, field errors."""

    code: str
    message: str
    errors: dict[str, list[str]] = {}


class RegionOut(Schema):
    code: str
    name: str
    level: int
    kind: str
    parent: str | None
    is_active: bool


class OrganisationOut(Schema):
    id: int
    name: str
    acronym: str
    kind: str
    region: str | None
    is_active: bool


class StageOut(Schema):
    kind: str
    opens_at: datetime.datetime
    closes_at: datetime.datetime


class CycleOut(Schema):
    id: int
    name: str
    instrument_id: int
    framework: str
    level: int
    stages: list[StageOut]


class AssessmentOut(Schema):
    id: int
    cycle_id: int
    region: str
    status: str
    # When the final determination was made (the pages' "determined"); null before.
    determined_at: datetime.datetime | None
    final_total: Decimal | None
    final_predicate: str | None


class ScoreOut(Schema):
    """A stage's result as it stands (the pages' and reports' rule): items not verified yet
    count with the previous stage's points until the stage is complete."""

    stage: str
    total: Decimal
    by_group: dict[str, Decimal]
    predicate: str | None
    capped_by: list[str]
    items: int
    done: int
    back: int
    complete: bool
    progress: str


class AssignmentOut(Schema):
    organisation_id: int
    organisation: str


class AnswerOut(Schema):
    id: int
    assessment_id: int
    question: str
    kind: str
    max_points: Decimal
    value: dict[str, Any]
    note: str
    status: str
    return_reason: str
    revision: int
    points: dict[str, Decimal]
    assigned_to: list[AssignmentOut] = Field(
        default_factory=list, description="The offices (or partners, forum) answering it."
    )


class AnswerIn(Schema):
    value: dict[str, Any]
    note: str = ""
    revision: int


class AuditOut(Schema):
    id: int
    at: datetime.datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str
    object: str
    region: str | None
    before: Any
    after: Any
    request_id: str


class Page(Schema):
    """Keyset pagination: pass ``next`` back as ``after`` for the following page."""

    next: int | None


# The error answers every endpoint documents (one body: code, message, errors).
ERRORS: dict[int, type[Schema]] = {
    400: Error,
    401: Error,
    403: Error,
    404: Error,
    422: Error,
    429: Error,
}
