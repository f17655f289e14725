"""Queries a request runs with only a user's id changing, compiled to SQL once per process.

Building a queryset costs more Python than running its statement; for the queries that every
request makes (a person's memberships, their unread count) the SQL is compiled once, with
``ANY_USER`` standing for the user's id, and run with the cursor.
"""

from __future__ import annotations

from typing import Any

from django.db import connections
from django.db.models import QuerySet

# A user id no account has: the placeholder a statement is compiled with.
ANY_USER = -7_305_219


class UserStatement:
    """The SQL of ``queryset`` (filtered on ``ANY_USER``), run for any user's id."""

    def __init__(self, queryset: QuerySet[Any], alias: str = "default") -> None:
        sql, params = queryset.using(alias).query.sql_with_params()
        self.alias = alias
        self.sql = sql
        self.params = tuple(params)
        self.position = self.params.index(ANY_USER)

    def rows(self, user_id: int, wrap: str = "{}") -> list[tuple[Any, ...]]:
        """The statement's rows for ``user_id``."""
        params = list(self.params)
        params[self.position] = user_id
        with connections[self.alias].cursor() as cursor:
            cursor.execute(wrap.format(self.sql), params)
            return list(cursor.fetchall())
