"""What an entry or import writes: the stored values it is compared with, the validation
rules between two elements weighed against them, and the write itself (``bulk``): new values
in one ``ValueBatch`` audited once, each change to a stored value audited with its before and
after."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from layak.audit.log import record
from layak.core.numbers import format_number
from layak.indicators import bulk
from layak.indicators.checks import _Checks, district_of
from layak.indicators.models import DataImport, DataValue, ValidationRule, ValueBatch
from layak.regions.models import Region

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.indicators.actions import Entry, Result


# ---- the writing core ---------------------------------------------------------------------


def _rules_for(element_ids: set[int]) -> list[ValidationRule]:
    return list(
        ValidationRule.objects.filter(
            Q(left_id__in=element_ids) | Q(right_id__in=element_ids), is_active=True
        ).select_related("left", "right")
    )


class Stored(NamedTuple):
    """What an import compares of a stored value (read as plain rows: no model instance for
    each of the thousands of values a file touches)."""

    pk: int
    value: Decimal
    is_active: bool
    organisation_id: int | None
    dataset: str
    source_date: datetime.date | None
    comment: str


StoredValues = dict[tuple[int, int, str, str], Stored]
_STORED_FIELDS = (
    "element_id",
    "region_id",
    "period",
    "disaggregation",
    *Stored._fields,
)


def _stored(element_ids: set[int], region_ids: set[int], periods: set[str]) -> StoredValues:
    """The stored values of these elements, regions and periods, in one query (unsorted: the
    model's ordering would join elements and regions only to sort)."""
    rows = (
        DataValue.objects.filter(
            element_id__in=element_ids, region_id__in=region_ids, period__in=periods
        )
        .order_by()
        .values_list(*_STORED_FIELDS)
    )
    return {
        (element, region, period, key): Stored(*rest)
        for element, region, period, key, *rest in rows
    }


def _instance(key: tuple[int, int, str, str], current: Stored) -> DataValue:
    """The stored value as a model instance, for a change (``bulk.change``) and its audit."""
    element_id, region_id, period, disaggregation = key
    return DataValue(
        id=current.pk,
        element_id=element_id,
        region_id=region_id,
        period=period,
        disaggregation=disaggregation,
        value=current.value,
        is_active=current.is_active,
        organisation_id=current.organisation_id,
        dataset=current.dataset,
        source_date=current.source_date,
        comment=current.comment,
    )


def _rule_problems(
    entries: Sequence[Entry],
    rules: Sequence[ValidationRule],
    stored: StoredValues,
) -> dict[int, str]:
    """Entry index → the first rule it breaks, checking each pair of cells as they would be
    after the change (pending values over the stored ones)."""
    state: dict[tuple[int, int, str, str], Decimal | None] = {
        key: v.value for key, v in stored.items() if v.is_active
    }
    for entry in entries:
        state[entry.key] = entry.value
    # Each rule as plain (left, right, rule): the foreign keys' ids are read once, not per row.
    by_element: dict[int, list[tuple[int, int, ValidationRule]]] = {}
    for rule in rules:  # in their order: the first broken one is reported
        left_id, right_id = rule.left_id, rule.right_id
        by_element.setdefault(left_id, []).append((left_id, right_id, rule))
        if right_id != left_id:
            by_element.setdefault(right_id, []).append((left_id, right_id, rule))
    problems: dict[int, str] = {}
    for index, entry in enumerate(entries):
        value = entry.value
        if value is None:
            continue
        element_id, region_id, period, key = entry.key
        for left_id, right_id, rule in by_element.get(element_id, ()):
            left: Decimal | None
            right: Decimal | None
            if left_id == element_id:
                left, right = value, state.get((right_id, region_id, period, key))
            else:
                left, right = state.get((left_id, region_id, period, key)), value
            if left is None or right is None or rule.holds(left, right):
                continue
            problems[index] = _(
                "Breaks the rule “%(rule)s”: %(left)s is %(left_value)s, %(right)s is "
                "%(right_value)s."
            ) % {
                "rule": rule.name,
                "left": rule.left.name,
                "left_value": format_number(left),
                "right": rule.right.name,
                "right_value": format_number(right),
            }
            break
    return problems


def _write(
    actor: User,
    entries: Sequence[Entry],
    stored: StoredValues,
    result: Result,
    checks: _Checks,
    data_import: DataImport | None = None,
) -> None:
    """Write what changes among ``entries`` (checked), in a fixed number of statements per
    batch (``bulk``); a value equal to the stored one (value, office, dataset, source date,
    comment) is left as it is. New values point at one ``ValueBatch`` (who, when, which file),
    audited once; each change to a stored value is audited with its before and after."""
    creates: list[bulk.NewValue] = []
    changes: list[bulk.Change] = []
    starts = checks.periods
    for entry in entries:
        current = stored.get(entry.key)
        if _same(entry, current):
            result.unchanged += 1
            continue
        if entry.value is None:
            assert current is not None  # an active one, or it would be the same
            value = _instance(entry.key, current)
            before = value.snapshot()
            value.is_active = False
            changes.append(
                bulk.Change(value, entry.region, "indicators.value_removed", before, _repr(entry))
            )
            result.removed += 1
            continue
        if current is None:
            start = starts.get((entry.element.period_type, entry.period)) or checks.period(
                entry.element, entry.period
            )
            assert not isinstance(start, str)  # checked before
            creates.append(
                bulk.NewValue(
                    entry.element.id,
                    entry.region.id,
                    entry.period,
                    start,
                    entry.disaggregation,
                    entry.value,
                    entry.organisation.id if entry.organisation else None,
                    entry.dataset,
                    entry.source_date,
                    entry.comment,
                )
            )
            continue
        value = _instance(entry.key, current)
        before = value.snapshot()
        value.value = entry.value
        value.organisation = entry.organisation
        value.dataset = entry.dataset
        value.source_date = entry.source_date
        value.comment = entry.comment
        value.is_active = True
        changes.append(
            bulk.Change(value, entry.region, "indicators.value_changed", before, _repr(entry))
        )
        result.updated += 1
    if creates:
        batch = _batch(actor, creates, entries, data_import)
        bulk.create(actor, creates, batch)
        result.created += len(creates)
    bulk.change(actor, changes)


def _repr(entry: Entry) -> str:
    """``str()`` of the entry's stored value, for its audit entry."""
    return f"{entry.element} · {entry.region} · {entry.period}"


def _batch(
    actor: User,
    creates: Sequence[bulk.NewValue],
    entries: Sequence[Entry],
    data_import: DataImport | None,
) -> ValueBatch:
    """The batch the new values point at, with its one audit entry: who, when, which file and
    how many values it added (each value's own figures are on the value and its history)."""
    region = data_import.region if data_import is not None else None
    if region is None:
        created = {v.region_id for v in creates}
        regions = {e.region.id: e.region for e in entries if e.region.id in created}
        districts = {district_of(r) for r in regions.values()}
        if len(districts) == 1:
            region = Region.objects.filter(code=districts.pop()).first()
    batch = ValueBatch.objects.create(
        actor=actor,
        at=timezone.now(),
        region=region,
        data_import=data_import,
        created=len(creates),
    )
    record(
        actor=actor,
        action="indicators.values_entered",
        obj=batch,
        region=region,
        after={"created": len(creates)},
    )
    return batch


def _same(entry: Entry, current: Stored | None) -> bool:
    if entry.value is None:
        return current is None or not current.is_active
    return (
        current is not None
        and current.is_active
        and current.value == entry.value
        and current.organisation_id == (entry.organisation.id if entry.organisation else None)
        and current.dataset == entry.dataset
        and current.source_date == entry.source_date
        and current.comment == entry.comment
    )
