"""Writing audit entries. Call ``record`` inside the action's transaction."""

from __future__ import annotations

import datetime
import decimal
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction

from layak.audit.context import made_at, request_id
from layak.audit.models import AuditEntry
from layak.core import writes

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.regions.models import Region


def snapshot(obj: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The JSON-ready values of ``fields`` on ``obj`` (foreign keys by id)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = obj._meta.get_field(name)
        if field.many_to_many:
            data[name] = sorted((obj.pk and getattr(obj, name).values_list("pk", flat=True)) or [])
            continue
        attname = getattr(field, "attname", name)
        data[name] = _jsonable(getattr(obj, attname))
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    return value


def record(
    *,
    actor: User | None,
    action: str,
    obj: models.Model,
    region: Region | None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Must run inside the transaction that makes the change."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Audit entries are written inside the change's transaction.")
    entry = AuditEntry(
        actor=actor,
        action=action,
        object_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        object_repr=str(obj)[:200],
        region=region,
        before=before,
        after=after,
        request_id=request_id.get(),
        made_at=made_at.get(),
    )
    writes.insert(entry)
    return entry
