"""The entry grid: for a cluster's elements, one table per element with a row per region at the
element's entry level (the district itself, its kecamatan, or the villages of one kecamatan)
and a column per disaggregation (sex, age band). Only cells whose value or row comment changed
are written; the grid's source (office, dataset, date) goes with them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.http import QueryDict
from django.utils.translation import gettext as _

from layak.accounts.models import User
from layak.core.numbers import format_number
from layak.indicators import actions
from layak.indicators import disaggregation as dis
from layak.indicators.models import DataElement, DataValue, EntryLevel, PeriodType, period_start
from layak.organisations.models import Organisation
from layak.regions.models import Region


@dataclass
class Cell:
    name: str
    key: str
    label: str
    stored: Decimal | None
    text: str
    error: str = ""


@dataclass
class Row:
    region: Region
    cells: list[Cell]
    comment_name: str
    comment: str


@dataclass
class Section:
    element: DataElement
    combos: list[dis.Combo]
    rows: list[Row] = field(default_factory=list)
    note: str = ""


def period_type_of(period: str) -> str | None:
    for kind in PeriodType:
        if period_start(period, kind) is not None:
            return kind
    return None


def _text(value: Decimal | None) -> str:
    """A stored value as the person reads and types it (``1.200,5`` in Indonesian)."""
    return "" if value is None else format_number(value)


def build(area: Region, cluster: str, period: str) -> list[Section]:
    """The grid's sections (a fixed number of queries: elements, regions, values)."""
    kind = period_type_of(period)
    district = (
        area if area.level == Region.Level.REGENCY else Region.objects.get(code=area.regency_code)
    )
    elements = list(
        DataElement.objects.active()
        .filter(cluster=cluster, period_type=kind)
        .prefetch_related("categories__options")
    )
    kecamatan = list(Region.objects.active().filter(parent=district).order_by("code"))
    villages = (
        list(Region.objects.active().filter(parent=area).order_by("code"))
        if area.level == Region.Level.SUBDISTRICT
        else []
    )
    rows_for: dict[int, list[Region]] = {
        EntryLevel.DISTRICT: [district],
        EntryLevel.SUBDISTRICT: kecamatan,
        EntryLevel.VILLAGE: villages,
    }
    regions = {r.pk for rs in rows_for.values() for r in rs}
    stored = {
        (v.element_id, v.region_id, v.disaggregation): v
        for v in DataValue.objects.filter(
            element__in=elements, region_id__in=regions, period=period, is_active=True
        )
    }
    sections = []
    for element in elements:
        section = Section(element, dis.combos(element))
        if element.entry_level == EntryLevel.VILLAGE and not villages:
            section.note = _("Entered per village: choose a kecamatan to enter its villages.")
        for region in rows_for[element.entry_level]:
            cells = []
            comment = ""
            for index, combo in enumerate(section.combos):
                value = stored.get((element.pk, region.pk, combo.key))
                if value is not None and value.comment:
                    comment = value.comment
                cells.append(
                    Cell(
                        name=f"v-{element.pk}-{region.pk}-{index}",
                        key=combo.key,
                        label=combo.label,
                        stored=value.value if value else None,
                        text=_text(value.value if value else None),
                    )
                )
            section.rows.append(Row(region, cells, f"c-{element.pk}-{region.pk}", comment))
        sections.append(section)
    return sections


def save(
    *,
    actor: User,
    sections: list[Section],
    data: QueryDict,
    period: str,
    organisation: Organisation | None,
    dataset: str,
    source_date: datetime.date | None,
) -> tuple[actions.Result, bool]:
    """Write the changed cells (all or nothing). Returns the result and whether every cell was
    accepted; problems are put on the cells."""
    entries: list[actions.Entry] = []
    cells: list[Cell] = []
    problems = False
    for section in sections:
        for row in section.rows:
            comment = data.get(row.comment_name, "").strip()[: actions.TEXT_LIMITS["comment"]]
            comment_changed = comment != row.comment
            row.comment = comment
            for cell in row.cells:
                raw = data.get(cell.name, "").strip()
                cell.text = raw
                if not raw:
                    value = None
                else:
                    try:
                        value = actions.parse_value(raw)
                    except actions.IndicatorDataError as exc:
                        cell.error = str(exc)
                        problems = True
                        continue
                if value == cell.stored and not (comment_changed and value is not None):
                    continue
                entries.append(
                    actions.Entry(
                        row=len(entries),
                        element=section.element,
                        region=row.region,
                        period=period,
                        disaggregation=cell.key,
                        value=value,
                        organisation=organisation,
                        dataset=dataset,
                        source_date=source_date,
                        comment=comment,
                    )
                )
                cells.append(cell)
    if problems:
        return actions.Result(), False
    result = actions.apply_entries(actor=actor, entries=entries, mode=actions.Mode.ALL_OR_NOTHING)
    for problem in result.errors:
        cells[problem.row].error = problem.message
    return result, not result.errors
