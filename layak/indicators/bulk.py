"""Writing many data values at once (imports of thousands of values).

``actions.apply_entries`` decides what changes; this module only writes it, in the caller's
transaction, in a fixed number of statements per batch: on PostgreSQL new values go in with
``COPY`` (rows written as COPY's text format, the cheapest form for the server to read),
changed values with one ``UPDATE … FROM unnest(…)`` per batch and their audit entries with
``COPY``; on other databases new values with one ``executemany`` of plain tuples, changed
ones with ``bulk_update``. New values point at their
``ValueBatch``, which has the one audit entry of the write (``writing._batch``); each change to
a stored value has an audit entry of its own, with its before and after, as ``record`` would
write it.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from layak.audit.context import request_id
from layak.audit.models import AuditEntry
from layak.indicators.models import DataValue, ValueBatch

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.regions.models import Region

BATCH = 5000
CENT = Decimal("0.01")


class NewValue(NamedTuple):
    """A value to create (a tuple: an import makes one per row)."""

    element_id: int
    region_id: int
    period: str
    period_start: datetime.date
    disaggregation: str
    value: Decimal
    organisation_id: int | None
    dataset: str
    source_date: datetime.date | None
    comment: str


@dataclass
class Change:
    """A stored value after the change (fields already set), with its snapshot before."""

    value: DataValue
    region: Region
    action: str  # indicators.value_changed or indicators.value_removed
    before: dict[str, object]
    repr: str  # str() of the DataValue, for the audit entry


def _batches(items: Sequence[Any], size: int = BATCH) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _postgres() -> bool:
    return connection.vendor == "postgresql"


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit entries are written inside the change's transaction.")


class Lines(list[str]):
    """New values already written as lines of COPY's text format (no line end), each the
    columns of ``NewValue`` in its order: what a checked import keeps of the values it adds
    (``importfile._planned``), written as they are. PostgreSQL only."""


def create(actor: User, values: Sequence[NewValue] | Lines, batch: ValueBatch) -> None:
    """Insert ``values``, entered by ``actor`` in ``batch`` (whose audit entry the caller
    writes in the same transaction)."""
    if not values:
        return
    _require_transaction()
    now = timezone.now()
    written = isinstance(values, Lines)
    if written and not _postgres():
        raise RuntimeError("Lines of COPY's text format are written on PostgreSQL only.")
    for part in _batches(values):
        if written:
            _copy(actor, part, batch, now)
        elif _postgres():
            _insert_postgres(actor, part, batch, now)
        else:
            _insert_orm(actor, part, batch, now)


NULL = "\\N"
_COPY_SPECIALS = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _text(value: str) -> str:
    """A text field in COPY's text format (backslash, tab and line ends escaped)."""
    if "\\" in value or "\t" in value or "\n" in value or "\r" in value:
        return value.translate(_COPY_SPECIALS)
    return value


def _insert_postgres(
    actor: User, part: Sequence[NewValue], batch: ValueBatch, now: datetime.datetime
) -> None:
    lines = [
        f"{v.element_id}\t{v.region_id}\t{_text(v.period)}\t{v.period_start.isoformat()}\t"
        f"{_text(v.disaggregation)}\t{v.value:f}\t"
        f"{NULL if v.organisation_id is None else v.organisation_id}\t{_text(v.dataset)}\t"
        f"{NULL if v.source_date is None else v.source_date.isoformat()}\t"
        f"{_text(v.comment)}"
        for v in part
    ]
    _copy(actor, lines, batch, now)


def _copy(actor: User, lines: Sequence[str], batch: ValueBatch, now: datetime.datetime) -> None:
    """COPY the values written as ``lines`` (``NewValue``'s columns in COPY's text format),
    each with what every row of the write shares (written once)."""
    table = DataValue._meta.db_table
    columns = (
        "element_id, region_id, period, period_start, disaggregation, value, "
        "organisation_id, dataset, source_date, comment, is_active, created_by_id, "
        "created_at, updated_by_id, updated_at, batch_id"
    )
    tail = f"\tt\t{actor.pk}\t{now.isoformat()}\t{actor.pk}\t{now.isoformat()}\t{batch.pk}\n"
    with connection.cursor() as cursor:
        raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            copy.write(tail.join(lines) + tail)


