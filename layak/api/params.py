"""Whole-number parameters of the API (paths, filters, cursors), bounded to what a database
column holds: a value beyond 64 bits, a negative id or text is refused with 422 and the field's
name, before it reaches a query (SQLite fails on an integer it cannot hold; PostgreSQL would
compare it and find nothing)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

MAX_INTEGER = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
"""A row's id: in a path (``/plans/{pk}``) or a filter (``?cycle=``)."""

Cursor = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
"""``after``: the id of the last row of the previous page, 0 for the first."""

Integer = Annotated[int, Field(ge=-MAX_INTEGER, le=MAX_INTEGER)]
"""Any other whole number (a page size, a year, a level), checked further where it is used."""
