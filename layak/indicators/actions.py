"""Every change to indicator data: entering values (grid or import); targets and publication
are in ``publication`` (still reachable here), each value's own checks in ``checks`` and the
comparison with the stored values, the validation rules and the write in ``writing``.

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
import operator
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from layak.core.numbers import PLAIN
from layak.indicators import bulk
from layak.indicators import disaggregation as dis
from layak.indicators.checks import _UNKNOWN, _Checks, row_problems
from layak.indicators.checks import MAX_VALUE as MAX_VALUE
from layak.indicators.checks import A as A
from layak.indicators.checks import IndicatorDataError as IndicatorDataError
from layak.indicators.checks import check_organisation as check_organisation
from layak.indicators.checks import check_period as check_period
from layak.indicators.checks import check_region as check_region
from layak.indicators.checks import check_value as check_value
from layak.indicators.checks import district_of as district_of
from layak.indicators.checks import own_offices as own_offices
from layak.indicators.checks import parse_value as parse_value
from layak.indicators.checks import source_date_of as source_date_of
from layak.indicators.lookups import Lookups as Lookups
from layak.indicators.models import DataElement, DataImport
from layak.indicators.writing import Stored as Stored
from layak.indicators.writing import StoredValues as StoredValues
from layak.indicators.writing import _batch as _batch
from layak.indicators.writing import _rule_problems, _rules_for, _same, _stored, _write
from layak.organisations.models import Organisation
from layak.regions.models import Region

if TYPE_CHECKING:
    from layak.accounts.models import User

MAX_ROWS = 20000
# How many of the values a checked file would change its check shows (``Result.sample``).
SAMPLE = 20
TEXT_LIMITS = {"dataset": 200, "comment": 2000}


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
    # On a dry run: the first ``SAMPLE`` entries that would change a value, each with the
    # stored value it replaces (None: a new value), for the person to see before applying.
    sample: list[tuple[Entry, Decimal | None]] = field(
        default_factory=list, repr=False, compare=False
    )

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
            # A row may have several problems (``checks.row_problems``): the rows with any.
            "problem_rows": len({p.row for p in self.errors}),
            "applied": self.applied,
        }


@dataclass(slots=True, init=False)
class Entry:
    """One value to write (``value`` None: clear the stored value)."""

    row: int
    element: DataElement
    region: Region
    period: str
    disaggregation: str
    value: Decimal | None
    organisation: Organisation | None
    dataset: str
    source_date: datetime.date | None
    comment: str
    # The value's identity, looked up many times per import row: made once, by the import
    # that already holds its parts (``key``) or from the fields.
    key: tuple[int, int, str, str] = field(repr=False, compare=False)

    def __init__(
        self,
        row: int,
        element: DataElement,
        region: Region,
        period: str,
        disaggregation: str,
        value: Decimal | None,
        organisation: Organisation | None = None,
        dataset: str = "",
        source_date: datetime.date | None = None,
        comment: str = "",
        key: tuple[int, int, str, str] | None = None,
    ) -> None:
        self.row = row
        self.element = element
        self.region = region
        self.period = period
        self.disaggregation = disaggregation
        self.value = value
        self.organisation = organisation
        self.dataset = dataset
        self.source_date = source_date
        self.comment = comment
        self.key = (element.id, region.id, period, disaggregation) if key is None else key


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
    # Each value's first row, to name it when a later row gives the same value again.
    seen: dict[tuple[int, int, str, str], int] = {}
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
        first = seen.get(key)
        if first is not None:
            errors.append(
                Problem(
                    entry.row,
                    "",
                    _(
                        "This value is already given on row %(row)s (the same element, region, "
                        "period and disaggregation)."
                    )
                    % {"row": first},
                )
            )
            continue
        seen[key] = entry.row
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
    # The stored values asked: those of each entry's element, region and period, and of the
    # other element of each rule the entry's element is in, for the same region and period.
    places = {e.key[:3] for e in valid}
    elements = {place[0] for place in places}
    known = checks.definitions
    rules = _rules_for(elements) if known is None else known.rules_for(elements)
    partners: dict[int, set[int]] = {}
    for rule in rules:
        partners.setdefault(rule.left_id, set()).add(rule.right_id)
        partners.setdefault(rule.right_id, set()).add(rule.left_id)
    for element, region, period in list(places):
        for other in partners.get(element, ()):
            places.add((other, region, period))
    stored = _stored(places)
    broken = _rule_problems(valid, rules, stored)
    for index, message in broken.items():
        result.errors.append(Problem(valid[index].row, "value", message))
    if broken:
        valid = [e for i, e in enumerate(valid) if i not in broken]
    result.errors.sort(key=lambda p: p.row)
    refuse = bool(result.errors) and mode == Mode.ALL_OR_NOTHING
    if dry_run or refuse:
        creates = _tally(valid, stored, result)
        if dry_run and not refuse and result.checked is not None:
            result.plan = _plan(result, creates, checks)
        return result
    with transaction.atomic():
        _write(actor, valid, stored, result, checks, data_import)
    result.applied = True
    return result


def _tally(valid: list[Entry], stored: StoredValues, result: Result) -> list[Entry]:
    """Count what writing ``valid`` would do (created, updated, removed, unchanged), keep the
    first ``SAMPLE`` changes for the person to see, and return the entries that would be new."""
    sample = result.sample
    if not stored:
        # Nothing stored yet (as for most files): each value is new, each cleared one unchanged.
        creates = [entry for entry in valid if entry.value is not None]
        result.unchanged += len(valid) - len(creates)
        result.created += len(creates)
        sample.extend((entry, None) for entry in creates[: max(SAMPLE - len(sample), 0)])
        return creates
    creates = []
    for entry in valid:
        current = stored.get(entry.key)
        if _same(entry, current):
            result.unchanged += 1
            continue
        if entry.value is None:
            result.removed += 1
        elif current is None:
            result.created += 1
            creates.append(entry)
        else:
            result.updated += 1
        if len(sample) < SAMPLE:
            sample.append((entry, None if current is None else current.value))
    return creates


def _plan(result: Result, creates: list[Entry], checks: _Checks) -> Plan | None:
    """The dry run's ``Plan`` when it changes no stored value (None otherwise)."""
    if result.updated or result.removed:
        return None
    assert result.checked is not None
    checked = result.checked.entries
    starts: dict[str, datetime.date] = {}
    for (_kind, period), start in checks.periods.items():
        if isinstance(start, datetime.date):
            starts[period] = start
    if any(entry.period not in starts for entry in creates):
        return None
    if len(creates) == len(checked) and all(map(operator.is_, creates, checked)):
        planned = list(range(len(checked)))  # every checked entry, as in most files
    else:
        position = {id(e): i for i, e in enumerate(checked)}
        planned = [position[id(entry)] for entry in creates]
    return Plan(planned, starts, result.unchanged, list(result.errors))


