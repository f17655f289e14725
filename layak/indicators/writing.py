"""What an entry or import writes: the stored values it is compared with, the validation
rules between two elements weighed against them, and the write itself (``bulk``): new values
in one ``ValueBatch`` audited once, each change to a stored value audited with its before and
after."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, NamedTuple

from django.db import connection
from django.db.models import BooleanField, Model, Q
from django.db.models.expressions import RawSQL
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


def among(model: type[Model], column: str, values: Iterable[object], cast: str) -> Q | RawSQL:
    """A filter: ``model``'s ``column`` is one of ``values``. On PostgreSQL the values go as
    one array (``= ANY``): an ``IN`` list of the hundreds of regions of a district file costs
    more to build, send and parse than the query takes to run. Texts and whole numbers go as
    one array literal (``_texts``, ``_numbers``)."""
    if connection.vendor != "postgresql":
        return Q(**{f"{column}__in": values})
    array: object
    if cast == "text":
        array = _texts(str(v) for v in values)
    elif cast == "bigint":
        array = _numbers(values)
    else:
        array = list(values)
    return RawSQL(  # noqa: S611 - the names are the model's, the values one parameter
        f'"{model._meta.db_table}"."{column}" = ANY(%s::{cast}[])',
        (array,),
        output_field=BooleanField(),
    )


def _numbers(values: Iterable[object]) -> str:
    """Whole numbers as one PostgreSQL array literal (``{1,2,3}``): a thousand ids go as one
    short text, where a list is turned into an array item by item in Python."""
    return "{" + ",".join(map(str, values)) + "}"


def _texts(values: Iterable[str]) -> str:
    """Texts as one PostgreSQL array literal, each quoted (``{"2025","2025Q1"}``); the same
    text (a period, on most of a file's places) quoted once."""
    values = list(values)
    quoted = {v: '"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in set(values)}
    return "{" + ",".join(map(quoted.__getitem__, values)) + "}"


def _stored(places: set[tuple[int, int, str]]) -> StoredValues:
    """The stored values of these elements, regions and periods (``places``: each
    ``(element id, region id, period)`` asked), every disaggregation, in one query. On
    PostgreSQL the places are joined as arrays on the values' unique index: one index lookup
    per place, however many values other districts store for the same elements and periods.
    Elsewhere the elements, regions and periods are asked each as a list (more rows may come
    back; only those of the places are asked for)."""
    if not places:
        return {}
    if connection.vendor == "postgresql":
        elements, regions, periods = zip(*places, strict=True)
        columns = ", ".join(
            f"d.{name}" for name in (*_STORED_FIELDS[:4], "id", *Stored._fields[1:])
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {columns} FROM {DataValue._meta.db_table} d "  # noqa: S608 - the model's names
                "JOIN unnest(%s::bigint[], %s::bigint[], %s::text[]) AS k(element_id, region_id, "
                "period) ON d.element_id = k.element_id AND d.region_id = k.region_id "
                "AND d.period = k.period",
                [_numbers(elements), _numbers(regions), _texts(periods)],
            )
            rows = cursor.fetchall()
    else:
        rows = list(
            DataValue.objects.filter(
                element_id__in={p[0] for p in places},
                region_id__in={p[1] for p in places},
                period__in={p[2] for p in places},
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
    state.update({entry.key: entry.value for entry in entries})
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
    bulk.change(actor, changes, data_import.pk if data_import is not None else None)


def _repr(entry: Entry) -> str:
    """``str()`` of the entry's stored value, for its audit entry."""
    return f"{entry.element} · {entry.region} · {entry.period}"


def _batch(
    actor: User,
    creates: Sequence[bulk.NewValue] | bulk.Lines,
    entries: Sequence[Entry],
    data_import: DataImport | None,
) -> ValueBatch:
    """The batch the new values point at, with its one audit entry: who, when, which file and
    how many values it added (each value's own figures are on the value and its history)."""
    region = data_import.region if data_import is not None else None
    if region is None:
        created = {v.region_id for v in creates if not isinstance(v, str)}
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