def _insert_orm(
    actor: User, part: Sequence[NewValue], batch: ValueBatch, now: datetime.datetime
) -> None:
    """Other databases (SQLite): one ``executemany`` of the rows as tuples, stored exactly as
    ``bulk_create`` stores them (the driver adapts dates and decimals; the time is adapted once,
    as the ORM adapts it) without a model instance per row."""
    table = DataValue._meta.db_table
    stamp = connection.ops.adapt_datetimefield_value(now)
    shared = (True, actor.pk, stamp, actor.pk, stamp, batch.pk)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (element_id, region_id, period, period_start, "  # noqa: S608
            "disaggregation, value, organisation_id, dataset, source_date, comment, is_active, "
            "created_by_id, created_at, updated_by_id, updated_at, batch_id) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            [(*v, *shared) for v in part],
        )


def change(actor: User, changes: Sequence[Change], data_import: int | None = None) -> None:
    """Save the changed (or deactivated) stored values, with an audit entry each; a change
    made by an imported file names it (``data_import``, its id) in its audit entry."""
    if not changes:
        return
    _require_transaction()
    now = timezone.now()
    for batch in _batches(changes):
        for c in batch:
            c.value.updated_by = actor
            c.value.updated_at = now
        if _postgres():
            _update_postgres(batch)
        else:
            DataValue.objects.bulk_update(
                [c.value for c in batch],
                [
                    "value",
                    "organisation",
                    "dataset",
                    "source_date",
                    "comment",
                    "is_active",
                    "updated_by",
                    "updated_at",
                ],
                batch_size=500,
            )
    source: dict[str, object] = {} if data_import is None else {"file": data_import}
    for action in ("indicators.value_changed", "indicators.value_removed"):
        _audit(
            actor,
            action,
            [
                (c.value.pk, c.region, c.repr, c.before, c.value.snapshot() | source)
                for c in changes
                if c.action == action
            ],
            now,
        )


def _update_postgres(batch: Sequence[Change]) -> None:
    table = DataValue._meta.db_table
    values = [c.value for c in batch]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS d SET value = n.value, organisation_id = n.organisation_id,
                dataset = n.dataset, source_date = n.source_date, comment = n.comment,
                is_active = n.is_active, updated_by_id = n.updated_by_id,
                updated_at = n.updated_at
            FROM unnest(%s::bigint[], %s::numeric[], %s::bigint[], %s::text[], %s::date[],
                        %s::text[], %s::boolean[], %s::bigint[], %s::timestamptz[])
                AS n(id, value, organisation_id, dataset, source_date, comment, is_active,
                     updated_by_id, updated_at)
            WHERE d.id = n.id
            """,  # noqa: S608 - the table name is the model's, the values are parameters
            [
                [v.pk for v in values],
                [v.value for v in values],
                [v.organisation_id for v in values],
                [v.dataset for v in values],
                [v.source_date for v in values],
                [v.comment for v in values],
                [v.is_active for v in values],
                [v.updated_by_id for v in values],
                [v.updated_at for v in values],
            ],
        )


def _audit(
    actor: User,
    action: str,
    rows: Sequence[tuple[int, Region, str, dict[str, object] | None, dict[str, object]]],
    now: datetime.datetime,
) -> None:
    """One audit entry per row (object id, region, repr, before, after), as ``record`` writes."""
    if not rows:
        return
    object_type = ContentType.objects.get_for_model(DataValue)
    request = request_id.get()
    if not _postgres():
        AuditEntry.objects.bulk_create(
            [
                AuditEntry(
                    at=now,
                    actor=actor,
                    action=action,
                    object_type=object_type,
                    object_id=str(pk),
                    object_repr=text[:200],
                    region=region,
                    before=before,
                    after=after,
                    request_id=request,
                )
                for pk, region, text, before, after in rows
            ],
            batch_size=500,
        )
        return
    table = AuditEntry._meta.db_table
    columns = (
        "at, actor_id, action, object_type_id, object_id, object_repr, region_id, before, "
        "after, request_id"
    )
    dumps = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for pk, region, text, before, after in rows:
            copy.write_row(
                (
                    now,
                    actor.pk,
                    action,
                    object_type.pk,
                    str(pk),
                    text[:200],
                    region.pk,
                    None if before is None else dumps(before),
                    dumps(after),
                    request,
                )
            )
