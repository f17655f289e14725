"""Every change to indicator data: entering values (grid or import), targets and publication.

Values are entered by the district's KLA secretariat (district administrator) and by any office
operator of the district; each value records the office it came from. Every change is checked
(the period written as the element's period type, the region at the element's entry level, the
disaggregation naming exactly the element's categories, the value within its bounds, and the
validation rules against the values of the same region, period and disaggregation) and audited
with its before and after. A value cleared is kept, inactive.
"""

from __future__ import annotations

import contextlib
import datetime
import gc
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from layak import authz
from layak.audit.log import record
from layak.core.numbers import PLAIN, NumberError, check_places, format_number, parse_number
from layak.indicators import bulk
from layak.indicators import completeness as comp
from layak.indicators import disaggregation as dis
from layak.indicators.models import (
    DataElement,
    DataImport,
    DataValue,
    Indicator,
    IndicatorTarget,
    Publication,
    ValidationRule,
    ValueBatch,
    can_enter,
    period_start,
    periods_of_year,
)
from layak.organisations.models import Organisation
from layak.organisations.roles import OrganisationKind, Role
from layak.regions.models import Region

if TYPE_CHECKING:
    from layak.accounts.models import User

A = authz.Action
MAX_VALUE = Decimal("1e15")
MAX_ROWS = 20000
TEXT_LIMITS = {"dataset": 200, "comment": 2000}


class IndicatorDataError(Exception):
    """A change the rules refuse; the message is shown to the user."""


class Mode:
    ALL_OR_NOTHING = "all"
    ROW_BY_ROW = "rows"


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Result:
    """What an entry or import did (or, on a dry run, would do)."""

    created: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    errors: list[Problem] = field(default_factory=list)
    applied: bool = False
    rows: int = 0
    # The entries that passed their own checks and the problems found so far (before the
    # validation rules): what ``apply_checked`` takes to write them without checking again.
    checked: Checked | None = field(default=None, repr=False, compare=False)
    # On a dry run that only adds values: what writing it would take (``Plan``).
    plan: Plan | None = field(default=None, repr=False, compare=False)

    @property
    def changed(self) -> int:
        return self.created + self.updated + self.removed

    def summary(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "changed": self.changed,
            "errors": len(self.errors),
            "applied": self.applied,
        }


