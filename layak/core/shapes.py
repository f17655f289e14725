"""Querysets compiled to SQL once per process and run again with other values.

Building a queryset and compiling it to SQL costs more Python than running its statement on
most pages. A *shape* is a queryset whose SQL is the same whatever a few of its values are
(an id, a code): ``Shapes.fetch(key, build, *values)`` calls ``build`` once per key with
placeholders standing for the values, compiles it, and afterwards runs the kept SQL with the
values put in the placeholders' places, turning the rows into what the queryset gives (model
instances with their ``select_related`` objects and annotations, or ``values_list`` tuples),
through the queryset's own iterable and converters. Its ``prefetch_related`` lookups run as
usual.

Everything else the SQL depends on (which filters apply, a list's length, a person's grants)
belongs in the key. A value is an ``int`` or a ``str``; it must reach the statement's parameters
as it was given (a value a lookup rewrites, such as ``icontains``'s, cannot be one), which the
compilation checks. A statement that holds a date or a time of its own is refused: a time the
build read (``timezone.now()``) would be kept for every later run.
"""

from __future__ import annotations

import copy
import datetime
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Prefetch, QuerySet

# What a value is compiled as: two sets of stand-ins, of the value's type, compiled one after
# the other. Whole numbers stay inside every integer column's range (a value outside it makes a
# lookup match nothing or everything, leaving the value out of the statement).
_INT = (32_767, 32_667)
_TEXT = "\x00layak-shape-{}-{}\x00"
# At most this many values (the stand-ins of a compilation stay apart).
MAX_VALUES = 40


def placeholder(value: int | str, index: int, pass_: int = 0) -> int | str:
    """What the value at ``index`` is compiled as (of the same type) in compilation ``pass_``."""
    if type(value) is int:
        return _INT[pass_] - index
    if type(value) is str:
        return _TEXT.format(pass_, index)
    raise TypeError(f"A shape's value is an int or a str, not {type(value).__name__}.")


@dataclass(frozen=True)
class _Compiled:
    queryset: QuerySet[Any] | None  # None: the shape never has rows (an empty ``in``)
    compiler: Any
    sql: str
    params: tuple[Any, ...]
    slots: tuple[tuple[int, int], ...]  # (position in params, index of the value)
    # The converters of the statement's columns, found at its first run (Django finds them
    # again at every run of a queryset: for each column its field's and the backend's).
    converters: list[tuple[tuple[int, ...], Any]] = field(default_factory=list, compare=False)


def _compile(build: Callable[..., QuerySet[Any]], values: tuple[Any, ...], alias: str) -> _Compiled:
    """``build`` compiled twice, with two sets of stand-ins: the statement must be the same and
    its parameters differ exactly where the stand-ins are (otherwise the values decide more
    than the parameters, or do not reach them as given)."""
    compiled: list[tuple[QuerySet[Any], Any, str, tuple[Any, ...], list[Any]] | None] = []
    for pass_ in (0, 1):
        stand_ins = [placeholder(v, i, pass_) for i, v in enumerate(values)]
        queryset = build(*stand_ins).using(alias)
        compiler = queryset.query.get_compiler(using=alias)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            compiled.append(None)
            continue
        if any(isinstance(v, datetime.date) for v in params) or _holds_time(queryset.query):
            raise ValueError("A shape's statement holds a date or time of its own.")
        compiled.append((queryset, compiler, sql, tuple(params), stand_ins))
    first, second = compiled
    if first is None or second is None:
        if first is second:
            return _Compiled(None, None, "", (), ())  # no rows whatever the values
        raise ValueError("The values decide whether the statement has rows at all.")
    queryset, compiler, sql, params, stand_ins = first
    if second[2] != sql or len(second[3]) != len(params):
        raise ValueError("The values change the statement, not only its parameters.")
    slots = []
    for position, (one, other) in enumerate(zip(params, second[3], strict=True)):
        if one == other or _same_json(one, other):
            continue
        if one not in stand_ins or other != second[4][stand_ins.index(one)]:
            raise ValueError("A value does not reach the statement's parameters as given.")
        slots.append((position, stand_ins.index(one)))
    missing = set(range(len(values))) - {i for _, i in slots}
    if missing:
        raise ValueError(
            f"The values at {sorted(missing)} do not reach the statement's parameters as given."
        )
    return _Compiled(queryset, compiler, sql, params, tuple(slots))


def _same_json(one: Any, other: Any) -> bool:
    """Whether two parameters are the same JSON constant (PostgreSQL's driver wraps each JSON
    value in an object of its own, equal only to itself)."""
    return (
        type(one) is type(other)
        and type(one).__name__ in ("Json", "Jsonb")
        and getattr(one, "obj", None) == getattr(other, "obj", None)
    )


