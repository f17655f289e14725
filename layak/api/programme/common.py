"""Shared pieces of the programme's API modules: keyset pagination, region filters and the
422 ``invalid`` answer.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from ninja import Schema
from ninja.errors import ValidationError

from layak.api import schemas as s
from layak.api.params import Cursor, Integer

MAX_LIMIT = 500

ERRORS = s.ERRORS


def page(qs: QuerySet[Any], after: int, limit: int) -> tuple[list[Any], int | None]:
    """Keyset pagination by id: up to ``limit`` rows after ``after``, and the id to pass as
    ``after`` for the next page (None on the last one)."""
    limit = max(1, min(limit, MAX_LIMIT))
    items = list(qs.filter(pk__gt=after).order_by("pk")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return items, (items[-1].pk if more and items else None)


def in_region(lookup: str, code: str) -> Q:
    """Rows whose region (``lookup``) is the region ``code`` or lies below it."""
    code = code.strip()
    return Q(**{f"{lookup}__code": code}) | Q(**{f"{lookup}__code__startswith": f"{code}."})


def invalid(field: str, message: str) -> ValidationError:
    """A 422 ``invalid`` answer with ``message`` on ``field``."""
    return ValidationError([{"loc": ["query", field], "msg": message}])


class PageQuery(Schema):
    after: Cursor = 0
    limit: Integer = 100
