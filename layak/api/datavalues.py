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
from layak.core.http import user_of as _user
from layak.indicators import actions
from layak.indicators.models import DataValue

A = authz.Action
router = Router()
MAX_LIMIT = 1000
CODE = r"^[0-9A-Za-z_.\-]*$"

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
    dataElement: str = Field(..., max_length=64, pattern=CODE)
    orgUnit: str = Field(..., max_length=32, pattern=CODE)
    period: str = Field(..., max_length=10, pattern=CODE)
    categoryOptionCombo: str = Field("", max_length=200, pattern=r"^[0-9A-Za-z_=;\-<]*$")
    value: str = Field(..., max_length=40, pattern=r"^[^\x00]*$")
    organisation: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    dataset: str = Field("", max_length=200, pattern=r"^[^\x00]*$")
    sourceDate: datetime.date | None = None
    comment: str = Field("", max_length=2000, pattern=r"^[^\x00]*$")


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
    after: int = 0
    limit: int = 100


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
    status = "OK" if not result.errors else ("WARNING" if result.applied else "ERROR")
    return {
        "status": status,
        "dryRun": options.dryRun,
        "applied": result.applied,
        "importCount": {
            "imported": result.created,
            "updated": result.updated,
            "deleted": result.removed,
            "ignored": result.unchanged + len({p.row for p in result.errors}),
        },
        "conflicts": [
            {"row": p.row, "field": p.column, "message": p.message} for p in result.errors
        ],
    }
