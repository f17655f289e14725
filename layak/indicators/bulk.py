"""Writing many data values and their audit entries at once (imports of thousands of values).

``actions.apply_entries`` decides what changes; this module only writes it, in the caller's
transaction, in a fixed number of statements per batch: on PostgreSQL new values and audit
entries go in with ``COPY`` (ids drawn from the table's sequence first, so each audit entry
names its value) and changed values with one ``UPDATE … FROM unnest(…)`` per batch; on other
databases with ``bulk_create``/``bulk_update``. The audit entries are the ones ``record`` would
write, one per value, with the same action codes, before and after.
"""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone

from layak.audit.context import request_id
from layak.audit.models import AuditEntry
from layak.indicators.models import DataValue

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.regions.models import Region

BATCH = 5000
CENT = Decimal("0.01")


@dataclass
class NewValue:
    """A value to create."""

    element_id: int
    region: Region
    period: str
    period_start: datetime.date
    disaggregation: str
    value: Decimal
    organisation_id: int | None
    dataset: str
    source_date: datetime.date | None
    comment: str
    repr: str  # str() of the DataValue, for the audit entry

    def snapshot(self) -> dict[str, object]:
        """``DataValue.snapshot`` of the value once created."""
        return {
            "value": str(self.value.quantize(CENT)),
            "is_active": True,
            "organisation": self.organisation_id,
            "dataset": self.dataset,
            "source_date": self.source_date.isoformat() if self.source_date else None,
            "comment": self.comment,
        }


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


def create(actor: User, values: Sequence[NewValue]) -> None:
    """Insert ``values`` with an ``indicators.value_entered`` audit entry each."""
    if not values:
        return
    _require_transaction()
    now = timezone.now()
    audit: list[tuple[int, Region, str, None, dict[str, object]]] = []
    for batch in _batches(values):
        ids = _insert_postgres(actor, batch, now) if _postgres() else _insert_orm(actor, batch)
        audit.extend(
            (pk, v.region, v.repr, None, v.snapshot()) for pk, v in zip(ids, batch, strict=True)
        )
    _audit(actor, "indicators.value_entered", audit, now)


def _insert_postgres(actor: User, batch: Sequence[NewValue], now: datetime.datetime) -> list[int]:
    table = DataValue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(batch)],
        )
        ids = [row[0] for row in cursor.fetchall()]
        columns = (
            "id, element_id, region_id, period, period_start, disaggregation, value, "
            "organisation_id, dataset, source_date, comment, is_active, created_by_id, "
            "created_at, updated_by_id, updated_at"
        )
        raw = cursor.cursor  # psycopg's own cursor: COPY is not in the DB-API
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for pk, v in zip(ids, batch, strict=True):
                copy.write_row(
                    (
                        pk,
                        v.element_id,
                        v.region.pk,
                        v.period,
                        v.period_start,
                        v.disaggregation,
                        v.value,
                        v.organisation_id,
                        v.dataset,
                        v.source_date,
                        v.comment,
                        True,
                        actor.pk,
                        now,
                        actor.pk,
                        now,
                    )
                )
    return ids


def _insert_orm(actor: User, batch: Sequence[NewValue]) -> list[int]:
    made = DataValue.objects.bulk_create(
        [
            DataValue(
                element_id=v.element_id,
                region=v.region,
                period=v.period,
                period_start=v.period_start,
                disaggregation=v.disaggregation,
                value=v.value,
                organisation_id=v.organisation_id,
                dataset=v.dataset,
                source_date=v.source_date,
                comment=v.comment,
                created_by=actor,
                updated_by=actor,
            )
            for v in batch
        ],
        batch_size=500,
    )
    ids = [m.pk for m in made]
    if any(pk is None for pk in ids):  # a database that does not return ids from inserts
        ids = _ids_of(batch)
    return ids


def _ids_of(batch: Sequence[NewValue]) -> list[int]:
    found = {
        (e, r, p, d): pk
        for pk, e, r, p, d in DataValue.objects.filter(
            element_id__in={v.element_id for v in batch},
            region_id__in={v.region.pk for v in batch},
            period__in={v.period for v in batch},
        ).values_list("pk", "element_id", "region_id", "period", "disaggregation")
    }
    return [found[(v.element_id, v.region.pk, v.period, v.disaggregation)] for v in batch]


def change(actor: User, changes: Sequence[Change]) -> None:
    """Save the changed (or deactivated) stored values, with an audit entry each."""
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
    for action in ("indicators.value_changed", "indicators.value_removed"):
        _audit(
            actor,
            action,
            [
                (c.value.pk, c.region, c.repr, c.before, c.value.snapshot())
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
