"""Writes a request makes on every save, their SQL made once per process.

``instance.save()`` and ``queryset.update()`` build and compile their statement each time,
which costs more Python than running it. For the rows an answer's save writes (the answer,
its revision, its score, its audit entry) the statement is made once per model, columns and
database, and each write puts its values in: each value prepared by its field as Django
prepares it (``pre_save`` for the times set on saving, ``get_db_prep_save``), so what is
stored is what ``save()`` stores. No signal is sent: for models that have no receivers.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from django.db import DatabaseError, connections, models
from django.db.models.sql import InsertQuery

_LOCK = threading.Lock()
# (model, database) -> (statement, its fields) of the model's INSERT, or None where the
# database returns no new id with it or Django makes it otherwise (``save`` is used there).
_INSERTS: dict[tuple[type[models.Model], str], tuple[str, list[Any]] | None] = {}
# (model, columns set, columns matched, database) -> statement
_UPDATES: dict[tuple[type[models.Model], tuple[str, ...], tuple[str, ...], str], str] = {}


def _insert_statement(model: type[models.Model], alias: str) -> tuple[str, list[Any]] | None:
    key = (model, alias)
    if key in _INSERTS:
        return _INSERTS[key]
    connection = connections[alias]
    meta = model._meta
    fields = [f for f in meta.local_concrete_fields if f is not meta.auto_field]
    made: tuple[str, list[Any]] | None = None
    if (
        meta.auto_field is not None
        and list(meta.db_returning_fields) == [meta.auto_field]
        and connection.features.can_return_columns_from_insert
        and not any(getattr(f, "generated", False) for f in fields)
    ):
        ops: Any = connection.ops  # the backends' own operations (not in the base's types)
        qn = ops.quote_name
        returning, _params = ops.return_insert_columns([meta.auto_field])
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) "  # noqa: S608 - the model's names
            f"VALUES ({', '.join(['%s'] * len(fields))}) {returning}"
        )
        if _as_django_makes_it(model, fields, sql, alias):
            made = (sql, fields)
    with _LOCK:
        _INSERTS[key] = made
    return made


def _as_django_makes_it(model: type[models.Model], fields: list[Any], sql: str, alias: str) -> bool:
    """Whether the statement is the one Django compiles for the same fields (no placeholder
    of a field's own, no expression)."""
    query = InsertQuery(model)
    query.insert_values(fields, [model()])
    compiler = query.get_compiler(using=alias)
    compiler.returning_fields = [model._meta.auto_field]
    ((django_sql, _params),) = compiler.as_sql()
    return " ".join(django_sql.split()) == " ".join(sql.split())


def insert(instance: models.Model, using: str = "default") -> None:
    """``instance.save(force_insert=True)`` for a new row whose id the database gives."""
    made = _insert_statement(type(instance), using)
    if made is None or instance.pk is not None:
        instance.save(force_insert=True, using=using)
        return
    sql, fields = made
    connection = connections[using]
    params = []
    for field in fields:
        value = field.pre_save(instance, True)
        if hasattr(value, "resolve_expression"):
            instance.save(force_insert=True, using=using)
            return
        params.append(field.get_db_prep_save(value, connection=connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ops: Any = connection.ops
        (pk,) = ops.fetch_returned_insert_columns(cursor, ())
    setattr(instance, type(instance)._meta.pk.attname, pk)
    instance._state.adding = False
    instance._state.db = using


def _update_statement(
    model: type[models.Model], setting: Sequence[Any], matching: Sequence[Any], alias: str
) -> str:
    key = (model, tuple(f.column for f in setting), tuple(f.column for f in matching), alias)
    found = _UPDATES.get(key)
    if found is None:
        qn = connections[alias].ops.quote_name
        found = (
            f"UPDATE {qn(model._meta.db_table)} "  # noqa: S608 - the model's names
            f"SET {', '.join(f'{qn(f.column)} = %s' for f in setting)} "
            f"WHERE {' AND '.join(f'{qn(f.column)} = %s' for f in matching)}"
        )
        with _LOCK:
            _UPDATES[key] = found
    return found


def update_where(
    model: type[models.Model],
    where: dict[str, Any],
    values: dict[str, Any],
    using: str = "default",
) -> int:
    """``model.objects.filter(**where).update(**values)`` for equality on plain columns (a
    foreign key by its ``_id``); how many rows changed."""
    meta = model._meta
    setting: list[Any] = [meta.get_field(name) for name in values]
    matching: list[Any] = [meta.get_field(name) for name in where]
    connection = connections[using]
    params = []
    for field, value in zip(setting, values.values(), strict=True):
        if hasattr(value, "resolve_expression"):
            return int(model._base_manager.using(using).filter(**where).update(**values))
        params.append(field.get_db_prep_save(value, connection=connection))
    params += [
        field.get_db_prep_value(value, connection=connection, prepared=False)
        for field, value in zip(matching, where.values(), strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.execute(_update_statement(model, setting, matching, using), params)
        return int(cursor.rowcount)


def update(instance: models.Model, fields: Sequence[str], using: str = "default") -> None:
    """``instance.save(update_fields=fields)`` (the times a field sets on saving set too)."""
    meta = type(instance)._meta
    values = {}
    for name in fields:
        field = meta.get_field(name)
        values[field.attname] = field.pre_save(instance, False)  # type: ignore[union-attr]
    changed = update_where(type(instance), {meta.pk.attname: instance.pk}, values, using)
    if not changed:
        raise DatabaseError("Save with update_fields did not affect any rows.")