def _holds_time(node: Any, depth: int = 0) -> bool:
    """Whether a query's filters or annotations compare with a date or time (also in their
    subqueries); on SQLite the parameters are already text."""
    if depth > 50:
        return False
    if isinstance(node, datetime.date):
        return True
    if isinstance(node, list | tuple):
        return any(_holds_time(n, depth + 1) for n in node)
    query = getattr(node, "query", None)
    if query is not None and query is not node:
        return _holds_time(query, depth + 1)
    if hasattr(node, "where") and hasattr(node, "annotations"):  # a Query
        return _holds_time(node.where, depth + 1) or _holds_time(
            list(node.annotations.values()), depth + 1
        )
    found = [*getattr(node, "children", ()), getattr(node, "rhs", None)]
    if hasattr(node, "get_source_expressions"):
        found += node.get_source_expressions()
    return any(_holds_time(n, depth + 1) for n in found if n is not None)


class Shapes:
    """Compiled shapes by key; at most ``size`` kept, the least recently used going first. A
    kept statement holds its queryset and compiler: some 20 to 100 KB, so a process keeps a
    few MB per use (and a statement per set of grants of the people it serves most)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._compiled: OrderedDict[Hashable, _Compiled] = OrderedDict()
        self._lock = threading.Lock()

    def fetch(
        self,
        key: Hashable,
        build: Callable[..., QuerySet[Any]],
        *values: int | str,
        alias: str = "default",
    ) -> list[Any]:
        """What ``list(build(*values))`` gives, ``build`` compiled once for ``key`` (built and
        compiled as usual past ``MAX_VALUES`` values, such as a long list of ids)."""
        if len(values) > MAX_VALUES:
            return list(build(*values).using(alias))
        full = (alias, key, tuple(type(v) for v in values))
        with self._lock:
            found = self._compiled.get(full)
            if found is not None:
                self._compiled.move_to_end(full)
        if found is None:
            found = _compile(build, values, alias)
            with self._lock:
                self._compiled[full] = found
                while len(self._compiled) > self.size:
                    self._compiled.popitem(last=False)
        return run(found, values, alias)

    def clear(self) -> None:
        with self._lock:
            self._compiled.clear()


def run(compiled: _Compiled, values: tuple[Any, ...], alias: str) -> list[Any]:
    """The rows of ``compiled`` for ``values``, as its queryset gives them."""
    if compiled.queryset is None:
        return []
    params = list(compiled.params)
    for position, index in compiled.slots:
        params[position] = values[index]
    compiler = copy.copy(compiled.compiler)
    compiler.connection = connections[alias]
    sql = compiled.sql
    compiler.as_sql = lambda *args, **kwargs: (sql, params)
    kept = compiled.converters
    found = compiler.get_converters

    def get_converters(expressions: Any) -> Any:
        # The kept compiler's columns are the same objects at every run.
        key = tuple(map(id, expressions))
        for columns, converters in kept:
            if columns == key:
                return converters
        converters = found(expressions)
        kept.append((key, converters))
        return converters

    compiler.get_converters = get_converters
    queryset = compiled.queryset.all()
    # Only this clone, which is not handed out, is run with the kept statement.
    queryset.query.get_compiler = lambda *args, **kwargs: compiler  # type: ignore[method-assign]
    return list(queryset)


def prefetch_one(shapes: Shapes, key: Hashable, instance: Any, lookup: Prefetch[Any]) -> None:
    """``prefetch_related_objects([instance], lookup)`` for one instance and one reverse
    relation (``lookup.prefetch_through`` names it, ``lookup.queryset`` reads it), the
    statement compiled once for ``key``: the rows are put where the prefetch puts them (its
    ``to_attr``, or the relation's prefetched rows), each with ``instance`` as its parent.
    Nothing is read when the instance holds them already."""
    name = lookup.prefetch_through
    cache: dict[str, Any] = instance.__dict__.setdefault("_prefetched_objects_cache", {})
    if hasattr(instance, lookup.to_attr) if lookup.to_attr else name in cache:
        return
    remote = instance._meta.get_field(name).field  # the rows' foreign key to ``instance``
    model = remote.model
    queryset = lookup.queryset if lookup.queryset is not None else model._default_manager.all()
    rows = shapes.fetch(key, lambda pk: queryset.filter(**{remote.attname: pk}), instance.pk)
    for row in rows:
        remote.set_cached_value(row, instance)
    if lookup.to_attr:
        setattr(instance, lookup.to_attr, rows)
        return
    # As ``prefetch_related_objects`` keeps them: a later filter of the relation stays the
    # instance's, in the prefetch's order.
    related = getattr(instance, name)._apply_rel_filters(queryset)
    related._result_cache = rows
    related._prefetch_done = True
    cache[name] = related
