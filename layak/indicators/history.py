"""A data value's history: who entered it, when, in which write (file, grid or API), what it
was then, and every change since with its before and after, in words.

A new value has no audit entry of its own (an import of thousands of values writes one entry for
its ``ValueBatch``); what it was when entered is the ``before`` of its first audited change, or
what it is now when it never changed. The history shows that entry as ``record`` would have
written it, through the same audit display as every other entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib.contenttypes.models import ContentType

from layak.audit.models import AuditEntry
from layak.indicators.models import DataValue, ValueBatch


@dataclass
class History:
    value: DataValue
    batch: ValueBatch | None
    entries: list[AuditEntry]  # newest first, the entering of the value last


def value_history(value: DataValue) -> History:
    """The value's audit entries, newest first, ending with its entering (two queries)."""
    changes = list(
        AuditEntry.objects.for_object(value).select_related("actor").order_by("at", "pk")
    )
    entered = [e for e in changes if e.action == "indicators.value_entered"]
    if not entered:
        # Entered in a batch: the entry ``record`` would have written, built from the batch.
        batch = value.batch
        first = next((e for e in changes if isinstance(e.before, dict)), None)
        what: dict[str, Any] = dict(first.before) if first is not None and first.before else {}
        what = what or value.snapshot()
        if batch is not None and batch.data_import_id is not None:
            what["file"] = batch.data_import_id  # the file it came from, named as a change's
        changes.insert(
            0,
            AuditEntry(
                at=batch.at if batch else value.created_at,
                actor=batch.actor if batch else value.created_by,
                action="indicators.value_entered",
                object_type=ContentType.objects.get_for_model(DataValue),
                object_id=str(value.pk),
                object_repr=str(value),
                region=value.region,
                before=None,
                after=what,
            ),
        )
    return History(value=value, batch=value.batch, entries=changes[::-1])
