"""Queries a request runs with only a user's id changing, compiled to SQL once per process.

Building a queryset costs more Python than running its statement; for the queries that every
request makes (a person's memberships, their unread count) the SQL is compiled once, with
``ANY_USER`` standing for the user's id, and run with the cursor.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
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


class KeyedStatements:
    """The SQL of querysets that depend only on a key (such as a person's grants, which decide
    every filter of their reach), compiled once per key and run with the cursor. At most
    ``size`` keys are kept, the least recently used going first. For ``values_list`` querysets
    whose columns need no conversion from the database (integers and text)."""

    def __init__(self, size: int = 256) -> None:
        self.size = size
        self._compiled: OrderedDict[Hashable, tuple[str, tuple[Any, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    def rows(
        self, key: Hashable, build: Callable[[], QuerySet[Any]], alias: str = "default"
    ) -> list[tuple[Any, ...]]:
        """The rows of ``build()``'s queryset, compiled for ``key`` the first time."""
        with self._lock:
            found = self._compiled.get((alias, key))
            if found is not None:
                self._compiled.move_to_end((alias, key))
        if found is None:
            sql, params = build().using(alias).query.sql_with_params()
            found = (sql, tuple(params))
            with self._lock:
                self._compiled[(alias, key)] = found
                while len(self._compiled) > self.size:
                    self._compiled.popitem(last=False)
        with connections[alias].cursor() as cursor:
            cursor.execute(found[0], found[1])
            return list(cursor.fetchall())

    def clear(self) -> None:
        with self._lock:
            self._compiled.clear()