@collector_paused()
def apply_planned(
    *,
    actor: User,
    creates: Sequence[bulk.NewValue] | bulk.Lines,
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


def outside_district(district: Region, region: Region) -> str | None:
    """Why a row of ``district``'s upload cannot name ``region`` (None: it may)."""
    if district.contains(region):
        return None
    return _("%(region)s is outside %(district)s.") % {
        "region": region.name,
        "district": district.name,
    }


# Digits alone, this many at most, are a whole number below ``MAX_VALUE``.
_PLAIN_DIGITS = len(str(MAX_VALUE.to_integral_value() - 1))


class _Places:
    """What each element, region and office a row names together comes to (``ready``),
    worked out on the first row that names them: most rows repeat them. The region's and the
    office's answers are kept per region and office (``_site``); a region right for an
    element (``_Checks.region``) is right for any element entered at the same level."""

    def __init__(self, found: Lookups, checks: _Checks, district: Region | None) -> None:
        self.found = found
        self.checks = checks
        self.district = district
        self.sites: dict[tuple[str, str], tuple[Any, ...]] = {}
        self.levels: set[tuple[int, int]] = set()
        self.done: dict[tuple[str, str, str], tuple[Any, ...]] = {}

    def ready(self, key: tuple[str, str, str]) -> tuple[Any, ...]:
        """What a row's element code, region code and office name (``key``) come to when none
        of them has a problem, as the rows use it: the element, the region, the office (None:
        none), the element's and the region's ids, the element's period type and whether it
        has bounds a whole number may break (an upper bound, or a lower one above zero: any
        whole number of up to ``_PLAIN_DIGITS`` digits suits the others). Empty when the
        element or the region is unknown, the region outside the district or wrong for the
        element, or the office unknown or refused (``problems`` says which). Kept in
        ``done``."""
        element_code, region_code, office_name = key
        found: tuple[Any, ...] = ()
        element = self.found.elements.get(element_code) if region_code else None
        if element is not None:
            site = self.sites.get((region_code, office_name))
            if site is None:
                site = self.sites[(region_code, office_name)] = self._site(region_code, office_name)
            refused, region, organisation, office_refused = site
            level = None if refused is not None else (element.entry_level, region.id)
            if (
                level is not None
                and office_refused is None
                and organisation is not _UNKNOWN
                and (level in self.levels or self.checks.region(element, region) is None)
            ):
                self.levels.add(level)
                low = element.min_value
                bounded = element.max_value is not None or (low is not None and low > 0)
                ids = (element.id, region.id)
                found = (element, region, organisation, *ids, element.period_type, bounded)
        self.done[key] = found
        return found

    def problems(self, cell: list[Any], language: str) -> list[Problem]:
        """Every problem of a row whose first one was found (``checks.row_problems``)."""
        region_code, office_name = cell[1], cell[4]
        site = None
        if region_code:
            site = self.sites.get((region_code, office_name))
            if site is None:
                site = self.sites[(region_code, office_name)] = self._site(region_code, office_name)
        element = self.found.elements.get(cell[0]) if cell[0] else None
        limits = (TEXT_LIMITS["dataset"], TEXT_LIMITS["comment"])
        found = row_problems(cell, element, site, self.checks, language, limits)
        return [Problem(cell[9], column, message) for column, message in found]

    def _site(self, region_code: str, office_name: str) -> tuple[Any, ...]:
        """The region's problem (unknown, or outside the district) or None, the region, the
        office the row names and why it is refused for the region, or None."""
        region = self.found.regions.get(region_code)
        if region is None:
            message = _("No region has the code “%(code)s”.") % {"code": region_code}
            return ("region", message), None, None, None
        if self.district is not None:
            away = outside_district(self.district, region)
            if away is not None:
                return ("region", away), None, None, None
        organisation = self.found.office(region_code, office_name)
        office = None if organisation is _UNKNOWN else self.checks.office(region, organisation)
        return None, region, organisation, office


def cells_of(rows: list[dict[str, Any]], first_row: int = 2) -> list[list[Any]]:
    """Rows of the documented layout (dicts keyed by ``COLUMNS``) as ``import_cells`` takes
    them: each row's cells of ``_CELLS`` as text, stripped, then its value as it came (a text
    stripped) and its number (its ``ROW``, or its place counting from ``first_row``)."""
    cells: list[list[Any]] = []
    for position, row in enumerate(rows, start=first_row):
        line: list[Any] = [
            v.strip() if type(v) is str else "" if v is None else _text_of(v)
            for v in map(row.get, _CELLS)
        ]
        raw = row.get("value")
        line.append(raw.strip() if isinstance(raw, str) else raw)
        line.append(row.get(ROW) or position)
        cells.append(line)
    return cells


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
    _refuse_input(mode, len(rows))
    return import_cells(
        actor=actor,
        cells=cells_of(rows, first_row),
        mode=mode,
        dry_run=dry_run,
        district=district,
        language=language,
        data_import=data_import,
    )


def _refuse_input(mode: str, rows: int) -> None:
    if mode not in (Mode.ALL_OR_NOTHING, Mode.ROW_BY_ROW):
        raise IndicatorDataError(_("Unknown import mode."))
    if rows > MAX_ROWS:
        raise IndicatorDataError(
            _("At most %(max)d rows can be imported at once.") % {"max": MAX_ROWS}
        )


@collector_paused()
def import_cells(
    *,
    actor: User,
    cells: list[list[Any]],
    mode: str,
    dry_run: bool,
    district: Region | None = None,
    language: str = PLAIN,
    data_import: DataImport | None = None,
) -> Result:
    """``import_rows`` of rows already read as cells (``cells_of``; a CSV file's lines,
    ``importfile._csv_cells``)."""
    _refuse_input(mode, len(cells))
    problems: list[Problem] = []
    found = Lookups.of(actor, {c[0] for c in cells}, {c[1] for c in cells})
    checks = _Checks(actor)
    checks.definitions = found.definitions
    starts, keys, values = checks.periods, checks.keys, checks.values
    places = _Places(found, checks, district)
    ready = places.done
    numbers: dict[str, Decimal | str] = {}
    # The texts read that are digits alone, at most ``_PLAIN_DIGITS`` of them.
    plain: set[str] = set()
    dataset_limit, comment_limit = TEXT_LIMITS["dataset"], TEXT_LIMITS["comment"]
    # Each value's first row, to name it when a later row gives the same value again.
    seen: dict[tuple[int, int, str, str], int] = {}
    entries: list[Entry] = []
    # A row with a problem is looked at again once its first problem is found, for every
    # problem it has (``_Places.problems``): a valid row, as most are, is checked once.
    add = problems.extend
    for cell in cells:
        (
            element_code,
            region_code,
            period,
            dis_text,
            office_name,
            dataset,
            source_text,
            note,
            raw,
            number,
        ) = cell
        if not (
            element_code and region_code and period and (raw if type(raw) is str else _text_of(raw))
        ):
            add(places.problems(cell, language))
            continue
        place = ready.get((element_code, region_code, office_name))
        if place is None:
            place = places.ready((element_code, region_code, office_name))
        if not place:
            add(places.problems(cell, language))
            continue
        element, region, organisation, element_id, region_id, kind, bounded = place
        key = keys.get((element_id, dis_text))
        if type(key) is not str:
            try:
                key = checks.disaggregation(element, dis_text)
            except dis.DisaggregationError:
                add(places.problems(cell, language))
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
                if len(raw) <= _PLAIN_DIGITS and raw.isdigit() and raw.isascii():
                    plain.add(raw)
        if isinstance(value, str):
            add(places.problems(cell, language))
            continue
        start = starts.get((kind, period)) or checks.period(element, period)
        if type(start) is str:
            add(places.problems(cell, language))
            continue
        source_date: datetime.date | None = None
        if source_text:
            try:
                source_date = source_date_of(source_text)
            except ValueError:
                add(places.problems(cell, language))
                continue
        if len(dataset) > dataset_limit or len(note) > comment_limit:
            add(places.problems(cell, language))
            continue
        # Any whole number of up to ``_PLAIN_DIGITS`` digits suits an element without bounds
        # (``_Places.ready``), as most of a file's values are.
        if bounded or not (type(raw) is str and raw in plain):
            message = values.get((element_id, value), _UNKNOWN)
            if message is _UNKNOWN:
                message = checks.value(element, value)
            if message is not None:
                add(places.problems(cell, language))
                continue
        identity = (element_id, region_id, period, key)
        first = seen.get(identity)
        if first is not None:
            problems.append(
                Problem(
                    number,
                    "",
                    _(
                        "This value is already given on row %(row)s (the same element, region, "
                        "period and disaggregation)."
                    )
                    % {"row": first},
                )
            )
            continue
        seen[identity] = number
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
                identity,
            )
        )
    result = Result(errors=problems)
    result.checked = Checked(entries, list(problems))
    # A dry run writes nothing: no savepoint (a round trip each way) for its reads.
    with contextlib.nullcontext() if dry_run else transaction.atomic():
        _settle(actor, entries, mode, dry_run, result, checks, data_import)
    result.rows = len(cells)
    return result


# The district's targets and publication (``publication``), still reachable here.
from layak.indicators.publication import publish as publish  # noqa: E402
from layak.indicators.publication import target_set as target_set  # noqa: E402
from layak.indicators.publication import unpublish as unpublish  # noqa: E402