@dataclass(slots=True)
class Entry:
    """One value to write (``value`` None: clear the stored value)."""

    row: int
    element: DataElement
    region: Region
    period: str
    disaggregation: str
    value: Decimal | None
    organisation: Organisation | None = None
    dataset: str = ""
    source_date: datetime.date | None = None
    comment: str = ""

    key: tuple[int, int, str, str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # The value's identity, looked up many times per import row: computed once.
        self.key = (self.element.id, self.region.id, self.period, self.disaggregation)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Checking thousands of rows makes many small objects and no reference cycles: Python's
    cyclic garbage collector, which would walk the whole process's objects again and again
    while they pile up, waits until the rows are checked and written."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


@dataclass
class Checked:
    """An input's entries that passed their own checks (parsing, element, region, period,
    office, bounds, given once) and the problems of the other rows: what is left to ask is the
    stored values and the validation rules."""

    entries: list[Entry]
    errors: list[Problem]


@dataclass
class Plan:
    """What a dry run found an input would do when it only adds values (nothing stored
    changes): the checked entries (``Checked.entries``, by position) that become new values,
    the first day of each of their periods (a period's text names its type: ``2025``,
    ``2025Q1``, ``2025-03``), how many are unchanged and every problem (the rules' included).
    Applying it while nothing it was checked against has changed (``importfile._inputs``)
    writes exactly these values without checking them again."""

    creates: list[int]
    starts: dict[str, datetime.date]
    unchanged: int
    errors: list[Problem]


# ---- reading input ------------------------------------------------------------------------


def parse_value(value: object, *, language: str | None = None) -> Decimal:
    """A value read by the one number reader (``layak.core.numbers``) in ``language`` (the
    person's when None): ``1.200`` is 1200 in Indonesian; at most two decimals, never rounded.
    Raises IndicatorDataError."""
    if type(value) is str and value.isascii() and value.isdigit():
        # Digits alone read the same in every convention (parse_number gives exactly this);
        # most cells of an import are such, and the full reader costs twenty times as much.
        return Decimal(value)
    try:
        number = parse_number(value, language=language)
        check_places(number, 2)
    except NumberError as exc:
        raise IndicatorDataError(str(exc)) from None
    return number


def check_value(element: DataElement, value: Decimal) -> None:
    """The element's bounds; a count is never negative unless the element allows it, and is a
    whole number (a data element is a count: ``1.250,5`` persalinan cannot be)."""
    if value != value.to_integral_value():
        raise IndicatorDataError(
            _("This is a count: write a whole number (%(value)s is not).")
            % {"value": format_number(value)}
        )
    low = element.min_value if element.min_value is not None else Decimal(0)
    if value < low:
        raise IndicatorDataError(
            _("The value must be at least %(min)s.") % {"min": format_number(low)}
        )
    high = element.max_value
    if high is not None and value > high:
        raise IndicatorDataError(
            _("The value must be at most %(max)s.") % {"max": format_number(high)}
        )
    if abs(value) >= MAX_VALUE:
        raise IndicatorDataError(_("The value is too large."))


def check_period(
    element: DataElement, period: str, today: datetime.date | None = None
) -> datetime.date:
    start = period_start(period, element.period_type)
    if start is None:
        examples = {"year": "2025", "quarter": "2025Q1", "month": "2025-03"}
        raise IndicatorDataError(
            _("The period must be written like %(example)s for this element.")
            % {"example": examples[element.period_type]}
        )
    if start > (today or timezone.localdate()):
        raise IndicatorDataError(_("The period has not started yet."))
    return start


_UNKNOWN: Any = object()
"""A cache's "not asked yet" (None is an answer: no problem)."""


class _Checks:
    """The checks of many entries, each answer kept: the same element, region, period or office
    comes back on thousands of rows of an import. Each method returns the error message (or
    the value) of ``check_*``."""

    def __init__(self, actor: User) -> None:
        self.actor = actor
        self.today = timezone.localdate()
        self.regions: dict[tuple[int, int], str | None] = {}
        self.periods: dict[tuple[str, str], datetime.date | str] = {}
        self.offices: dict[tuple[int, int | None], str | None] = {}
        self.keys: dict[tuple[int, str], str | dis.DisaggregationError] = {}
        self.values: dict[tuple[int, Decimal], str | None] = {}

    def region(self, element: DataElement, region: Region) -> str | None:
        key = (element.id, region.id)
        found = self.regions.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            try:
                check_region(self.actor, element, region)
                found = None
            except IndicatorDataError as exc:
                found = str(exc)
            self.regions[key] = found
        return cast("str | None", found)

    def value(self, element: DataElement, value: Decimal) -> str | None:
        """``check_value``'s message, or None (the same count comes back on many rows)."""
        key = (element.id, value)
        found = self.values.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            try:
                check_value(element, value)
                found = None
            except IndicatorDataError as exc:
                found = str(exc)
            self.values[key] = found
        return cast("str | None", found)

    def period(self, element: DataElement, period: str) -> datetime.date | str:
        """The period's first day, or the message why it is refused."""
        key = (element.period_type, period)
        found = self.periods.get(key)
        if found is None:
            try:
                found = check_period(element, period, self.today)
            except IndicatorDataError as exc:
                found = str(exc)
            self.periods[key] = found
        return found

    def office(self, region: Region, organisation: Organisation | None) -> str | None:
        key = (region.id, organisation.id if organisation else None)
        found = self.offices.get(key, _UNKNOWN)
        if found is _UNKNOWN:
            try:
                check_organisation(self.actor, region, organisation)
                found = None
            except IndicatorDataError as exc:
                found = str(exc)
            self.offices[key] = found
        return cast("str | None", found)

    def disaggregation(self, element: DataElement, text: str) -> str:
        """The canonical key; raises ``DisaggregationError``."""
        key = (element.id, text)
        found = self.keys.get(key)
        if type(found) is str:
            return found
        if found is None:
            try:
                found = dis.normalise(element, text)
            except dis.DisaggregationError as exc:
                found = exc
            self.keys[key] = found
        if isinstance(found, dis.DisaggregationError):
            raise found
        return found


def check_region(actor: User, element: DataElement, region: Region) -> None:
    if region.level != element.entry_level:
        raise IndicatorDataError(
            _("%(element)s is entered per %(level)s; %(region)s is not one.")
            % {
                "element": element.name,
                "level": element.get_entry_level_display().lower(),
                "region": region.name,
            }
        )
    if not region.is_active:
        raise IndicatorDataError(
            _("%(region)s is no longer an active region.") % {"region": region}
        )
    if not can_enter(actor, region):
        raise IndicatorDataError(
            _("You cannot enter data for %(region)s.") % {"region": region.name}
        )


def district_of(region: Region) -> str:
    """The code of the district (kabupaten/kota) a region belongs to."""
    return region.regency_code or region.code


def own_offices(actor: User) -> set[int]:
    """The organisations where ``actor`` is an office operator."""
    return {g.organisation_id for g in authz.grants(actor) if g.role == Role.OFFICE_OPERATOR}


def check_organisation(actor: User, region: Region, organisation: Organisation | None) -> None:
    """An office operator enters for their own office; the secretariat for any government
    office of the district (or none)."""
    if organisation is None:
        if authz.reaches(actor, A.EDIT, region):
            return
        raise IndicatorDataError(_("Say which office the value comes from."))
    if organisation.region is None or organisation.region.code != district_of(region):
        raise IndicatorDataError(
            _("%(office)s is not an office of this district.") % {"office": organisation.name}
        )
    if organisation.kind != OrganisationKind.GOVERNMENT_OFFICE:
        raise IndicatorDataError(_("Only government offices are sources of indicator data."))
    if not authz.reaches(actor, A.EDIT, region) and organisation.pk not in own_offices(actor):
        raise IndicatorDataError(_("You enter data for your own office only."))


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


@collector_paused()
def apply_entries(
    *,
    actor: User,
    entries: Sequence[Entry],
    mode: str = Mode.ALL_OR_NOTHING,
    dry_run: bool = False,
    errors: Iterable[Problem] = (),
    checks: _Checks | None = None,
    data_import: DataImport | None = None,
) -> Result:
    """Check ``entries`` (already parsed) and write them. ``errors`` are problems found while
    parsing; in all-or-nothing mode any problem leaves the data untouched; row by row, the valid
    entries are written. A dry run only reports."""
    result = Result(errors=list(errors))
    checks = checks or _Checks(actor)
    valid = _check_entries(entries, checks, result.errors)
    result.checked = Checked(list(valid), list(result.errors))
    return _settle(actor, valid, mode, dry_run, result, checks, data_import)


@collector_paused()
def apply_checked(
    *,
    actor: User,
    checked: Checked,
    rows: int,
    mode: str = Mode.ALL_OR_NOTHING,
    data_import: DataImport | None = None,
) -> Result:
    """Write rows checked before (``Result.checked`` of a dry run of the same input by the same
    person, nothing read by its checks changed since): each row's own checks are not made
    again; the stored values and the validation rules are read again, as they may have
    changed, and the outcome is the one ``import_rows`` gives."""
    result = Result(errors=list(checked.errors))
    with transaction.atomic():
        _settle(actor, list(checked.entries), mode, False, result, _Checks(actor), data_import)
    result.rows = rows
    return result


def _check_entries(entries: Sequence[Entry], checks: _Checks, errors: list[Problem]) -> list[Entry]:
    """The entries that pass their own checks (region, period, office, bounds, given once);
    the problems of the others are added to ``errors``."""
    valid: list[Entry] = []
    # Each check's answer is kept (``_Checks``): the same element, region, period, office and
    # count come back on many rows. The region's and the office's answers together, per
    # element, region and office: one look-up a row.
    place: dict[tuple[int, int, int | None], tuple[str | None, str | None]] = {}
    periods, values = checks.periods, checks.values
    seen: set[tuple[int, int, str, str]] = set()
    twice: str | None = None
    for entry in entries:
        element = entry.element
        region = entry.region
        organisation = entry.organisation
        where = (element.id, region.id, None if organisation is None else organisation.id)
        answers = place.get(where)
        if answers is None:
            answers = place[where] = (
                checks.region(element, region),
                checks.office(region, organisation),
            )
        # Each problem is reported under the column it is about, the first one found.
        if answers[0] is not None:
            errors.append(Problem(entry.row, "region", answers[0]))
            continue
        start = periods.get((element.period_type, entry.period)) or checks.period(
            element, entry.period
        )
        if type(start) is str:
            errors.append(Problem(entry.row, "period", start))
            continue
        if answers[1] is not None:
            errors.append(Problem(entry.row, "organisation", answers[1]))
            continue
        value = entry.value
        if value is not None:
            message = values.get((element.id, value), _UNKNOWN)
            if message is _UNKNOWN:
                message = checks.value(element, value)
            if message is not None:
                errors.append(Problem(entry.row, "value", message))
                continue
        key = entry.key
        if key in seen:
            if twice is None:
                twice = _("The same value is given twice in this input.")
            errors.append(Problem(entry.row, "", twice))
            continue
        seen.add(key)
        valid.append(entry)
    return valid


def _settle(
    actor: User,
    valid: list[Entry],
    mode: str,
    dry_run: bool,
    result: Result,
    checks: _Checks,
    data_import: DataImport | None,
) -> Result:
    """The validation rules against the stored values and the other entries, then the write
    (or, on a dry run or a refused input, what it would change)."""
    element_ids = {e.element.id for e in valid}
    rules = _rules_for(element_ids)
    for rule in rules:
        element_ids |= {rule.left_id, rule.right_id}
    stored = _stored(element_ids, {e.key[1] for e in valid}, {e.period for e in valid})
    broken = _rule_problems(valid, rules, stored)
    for index, message in broken.items():
        result.errors.append(Problem(valid[index].row, "value", message))
    if broken:
        valid = [e for i, e in enumerate(valid) if i not in broken]
    result.errors.sort(key=lambda p: p.row)
    refuse = bool(result.errors) and mode == Mode.ALL_OR_NOTHING
    if dry_run or refuse:
        creates: list[Entry] = []
        for entry in valid:
            current = stored.get(entry.key)
            if _same(entry, current):
                result.unchanged += 1
            elif entry.value is None:
                result.removed += 1
            elif current is None:
                result.created += 1
                creates.append(entry)
            else:
                result.updated += 1
        if dry_run and not refuse and result.checked is not None:
            result.plan = _plan(result, creates, checks)
        return result
    with transaction.atomic():
        _write(actor, valid, stored, result, checks, data_import)
    result.applied = True
    return result


def _plan(result: Result, creates: list[Entry], checks: _Checks) -> Plan | None:
    """The dry run's ``Plan`` when it changes no stored value (None otherwise)."""
    if result.updated or result.removed:
        return None
    assert result.checked is not None
    position = {id(e): i for i, e in enumerate(result.checked.entries)}
    starts: dict[str, datetime.date] = {}
    for (_kind, period), start in checks.periods.items():
        if isinstance(start, datetime.date):
            starts[period] = start
    if any(entry.period not in starts for entry in creates):
        return None
    planned = [position[id(entry)] for entry in creates]
    return Plan(planned, starts, result.unchanged, list(result.errors))


@collector_paused()
def apply_planned(
    *,
    actor: User,
    creates: Sequence[bulk.NewValue],
    unchanged: int,
    errors: list[Problem],
    rows: int,
    data_import: DataImport,
) -> Result:
    """Write what a dry run planned (``Plan``: new values only), when nothing it was checked
    against has changed since (the caller's to make sure): the values in one batch with its
    audit entry, as ``import_rows`` would write them, without reading or checking them again."""
    result = Result(errors=list(errors), unchanged=unchanged, rows=rows)
    # Inside the caller's transaction (the upload's run) no savepoint is needed: any failure
    # here undoes the whole run.
    with transaction.atomic(savepoint=False):
        if creates:
            batch = _batch(actor, creates, (), data_import)
            bulk.create(actor, creates, batch)
    result.created = len(creates)
    result.applied = True
    return result


# ---- import rows --------------------------------------------------------------------------

COLUMNS = [
    "element",
    "region",
    "period",
    "disaggregation",
    "value",
    "organisation",
    "dataset",
    "source_date",
    "comment",
]
REQUIRED = ["element", "region", "period", "value"]
ROW = "_row"
"""The key of a row's line number in its file, when the reader skipped lines before it."""


_CELLS = [
    "element",
    "region",
    "period",
    "disaggregation",
    "organisation",
    "dataset",
    "source_date",
    "comment",
]


def _text(row: dict[str, Any], name: str) -> str:
    return _text_of(row.get(name))


def _text_of(value: Any) -> str:
    """A cell as text: stripped, a whole float without its ".0", a date as YYYY-MM-DD."""
    if type(value) is str:  # the common case (CSV cells), kept fast
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


@collector_paused()
def import_rows(
    *,
    actor: User,
    rows: list[dict[str, Any]],
    mode: str,
    dry_run: bool,
    district: Region | None = None,
    first_row: int = 2,
    language: str = PLAIN,
    data_import: DataImport | None = None,
) -> Result:
    """Check and write rows of the documented layout (docs/indicator-data.md): dicts keyed by
    ``COLUMNS``. Row numbers in the problems count from ``first_row`` (2 for a file whose first
    line names the columns). When ``district`` is given, every row must lie inside it. Used by
    the file import and the API. Values written as text are read in ``language``: files follow
    the Indonesian convention (``layak.core.numbers.FILES``), the API plain machine format."""
    if mode not in (Mode.ALL_OR_NOTHING, Mode.ROW_BY_ROW):
        raise IndicatorDataError(_("Unknown import mode."))
    if len(rows) > MAX_ROWS:
        raise IndicatorDataError(
            _("At most %(max)d rows can be imported at once.") % {"max": MAX_ROWS}
        )
    problems: list[Problem] = []
    # Each row's cells as text, read once (element, region, period, disaggregation,
    # organisation, dataset, source_date, comment; the value as it came).
    cells = [
        [
            v.strip() if type(v) is str else "" if v is None else _text_of(v)
            for v in map(row.get, _CELLS)
        ]
        for row in rows
    ]
    element_codes = {c[0] for c in cells}
    elements = {
        e.code: e
        for e in DataElement.objects.filter(
            code__in=element_codes, is_active=True
        ).prefetch_related("categories__options")
    }
    region_codes = {c[1] for c in cells}
    regions = {r.code: r for r in Region.objects.filter(code__in=region_codes)}
    district_codes = {district_of(r) for r in regions.values()}
    offices: dict[tuple[str, str], Organisation] = {}
    for org in Organisation.objects.filter(
        region__code__in=district_codes, is_active=True
    ).select_related("region"):
        assert org.region is not None
        for label in (org.name, org.acronym):
            if label:
                offices[(org.region.code, label.casefold())] = org
    own = own_offices(actor)
    default_office = {
        org.region.code: org for org in offices.values() if org.pk in own and org.region is not None
    }
    # Per region: its district's code and, when ``district`` is given, the problem of a region
    # outside it.
    districts = {code: district_of(r) for code, r in regions.items()}
    outside: dict[str, Problem | None] = {}
    checks = _Checks(actor)
    starts = checks.periods
    numbers: dict[str, Decimal | str] = {}
    entries: list[Entry] = []
    for position, (row, cell) in enumerate(zip(rows, cells, strict=True), start=first_row):
        number = row.get(ROW) or position
        element_code, region_code, period, dis_text, office_name, dataset, source_text, note = cell
        raw = row.get("value")
        if isinstance(raw, str):
            raw = raw.strip()
        if not (
            element_code and region_code and period and (raw if type(raw) is str else _text_of(raw))
        ):
            problems.extend(
                Problem(number, name, _("This column is required."))
                for name, text in zip(
                    REQUIRED, (element_code, region_code, period, _text_of(raw)), strict=True
                )
                if not text
            )
            continue
        element = elements.get(element_code)
        if element is None:
            problems.append(Problem(number, "element", _("No active data element has this code.")))
            continue
        region = regions.get(region_code)
        if region is None:
            problems.append(
                Problem(
                    number,
                    "region",
                    _("No region has the code “%(code)s”.") % {"code": region_code},
                )
            )
            continue
        if district is not None:
            if region_code not in outside:
                outside[region_code] = (
                    None
                    if district.contains(region)
                    else Problem(
                        0,
                        "region",
                        _("%(region)s is outside %(district)s.")
                        % {"region": region.name, "district": district.name},
                    )
                )
            problem = outside[region_code]
            if problem is not None:
                problems.append(Problem(number, problem.column, problem.message))
                continue
        try:
            key = checks.disaggregation(element, dis_text)
        except dis.DisaggregationError as exc:
            problems.append(Problem(number, "disaggregation", str(exc)))
            continue
        # A number written as text is read once per distinct text (the reader's convention is
        # the same for the whole input).
        value = numbers.get(raw) if type(raw) is str else None
        if value is None:
            try:
                value = parse_value(raw, language=language)
            except IndicatorDataError as exc:
                value = str(exc)
            if type(raw) is str:
                numbers[raw] = value
        if isinstance(value, str):
            problems.append(Problem(number, "value", value))
            continue
        start = starts.get((element.period_type, period)) or checks.period(element, period)
        if type(start) is str:
            problems.append(Problem(number, "period", start))
            continue
        organisation: Organisation | None
        if office_name:
            organisation = offices.get((districts[region_code], office_name.casefold()))
            if organisation is None:
                problems.append(
                    Problem(
                        number, "organisation", _("No organisation of the district has this name.")
                    )
                )
                continue
        else:
            organisation = default_office.get(districts[region_code])
        source_date: datetime.date | None = None
        if source_text:
            try:
                source_date = datetime.date.fromisoformat(source_text[:10])
            except ValueError:
                problems.append(Problem(number, "source_date", _("Write the date as YYYY-MM-DD.")))
                continue
        if len(dataset) > TEXT_LIMITS["dataset"] or len(note) > TEXT_LIMITS["comment"]:
            column = "dataset" if len(dataset) > TEXT_LIMITS["dataset"] else "comment"
            problems.append(Problem(number, column, _("This text is too long.")))
            continue
        entries.append(
            Entry(
                number,
                element,
                region,
                period,
                key,
                value,
                organisation,
                dataset,
                source_date,
                note,
            )
        )
    # A dry run writes nothing: no savepoint (a round trip each way) for its reads.
    with contextlib.nullcontext() if dry_run else transaction.atomic():
        result = apply_entries(
            actor=actor,
            entries=entries,
            mode=mode,
            dry_run=dry_run,
            errors=problems,
            checks=checks,
            data_import=data_import,
        )
    result.rows = len(rows)
    return result


# ---- targets and publication ------------------------------------------------------------


def _require_secretariat(actor: User, region: Region) -> None:
    if region.level != Region.Level.REGENCY:
        raise IndicatorDataError(_("Targets and publication are decided by a district."))
    if not authz.reaches(actor, A.MANAGE, region):
        raise IndicatorDataError(
            _("Only the district's KLA secretariat can set targets and publish indicators.")
        )


@transaction.atomic
def target_set(
    *, actor: User, region: Region, indicator: Indicator, year: int, value: Decimal
) -> IndicatorTarget:
    """Set the district's target for the indicator in ``year`` (changed, never removed: the
    audit log keeps every earlier target)."""
    _require_secretariat(actor, region)
    if not value.is_finite() or abs(value) >= MAX_VALUE:
        raise IndicatorDataError(_("The target is not a valid number."))
    current = (
        IndicatorTarget.objects.select_for_update(of=("self",))
        .filter(region=region, indicator=indicator, year=year)
        .first()
    )
    before = {"value": str(current.value), "year": year} if current else None
    if current is None:
        current = IndicatorTarget.objects.create(
            region=region, indicator=indicator, year=year, value=value
        )
    elif current.value == value:
        return current
    else:
        current.value = value
        current.save(update_fields=["value"])
    record(
        actor=actor,
        action="indicators.target_set",
        obj=current,
        region=region,
        before=before,
        after={"value": str(value), "year": year},
    )
    return current


@transaction.atomic
def publish(
    *,
    actor: User,
    region: Region,
    indicator: Indicator,
    year: int,
    confirm_partial: bool = False,
) -> Publication:
    """Publish the district's indicator-year on the public portal. A partial figure (fewer
    reports than ``completeness.THRESHOLD`` of those expected) is published only when the
    secretariat confirms it; the portal then shows how complete it is, and the audit entry
    keeps the completeness at the time."""
    _require_secretariat(actor, region)
    if not indicator.is_active:
        raise IndicatorDataError(_("This indicator is no longer in use."))
    if year > timezone.localdate().year:
        raise IndicatorDataError(_("A year that has not begun cannot be published."))
    periods = periods_of_year(year, indicator.period_type)
    rates = comp.element_completeness(comp.elements_of([indicator]), [region], periods)
    completeness = comp.indicator_completeness(indicator, region.pk, periods, rates)
    if completeness.partial and not confirm_partial:
        raise IndicatorDataError(
            _(
                "Only %(reported)s of the %(expected)s expected reports are in: this is a "
                "partial figure. Confirm that it is to be published as it is."
            )
            % {"reported": completeness.reported, "expected": completeness.expected}
        )
    publication = (
        Publication.objects.select_for_update(of=("self",))
        .filter(region=region, indicator=indicator, year=year)
        .first()
    )
    if publication is not None and publication.is_active:
        raise IndicatorDataError(_("This indicator-year is already published."))
    now = timezone.now()
    if publication is None:
        publication = Publication.objects.create(
            region=region, indicator=indicator, year=year, published_by=actor, published_at=now
        )
    else:
        publication.is_active = True
        publication.published_by = actor
        publication.published_at = now
        publication.save(update_fields=["is_active", "published_by", "published_at"])
    record(
        actor=actor,
        action="indicators.published",
        obj=publication,
        region=region,
        before={"published": False},
        after={
            "published": True,
            "year": year,
            "reported": completeness.reported,
            "expected": completeness.expected,
            "partial_confirmed": completeness.partial,
        },
    )
    return publication


@transaction.atomic
def unpublish(*, actor: User, region: Region, indicator: Indicator, year: int) -> Publication:
    """Take the indicator-year off the public portal (the row stays, inactive)."""
    _require_secretariat(actor, region)
    publication = (
        Publication.objects.select_for_update(of=("self",))
        .filter(region=region, indicator=indicator, year=year, is_active=True)
        .first()
    )
    if publication is None:
        raise IndicatorDataError(_("This indicator-year is not published."))
    publication.is_active = False
    publication.save(update_fields=["is_active"])
    record(
        actor=actor,
        action="indicators.unpublished",
        obj=publication,
        region=region,
        before={"published": True},
        after={"published": False, "year": year},
    )
    return publication
