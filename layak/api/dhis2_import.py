"""Importing a DHIS2 data value set into Layak's indicator data.

The set is read (JSON, CSV or XML: ``dhis2_formats``), each value's identifiers are looked up
by the request's id schemes, and the values go through the same checks, validation rules and
audited writes as every other entry (``indicators.actions.apply_entries``). What DHIS2's
parameters mean here:

- set-level ``period``, ``orgUnit``, ``dataSet`` and ``attributeOptionCombo`` apply to every
  value that does not name its own; a value whose element is not in the named data set is a
  conflict; Layak has no attribute option combos, so only DHIS2's ``default`` is accepted;
- ``importStrategy``: ``CREATE_AND_UPDATE`` (the default), ``CREATE`` (values already stored are
  ignored), ``UPDATE`` (values not stored are ignored), ``DELETE`` (the values named are removed:
  kept inactive with their history, as every removal in Layak); a value with
  ``"deleted": true`` is removed under any strategy;
- ``atomicMode``: ``ALL`` (the default) writes nothing when any value has a conflict; ``NONE``
  writes the values without conflicts;
- ``dryRun``: checks and counts, writes nothing; the summary is the one the real run gives.

A value sent again unchanged is ignored. Fields a DHIS2 value does not carry (the source office,
dataset and date) keep what is stored, and so does the comment when the value sends none.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.api import dhis2_ids as ids
from layak.api.dhis2_lookup import Catalogue, DataSet, OrgUnit, Unknown, org_units, scheme
from layak.core.numbers import PLAIN, NumberError, check_places, parse_number
from layak.indicators import actions
from layak.indicators.actions import Entry
from layak.indicators.models import DataValue
from layak.organisations.models import Organisation

A = authz.Action
STRATEGIES = {
    "CREATE_AND_UPDATE": "CREATE_AND_UPDATE",
    "NEW_AND_UPDATES": "CREATE_AND_UPDATE",
    "CREATE": "CREATE",
    "NEW": "CREATE",
    "UPDATE": "UPDATE",
    "UPDATES": "UPDATE",
    "DELETE": "DELETE",
    "DELETES": "DELETE",
}
PROPERTIES = {
    "element": "dataElement",
    "region": "orgUnit",
    "period": "period",
    "disaggregation": "categoryOptionCombo",
    "value": "value",
    "organisation": "orgUnit",
    "": "value",
}
TRUE = ("true", "1", "yes")
SET_LEVEL = ("period", "orgUnit")


class Refused(ValueError):
    """The request as a whole cannot be taken (a parameter Layak does not know or support)."""


def _flag(value: str | None, name: str) -> bool:
    if value is None or value == "":
        return False
    text = value.strip().lower()
    if text in TRUE:
        return True
    if text in ("false", "0", "no"):
        return False
    raise Refused(
        _("“%(value)s” is not a valid value for %(name)s; use true or false.")
        % {"value": value, "name": name}
    )


@dataclass
class Options:
    strategy: str = "CREATE_AND_UPDATE"
    dry_run: bool = False
    atomic: bool = True
    asynchronous: bool = False
    elements: str = "UID"
    org_units: str = "UID"
    combos: str = "UID"
    data_sets: str = "UID"

    @classmethod
    def parse(cls, params: Any) -> Options:
        """From the query string (a QueryDict or a dict). Raises ``Refused``."""
        try:
            general = scheme(params.get("idScheme"))
            options = cls(
                elements=scheme(params.get("dataElementIdScheme"), general),
                org_units=scheme(params.get("orgUnitIdScheme"), general),
                combos=scheme(params.get("categoryOptionComboIdScheme"), general),
                data_sets=scheme(params.get("dataSetIdScheme"), general),
            )
        except Unknown as exc:
            raise Refused(str(exc)) from None
        strategy = (params.get("importStrategy") or "CREATE_AND_UPDATE").strip().upper()
        if strategy not in STRATEGIES:
            raise Refused(
                _(
                    "The import strategy “%(value)s” is not supported; use CREATE_AND_UPDATE, "
                    "CREATE, UPDATE or DELETE."
                )
                % {"value": params.get("importStrategy")}
            )
        options.strategy = STRATEGIES[strategy]
        atomic = (params.get("atomicMode") or "ALL").strip().upper()
        if atomic not in ("ALL", "NONE"):
            raise Refused(
                _("The atomic mode “%(value)s” is not supported; use ALL or NONE.")
                % {"value": params.get("atomicMode")}
            )
        options.atomic = atomic == "ALL"
        options.dry_run = _flag(params.get("dryRun"), "dryRun")
        options.asynchronous = _flag(params.get("async"), "async")
        return options

    def as_dict(self) -> dict[str, Any]:
        return {
            "importStrategy": self.strategy,
            "dryRun": self.dry_run,
            "atomicMode": "ALL" if self.atomic else "NONE",
            "async": self.asynchronous,
            "idSchemes": {
                "dataElementIdScheme": self.elements,
                "orgUnitIdScheme": self.org_units,
                "categoryOptionComboIdScheme": self.combos,
                "dataSetIdScheme": self.data_sets,
            },
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Options:
        schemes = data["idSchemes"]
        return cls(
            strategy=data["importStrategy"],
            dry_run=data["dryRun"],
            atomic=data["atomicMode"] == "ALL",
            asynchronous=data["async"],
            elements=schemes["dataElementIdScheme"],
            org_units=schemes["orgUnitIdScheme"],
            combos=schemes["categoryOptionComboIdScheme"],
            data_sets=schemes["dataSetIdScheme"],
        )


@dataclass
class Conflict:
    index: int
    property: str
    object: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "object": self.object,
            "objects": {self.property: self.object},
            "value": self.message,
            "property": self.property,
            "indexes": [self.index],
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    return str(value).strip()


def _is_default_attribute(value: Any) -> bool:
    text = _text(value)
    return text in ("", ids.DEFAULT_COMBO) or text.casefold() == ids.DEFAULT_CODE


def _own_offices(actor: User, district_codes: set[str]) -> dict[str, Organisation]:
    own = actions.own_offices(actor)
    if not own:
        return {}
    return {
        org.region.code: org
        for org in Organisation.objects.filter(
            pk__in=own, region__code__in=district_codes
        ).select_related("region")
        if org.region is not None
    }


@dataclass
class _Set:
    """What applies to every value of a set: the catalogue, the options and the set-level
    fields, with the organisation units looked up once."""

    catalogue: Catalogue
    options: Options
    data_set: DataSet | None
    period: str
    org_unit: str
    units: dict[str, OrgUnit | str]


@dataclass
class _Value:
    entry: actions.Entry
    delete: bool
    comment: str | None  # None: the value sends no comment


def _value(index: int, raw: dict[str, Any], given: _Set) -> _Value | Conflict:
    """One value of the set, looked up and read; or the conflict that stops it."""
    options, catalogue = given.options, given.catalogue
    element_id = _text(raw.get("dataElement"))
    if not element_id:
        return Conflict(index, "dataElement", "", _("Name the data element."))
    try:
        element = catalogue.element(element_id, options.elements)
    except Unknown as exc:
        return Conflict(index, "dataElement", element_id, str(exc))
    if given.data_set is not None and not given.data_set.holds(element):
        return Conflict(
            index,
            "dataElement",
            element_id,
            _("%(element)s is not part of the data set %(set)s.")
            % {"element": element.name, "set": given.data_set.name},
        )
    unit_id = _text(raw.get("orgUnit")) or given.org_unit
    if not unit_id:
        return Conflict(index, "orgUnit", "", _("Name the organisation unit."))
    unit = given.units[unit_id]
    if not isinstance(unit, OrgUnit):
        return Conflict(index, "orgUnit", unit_id, unit)
    period = _text(raw.get("period")) or given.period
    if ids.period_type_of(period) != element.period_type:
        example = {"year": "2025", "quarter": "2025Q1", "month": "202501"}[element.period_type]
        return Conflict(
            index,
            "period",
            period,
            _("%(element)s is collected %(type)s: write the period like %(example)s.")
            % {
                "element": element.name,
                "type": element.get_period_type_display().lower(),
                "example": example,
            },
        )
    if not _is_default_attribute(raw.get("attributeOptionCombo")):
        return Conflict(
            index,
            "attributeOptionCombo",
            _text(raw.get("attributeOptionCombo")),
            _("Layak has no attribute option combos; use the default one."),
        )
    combo = _text(raw.get("categoryOptionCombo"))
    try:
        key = catalogue.combo(element, combo, options.combos)
    except Unknown as exc:
        return Conflict(index, "categoryOptionCombo", combo, str(exc))
    delete = options.strategy == "DELETE" or _text(raw.get("deleted")).lower() in TRUE
    value = None
    if not delete:
        try:
            value = parse_number(raw.get("value"), language=PLAIN)
            check_places(value, 2)
        except NumberError as exc:
            return Conflict(index, "value", _text(raw.get("value")), str(exc))
    comment = raw.get("comment")
    entry = actions.Entry(
        row=index + 1,
        element=element,
        region=unit.region,
        period=ids.to_layak(period),
        disaggregation=key,
        value=value,
        organisation=unit.office,
    )
    return _Value(entry, delete, None if comment is None else _text(comment)[:2000])


def _provenance(actor: User, values: list[_Value], options: Options) -> tuple[list[Entry], int]:
    """The entries to write, with what DHIS2 values do not carry (the source office, dataset and
    date; the comment when none is sent) taken from the stored value, and the number of values
    the strategy skips (``CREATE``: already stored; ``UPDATE``: not stored)."""
    entries = [v.entry for v in values]
    stored = {
        (v.element_id, v.region_id, v.period, v.disaggregation): v
        for v in DataValue.objects.filter(
            element_id__in={e.element.pk for e in entries},
            region_id__in={e.region.pk for e in entries},
            period__in={e.period for e in entries},
        ).select_related("organisation")
    }
    defaults = _own_offices(actor, {actions.district_of(e.region) for e in entries})
    skipped = 0
    kept: list[Entry] = []
    for value in values:
        entry = value.entry
        current = stored.get(entry.key)
        exists = current is not None and current.is_active
        if not value.delete and (
            (options.strategy == "CREATE" and exists)
            or (options.strategy == "UPDATE" and not exists)
        ):
            skipped += 1
            continue
        if current is not None:
            entry.organisation = entry.organisation or current.organisation
            entry.dataset = current.dataset
            entry.source_date = current.source_date
            entry.comment = current.comment
        else:
            entry.organisation = entry.organisation or defaults.get(
                actions.district_of(entry.region)
            )
        if value.comment is not None:
            entry.comment = value.comment
        kept.append(entry)
    return kept, skipped


def import_set(*, actor: User, data: dict[str, Any], options: Options) -> dict[str, Any]:
    """Import one data value set; the answer is DHIS2's import summary (its ``response``)."""
    raws: list[dict[str, Any]] = list(data.get("dataValues") or [])
    if len(raws) > actions.MAX_ROWS:
        raise Refused(
            _("At most %(max)d values can be imported at once.") % {"max": actions.MAX_ROWS}
        )
    catalogue = Catalogue.load()
    data_set: DataSet | None = None
    if _text(data.get("dataSet")):
        try:
            data_set = catalogue.data_set(_text(data.get("dataSet")), options.data_sets)
        except Unknown as exc:
            raise Refused(str(exc)) from None
    if not _is_default_attribute(data.get("attributeOptionCombo")):
        raise Refused(
            _(
                "Layak has no attribute option combos; leave attributeOptionCombo out or use "
                "the default one."
            )
        )
    set_org_unit = _text(data.get("orgUnit"))
    given = _Set(
        catalogue=catalogue,
        options=options,
        data_set=data_set,
        period=_text(data.get("period")),
        org_unit=set_org_unit,
        units=org_units({_text(v.get("orgUnit")) or set_org_unit for v in raws}, options.org_units),
    )
    conflicts: list[Conflict] = []
    values: list[_Value] = []
    for index, raw in enumerate(raws):
        found = _value(index, raw, given)
        if isinstance(found, Conflict):
            conflicts.append(found)
        else:
            values.append(found)
    entries, skipped = _provenance(actor, values, options)
    with transaction.atomic():
        result = actions.apply_entries(
            actor=actor,
            entries=entries,
            mode=actions.Mode.ALL_OR_NOTHING if options.atomic else actions.Mode.ROW_BY_ROW,
            dry_run=options.dry_run,
        )
    for problem in result.errors:
        prop = PROPERTIES.get(problem.column, "value")
        raw = raws[problem.row - 1]
        obj = _text(raw.get(prop)) or (_text(data.get(prop)) if prop in SET_LEVEL else "")
        conflicts.append(Conflict(problem.row - 1, prop, obj, problem.message))
    conflicts.sort(key=lambda c: c.index)
    return summary(result, conflicts, options, total=len(raws), skipped=skipped)


