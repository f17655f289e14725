"""Indicator data values in bulk, in a layout close to DHIS2's ``dataValueSets``: read the
values in your reach page by page, and write a set of values through the same import as the
CSV/XLSX file import (the same checks, validation rules, modes and audit).

A value: ``dataElement`` (element code), ``orgUnit`` (region code), ``period`` ("2025",
"2025Q1", "2025-03"), ``categoryOptionCombo`` (the disaggregation, e.g. "age=1-5;sex=F", empty
for a total), ``value``, and optionally ``organisation`` (the source office's name), ``dataset``,
``sourceDate`` and ``comment``. Writing: ``dryRun`` checks only; ``importStrategy`` "all"
(nothing is written when a row has a problem) or "rows" (valid rows are written, the others
listed); sending the same set again changes nothing.
"""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from layak import authz
from layak.api import schemas as s
from layak.api.params import Cursor, Integer
from layak.core.http import user_of as _user
from layak.indicators import actions
from layak.indicators.models import DataValue

A = authz.Action
router = Router()
MAX_LIMIT = 1000
CODE = r"^[0-9A-Za-z_.\-]*$"
NO_NUL = r"^[^\x00]*$"
# The import's column names → this API's field names, for the conflicts.
FIELDS = {
    "element": "dataElement",
    "region": "orgUnit",
    "period": "period",
    "disaggregation": "categoryOptionCombo",
    "value": "value",
    "organisation": "organisation",
    "dataset": "dataset",
    "source_date": "sourceDate",
    "comment": "comment",
    "": "value",
}

ERRORS = s.ERRORS


class DataValueOut(Schema):
    id: int
    dataElement: str
    orgUnit: str
    period: str
    categoryOptionCombo: str
    value: Decimal
    organisation: str | None
    dataset: str
    sourceDate: datetime.date | None
    comment: str
    lastUpdated: datetime.datetime | None


class DataValuePage(Schema):
    dataValues: list[DataValueOut]
    next: int | None = Field(None, description="Pass as ``after`` for the next page.")


class DataValueIn(Schema):
    # Identifiers are checked by the import, value by value: an unknown or malformed one is a
    # conflict on its row (in the caller's language), not a refusal of the whole set.
    dataElement: str = Field(..., pattern=NO_NUL)
    orgUnit: str = Field(..., pattern=NO_NUL)
    period: str = Field(..., pattern=NO_NUL)
    categoryOptionCombo: str = Field("", pattern=NO_NUL)
    value: str | int | float = Field(..., description="A number; a string or a JSON number.")
    organisation: str = Field("", max_length=200, pattern=NO_NUL)
    dataset: str = Field("", max_length=200, pattern=NO_NUL)
    sourceDate: datetime.date | None = None
    comment: str = Field("", max_length=2000, pattern=NO_NUL)


class DataValueSetIn(Schema):
    dataValues: list[DataValueIn] = Field(..., max_length=actions.MAX_ROWS)


class Conflict(Schema):
    row: int = Field(..., description="1 for the first value of the set.")
    field: str
    message: str


class ImportCount(Schema):
    imported: int
    updated: int
    deleted: int
    ignored: int


class ImportSummary(Schema):
    status: Literal["OK", "WARNING", "ERROR"]
    dryRun: bool
    applied: bool
    importCount: ImportCount
    conflicts: list[Conflict]


class ValueFilter(Schema):
    dataElement: str = Field("", max_length=64, pattern=CODE)
    orgUnit: str = Field("", max_length=32, pattern=CODE, description="A region and below.")
    period: str = Field("", max_length=10, pattern=CODE)
    after: Cursor = 0
    limit: Integer = 100


class ImportOptions(Schema):
    dryRun: bool = False
    importStrategy: Literal["all", "rows"] = "all"


@router.get(
    "/dataValueSets",
    response={200: DataValuePage, **ERRORS},
    tags=["indicator data"],
    url_name="data_values",
)
def data_values(request: HttpRequest, filters: Query[ValueFilter]) -> Any:
    """The active indicator data values in your reach, by id (keyset pagination)."""
    qs = DataValue.objects.for_user(_user(request), A.VIEW).filter(is_active=True)
    if filters.dataElement:
        qs = qs.filter(element__code=filters.dataElement)
    if filters.orgUnit:
        code = filters.orgUnit
        qs = qs.filter(region__path__startswith=f"{code}.")
    if filters.period:
        qs = qs.filter(period=filters.period)
    limit = max(1, min(filters.limit, MAX_LIMIT))
    rows = list(
        qs.filter(pk__gt=filters.after)
        .select_related("element", "region", "organisation")
        .order_by("pk")[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "dataValues": [
            {
                "id": v.pk,
                "dataElement": v.element.code,
                "orgUnit": v.region.code,
                "period": v.period,
                "categoryOptionCombo": v.disaggregation,
                "value": v.value,
                "organisation": v.organisation.name if v.organisation else None,
                "dataset": v.dataset,
                "sourceDate": v.source_date,
                "comment": v.comment,
                "lastUpdated": v.updated_at,
            }
            for v in rows
        ],
        "next": rows[-1].pk if more and rows else None,
    }


@router.post(
    "/dataValueSets",
    response={200: ImportSummary, **ERRORS},
    tags=["indicator data"],
    url_name="data_values_import",
)
def data_values_import(
    request: HttpRequest, payload: DataValueSetIn, options: Query[ImportOptions]
) -> Any:
    """Write a set of values (or, with ``dryRun=true``, only check it). Only people who may
    enter data in the values' regions may write; every change is audited."""
    user = _user(request)
    authz.require(user, A.EDIT)
    rows = [
        {
            "element": v.dataElement,
            "region": v.orgUnit,
            "period": v.period,
            "disaggregation": v.categoryOptionCombo,
            "value": v.value,
            "organisation": v.organisation,
            "dataset": v.dataset,
            "source_date": v.sourceDate.isoformat() if v.sourceDate else "",
            "comment": v.comment,
        }
        for v in payload.dataValues
    ]
    result = actions.import_rows(
        actor=user,
        rows=rows,
        mode=actions.Mode.ALL_OR_NOTHING
        if options.importStrategy == "all"
        else actions.Mode.ROW_BY_ROW,
        dry_run=options.dryRun,
        first_row=1,
    )
    # The status says what the real run does, on a dry run too; a set refused as a whole
    # counts every value as ignored.
    refused = bool(result.errors) and options.importStrategy == "all"
    status = "OK" if not result.errors else ("ERROR" if refused else "WARNING")
    rejected = len({p.row for p in result.errors})
    return {
        "status": status,
        "dryRun": options.dryRun,
        "applied": result.applied,
        "importCount": {
            "imported": 0 if refused else result.created,
            "updated": 0 if refused else result.updated,
            "deleted": 0 if refused else result.removed,
            "ignored": len(payload.dataValues) if refused else result.unchanged + rejected,
        },
        "conflicts": [
            {"row": p.row, "field": FIELDS.get(p.column, p.column), "message": p.message}
            for p in result.errors
        ],
    }
