"""Whole-number parameters of the API (paths, filters, cursors), bounded to what a database
column holds: a value beyond 64 bits, a negative id or text is refused with 422 and the field's
name, before it reaches a query (SQLite fails on an integer it cannot hold; PostgreSQL would
compare it and find nothing)."""

from __future__ import annotations

from typing import Annotated, Any

from django.utils.translation import gettext as _
from pydantic import Field

MAX_INTEGER = 2**63 - 1

Id = Annotated[int, Field(ge=1, le=MAX_INTEGER)]
"""A row's id: in a path (``/plans/{pk}``) or a filter (``?cycle=``)."""

Cursor = Annotated[int, Field(ge=0, le=MAX_INTEGER)]
"""``after``: the id of the last row of the previous page, 0 for the first."""

Integer = Annotated[int, Field(ge=-MAX_INTEGER, le=MAX_INTEGER)]
"""Any other whole number (a page size, a year, a level), checked further where it is used."""


# The parameters' names as docs/api.md gives them (a path's ``{pk}`` is the row's ``id``).
PARAMETER_NAMES = {"pk": "id"}


def problem(error: dict[str, Any]) -> str:
    """A parameter's or field's problem in the reader's language (the validator's own words,
    in English, for a kind of problem not named here)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("Enter a whole number.")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return _("Enter a number.")
    if kind == "greater_than_equal":
        return _("Enter a number of at least %(n)s.") % {"n": ctx.get("ge")}
    if kind == "less_than_equal":
        return _("Enter a number of at most %(n)s.") % {"n": ctx.get("le")}
    if kind == "missing":
        return _("This field is required.")
    if kind == "string_too_long":
        return _("At most %(n)s characters.") % {"n": ctx.get("max_length")}
    if kind == "bool_parsing":
        return _("Enter true or false.")
    return str(error.get("msg", ""))
