"""The checks of one value, the same for the data-entry form, the API and the imports: its
number read and within the element's bounds, the period written as the element's period type
and begun, the region at the element's entry level, active and the person's, the office a
source of the district the person may enter for. ``_Checks`` keeps each answer, for the
thousands of rows of an import that ask the same questions."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, cast

from django.utils import timezone
from django.utils.translation import gettext as _

from layak import authz
from layak.core.numbers import NumberError, check_places, format_number, parse_number
from layak.indicators import disaggregation as dis
from layak.indicators.models import DataElement, can_enter, period_start
from layak.organisations.models import Organisation
from layak.organisations.roles import OrganisationKind, Role
from layak.regions.models import Region

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.indicators.lookups import Definitions

A = authz.Action
MAX_VALUE = Decimal("1e15")


class IndicatorDataError(Exception):
    """A change the rules refuse; the message is shown to the user."""


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
    except NumberError as exc:  # a number too long to round says so (``check_places``)
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
            _("“%(period)s”: the period must be written like %(example)s for this element.")
            % {"period": period[:40], "example": examples[element.period_type]}
        )
    if start > (today or timezone.localdate()):
        raise IndicatorDataError(_("The period has not started yet."))
    return start


_UNKNOWN: Any = object()
"""A cache's "not asked yet" (None is an answer: no problem)."""

_DAY_FIRST = re.compile(r"(\d{1,2})([/-])(\d{1,2})\2(\d{4})")


def source_date_of(text: str) -> datetime.date:
    """The source date of a row: its first ten characters as YYYY-MM-DD, or the date written
    the Indonesian way, day first with a four-digit year (``31/12/2025``, ``31-12-2025``,
    ``1/2/2025``); raises ValueError."""
    day_first = _DAY_FIRST.fullmatch(text.strip())
    if day_first:
        day, _sep, month, year = day_first.groups()
        return datetime.date(int(year), int(month), int(day))
    return datetime.date.fromisoformat(text[:10])


def row_problems(
    cells: Sequence[Any],
    element: DataElement | None,
    site: tuple[Any, ...] | None,
    checks: _Checks,
    language: str,
    limits: tuple[int, int],
) -> list[tuple[str, str]]:
    """Every problem of one import row, each as its column and message, in the layout's order
    of columns. ``cells`` are the row's element code, region code, period, disaggregation,
    office name, dataset, source date, comment and value (``actions.cells_of``); ``element``
    the element its code names (None: none); ``site`` what its region and office come to
    (``actions._Places._site``; None when no region is given). A problem that makes other
    checks meaningless stops those only: an unknown element its region's level, period,
    disaggregation and bounds; an unknown region, one outside the district or one the person
    cannot enter for (or no longer active) its office."""
    element_code, region_code, period, text, office_name, dataset, source, note, raw = cells[:9]
    required = _("This column is required.")
    found: list[tuple[str, str]] = []
    if not element_code:
        found.append(("element", required))
    elif element is None:
        found.append(("element", _("No active data element has this code.")))
    region = organisation = office_refused = None
    if not region_code or site is None:
        found.append(("region", required))
    elif site[0] is not None:
        found.append(site[0])
    else:
        region, organisation, office_refused = site[1:]
        message = None if element is None else checks.region(element, region)
        if message is not None:
            found.append(("region", message))
        if (element is None or message is not None) and not (
            region.is_active and can_enter(checks.actor, region)
        ):
            region = None  # no office is checked for a region the person cannot enter for
    if not period:
        found.append(("period", required))
    elif element is not None:
        start = checks.period(element, period)
        if type(start) is str:
            found.append(("period", start))
    if element is not None:
        try:
            checks.disaggregation(element, text)
        except dis.DisaggregationError as exc:
            found.append(("disaggregation", str(exc)))
    if raw is None or (type(raw) is str and not raw.strip()):
        found.append(("value", required))
    else:
        try:
            value = parse_value(raw, language=language)
        except IndicatorDataError as exc:
            found.append(("value", str(exc)))
        else:
            message = None if element is None else checks.value(element, value)
            if message is not None:
                found.append(("value", message))
    if region is not None:
        if organisation is _UNKNOWN:
            found.append(
                (
                    "organisation",
                    _("No organisation of the district is named “%(name)s”.")
                    % {"name": office_name},
                )
            )
        elif office_refused is not None:
            found.append(("organisation", office_refused))
    too_long = _("This text is too long.")
    if len(dataset) > limits[0]:
        found.append(("dataset", too_long))
    if source:
        try:
            source_date_of(source)
        except ValueError:
            found.append(
                (
                    "source_date",
                    _(
                        "“%(value)s” is not a date: write it like 2025-12-31 (year-month-day) "
                        "or 31/12/2025 (day/month/year)."
                    )
                    % {"value": source[:40]},
                )
            )
    if len(note) > limits[1]:
        found.append(("comment", too_long))
    return found


def _refusal(known: dict[Any, str | None], key: Any, check: Callable[[], object]) -> str | None:
    """Why ``check`` refuses (its message), or None; worked out once per ``key`` in ``known``
    (the same code, region or count comes back on many rows)."""
    found = known.get(key, _UNKNOWN)
    if found is _UNKNOWN:
        try:
            check()
            found = None
        except IndicatorDataError as exc:
            found = str(exc)
        known[key] = found
    return cast("str | None", found)


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
        # The definitions the entries' elements were read from (``lookups.Definitions``), to
        # take the validation rules from; None: the rules are read from the database.
        self.definitions: Definitions | None = None

    def region(self, element: DataElement, region: Region) -> str | None:
        return _refusal(
            self.regions, (element.id, region.id), lambda: check_region(self.actor, element, region)
        )

    def value(self, element: DataElement, value: Decimal) -> str | None:
        """``check_value``'s message, or None (the same count comes back on many rows)."""
        return _refusal(self.values, (element.id, value), lambda: check_value(element, value))

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
        return _refusal(
            self.offices,
            (region.id, organisation.id if organisation else None),
            lambda: check_organisation(self.actor, region, organisation),
        )

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