def summary(
    result: actions.Result,
    conflicts: list[Conflict],
    options: Options,
    *,
    total: int,
    skipped: int,
) -> dict[str, Any]:
    """DHIS2's ImportSummary. When ``atomicMode=ALL`` refuses the set, nothing counts as
    imported, updated or deleted: every value is ignored, on the dry run as on the real run."""
    refused = bool(conflicts) and options.atomic
    rejected = sorted({c.index for c in conflicts})
    if refused:
        count = {"imported": 0, "updated": 0, "ignored": total, "deleted": 0}
        status = "ERROR"
        description = _("The import was refused: no value was saved.")
    else:
        count = {
            "imported": result.created,
            "updated": result.updated,
            "ignored": result.unchanged + skipped + len(rejected),
            "deleted": result.removed,
        }
        status = "WARNING" if conflicts else "SUCCESS"
        description = (
            _("The values without conflicts were saved; the others were ignored.")
            if conflicts
            else _("Import process completed successfully")
        )
    if options.dry_run:
        description = _("Dry run: nothing was saved.") + " " + description
    return {
        "responseType": "ImportSummary",
        "status": status,
        "importOptions": options.as_dict(),
        "description": description,
        "importCount": count,
        "conflicts": [c.as_dict() for c in conflicts],
        "rejectedIndexes": rejected,
        "dataSetComplete": "false",
    }


def web_message(summary: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """The summary wrapped in DHIS2's WebMessage: 200 on success, 409 when there are
    conflicts."""
    status = summary["status"]
    if status == "SUCCESS":
        return 200, {
            "httpStatus": "OK",
            "httpStatusCode": 200,
            "status": "OK",
            "message": _("Import was successful."),
            "response": summary,
        }
    message = (
        _("An error occurred, please check import summary.")
        if status == "ERROR"
        else _("One or more conflicts encountered, please check import summary.")
    )
    return 409, {
        "httpStatus": "Conflict",
        "httpStatusCode": 409,
        "status": status,
        "message": message,
        "response": summary,
    }
