"""A RAD KLA as one XLSX workbook: a template to fill in, the export of a plan, and the import
(checked as a dry run with an error for each row and column, then applied whole or not at all).

Sheet "RAD", one row per item, the first row naming the columns:

ref | parent | level | indicator | budget_code | name | responsible | partners |
performance_indicator | unit | baseline | combine | then for each year Y of the plan:
target_Y | apbd_Y | apbn_Y | village_Y | csr_Y | other_Y

``level`` is programme, activity or sub_activity (Indonesian program, kegiatan, sub_kegiatan are
read too); ``parent`` the ref of the programme or activity the row belongs to; ``indicator`` the
indicator code (KL-1 … K5-24) for programmes; ``responsible`` an office's name or short name;
``partners`` partner names or short names separated by ";". Amounts are in rupiah. A cell
holding a number is read as that number; a number typed as text follows the Indonesian way
(``250.000`` is two hundred and fifty thousand, ``1,5`` one and a half), and anything that could
be read two ways is refused with the row and column. Sheets
"Indicators" and "Offices" list the accepted codes and names. Rows of the plan missing from an
imported workbook are taken out of the plan (kept, inactive, with their reported progress).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from layak.accounts.models import User
from layak.audit.log import record
from layak.core.archives import ArchiveRefused
from layak.core.numbers import FILES, NumberError, check_places, parse_number
from layak.core.workbooks import WorkbookLimits, open_workbook
from layak.frameworks.models import Indicator
from layak.organisations.models import Organisation
from layak.plans import actions
from layak.plans.models import Plan, PlanItem, PlanYear

SHEET = "RAD"
BASE_COLUMNS = [
    "ref",
    "parent",
    "level",
    "indicator",
    "budget_code",
    "name",
    "responsible",
    "partners",
    "performance_indicator",
    "unit",
    "baseline",
    "combine",
]
OPTIONAL = {"combine"}  # workbooks made before the column existed are still read
COMBINE = {
    "sum": PlanItem.Combine.SUM,
    "jumlah": PlanItem.Combine.SUM,
    "latest": PlanItem.Combine.LATEST,
    "terakhir": PlanItem.Combine.LATEST,
    "average": PlanItem.Combine.AVERAGE,
    "rata-rata": PlanItem.Combine.AVERAGE,
    "rata_rata": PlanItem.Combine.AVERAGE,
}
YEAR_FIELDS = ["target", *actions.SOURCES]
LEVELS = {
    "programme": PlanItem.Level.PROGRAMME,
    "program": PlanItem.Level.PROGRAMME,
    "activity": PlanItem.Level.ACTIVITY,
    "kegiatan": PlanItem.Level.ACTIVITY,
    "sub_activity": PlanItem.Level.SUB_ACTIVITY,
    "sub-activity": PlanItem.Level.SUB_ACTIVITY,
    "sub_kegiatan": PlanItem.Level.SUB_ACTIVITY,
    "sub kegiatan": PlanItem.Level.SUB_ACTIVITY,
}
MAX_ROWS = 5000
# What a RAD workbook may hold: its rows and header, five years' columns with room to spare,
# and what it may unpack to.
LIMITS = WorkbookLimits(rows=MAX_ROWS + 1, columns=200, cells=500_000)


def columns(plan: Plan) -> list[str]:
    return BASE_COLUMNS + [f"{f}_{y}" for y in plan.years for f in YEAR_FIELDS]


@dataclass
class Problem:
    row: int
    column: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class Row:
    number: int
    ref: str
    parent: str
    level: str
    indicator: Indicator | None
    budget_code: str
    name: str
    responsible: Organisation | None
    partners: list[Organisation]
    performance_indicator: str
    unit: str
    baseline: Decimal | None
    combine: str | None = None  # None: the column is absent or empty, the item keeps its own
    years: dict[int, dict[str, Decimal | None]] = field(default_factory=dict)


# ---- writing ----------------------------------------------------------------------------


def _num(value: Decimal | None) -> Any:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def is_numeric(column: str) -> bool:
    return column == "baseline" or any(column.startswith(f"{f}_") for f in YEAR_FIELDS)


def item_cells(plan: Plan, item: PlanItem, years: dict[int, PlanYear]) -> dict[str, Any]:
    """An item as the workbook's cells (names for offices and partners, refs for parents)."""
    cells: dict[str, Any] = {
        "ref": item.ref,
        "parent": item.parent.ref if item.parent else "",
        "level": item.level,
        "indicator": item.indicator.code,
        "budget_code": item.budget_code,
        "name": item.name,
        "responsible": item.responsible.name,
        "partners": "; ".join(sorted(p.name for p in item.partners.all())),
        "performance_indicator": item.performance_indicator,
        "unit": item.unit,
        "baseline": item.baseline,
        "combine": item.combine,
    }
    for year in plan.years:
        y = years.get(year)
        cells[f"target_{year}"] = y.target if y else None
        for source in actions.SOURCES:
            cells[f"{source}_{year}"] = getattr(y, source) if y else Decimal(0)
    return cells


def row_cells(plan: Plan, row: Row) -> dict[str, Any]:
    """A checked row as the cells it would store (the same shape as ``item_cells``)."""
    assert row.indicator is not None and row.responsible is not None
    cells: dict[str, Any] = {
        "ref": row.ref,
        "parent": row.parent,
        "level": row.level,
        "indicator": row.indicator.code,
        "budget_code": row.budget_code,
        "name": row.name,
        "responsible": row.responsible.name,
        "partners": "; ".join(sorted(p.name for p in row.partners)),
        "performance_indicator": row.performance_indicator,
        "unit": row.unit,
        "baseline": row.baseline,
        "combine": row.combine,
    }
    for year in plan.years:
        values = row.years.get(year, {})
        cells[f"target_{year}"] = values.get("target")
        for source in actions.SOURCES:
            cells[f"{source}_{year}"] = values.get(source) or Decimal(0)
    return cells


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, Decimal) or isinstance(b, Decimal):
        if a is None or b is None:
            return a is None and b is None
        return Decimal(a) == Decimal(b)
    return (a or "") == (b or "")


def _json(value: Any) -> Any:
    return format(value.normalize(), "f") if isinstance(value, Decimal) else value


def changes(plan: Plan, rows: list[Row]) -> list[dict[str, Any]]:
    """What applying the rows would really change, cell by cell: for each item (by ref) that
    is new, changed or taken out, the columns whose stored value differs, before → after.
    An unchanged re-upload has none."""
    items = (
        plan.items.select_related("parent", "indicator", "responsible")
        .prefetch_related("partners", "years")
        .order_by("order", "pk")
    )
    stored = {i.ref: i for i in items}
    found: list[dict[str, Any]] = []
    refs = set()
    for row in rows:
        refs.add(row.ref)
        after = row_cells(plan, row)
        item = stored.get(row.ref)
        if item is None:
            found.append({"ref": row.ref, "kind": "new", "cells": []})
            continue
        before = item_cells(plan, item, {y.year: y for y in item.years.all()})
        cells = [
            {"column": c, "before": _json(before[c]), "after": _json(after[c])}
            for c in after
            if not _same(before[c], after[c]) and not (c == "combine" and after[c] is None)
        ]
        if not item.is_active:
            found.append({"ref": row.ref, "kind": "restored", "cells": cells})
        elif cells:
            found.append({"ref": row.ref, "kind": "changed", "cells": cells})
    for ref, item in stored.items():
        if item.is_active and ref not in refs:
            found.append({"ref": ref, "kind": "removed", "cells": []})
    return found


def export_workbook(plan: Plan, *, empty: bool = False) -> bytes:
    """The plan's items (or, ``empty``, just the layout) as a workbook."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(columns(plan))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "B2"
    if not empty:
        items = (
            plan.items.filter(is_active=True)
            .select_related("parent", "indicator", "responsible")
            .prefetch_related("partners", "years")
            .order_by("order", "pk")
        )
        for item in items:
            cells = item_cells(plan, item, {y.year: y for y in item.years.all()})
            ws.append([_num(v) if isinstance(v, Decimal) else v for v in cells.values()])
    indicators = wb.create_sheet("Indicators")
    indicators.append(["code", "name", "cluster"])
    for ind in Indicator.objects.filter(version=plan.version).select_related("group"):
        indicators.append([ind.code, ind.name, ind.group.name])
    offices = wb.create_sheet("Offices")
    offices.append(["name", "short name", "kind"])
    for org in actions.district_offices(plan.region):
        offices.append([org.name, org.acronym, "responsible"])
    for org in actions.district_partners(plan.region):
        offices.append([org.name, org.acronym, "partner"])
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


# ---- reading ----------------------------------------------------------------------------


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _lookup(orgs: list[Organisation]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for org in orgs:
        found[org.name.casefold()] = org
        if org.acronym:
            found.setdefault(org.acronym.casefold(), org)
    return found


def read_workbook(
    plan: Plan, data: IO[bytes], progress: Callable[[int, int], None] | None = None
) -> tuple[list[Row], list[Problem]]:
    """Rows of the workbook and every problem found; nothing is written. ``progress`` hears
    (rows read, rows in the sheet) every 100 rows."""
    try:
        wb = open_workbook(data, LIMITS)
    except ArchiveRefused as exc:
        return [], [Problem(0, "", str(exc))]
    except Exception:  # openpyxl raises many kinds on a file that is not a workbook
        return [], [Problem(0, "", _("This file is not an XLSX workbook."))]
    if SHEET not in wb.sheetnames:
        return [], [Problem(0, "", _("The sheet “%(sheet)s” is missing.") % {"sheet": SHEET})]
    problems: list[Problem] = []
    rows: list[Row] = []
    indicators = {i.code.casefold(): i for i in Indicator.objects.filter(version=plan.version)}
    offices = _lookup(list(actions.district_offices(plan.region)))
    partners = _lookup(list(actions.district_partners(plan.region)))
    header: list[str] = []
    sheet = wb[SHEET]
    size = sheet.max_row or 0
    for n, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        if progress is not None and n % 100 == 0:
            progress(n, max(size, n))
        if n == 1:
            header = [_text(v) for v in values]
            missing = [c for c in columns(plan) if c not in header and c not in OPTIONAL]
            for column in missing:
                problems.append(Problem(1, column, _("This column is missing.")))
            if missing:
                return [], problems
            continue
        if all(_text(v) == "" for v in values):
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(n, "", _("A workbook holds at most 5000 rows.")))
            break
        cells = dict(zip(header, values, strict=False))

        def problem(column: str, message: str, n: int = n) -> None:
            problems.append(Problem(n, column, message))

        def number(column: str, cells: dict[str, Any] = cells) -> Decimal | None:
            raw = cells.get(column)
            if raw is None or (isinstance(raw, str) and not raw.strip()):
                return None
            try:
                # A cell holding a number is taken as it is; text follows the Indonesian way.
                value = parse_number(raw, language=FILES)
                check_places(value, 2)
            except NumberError as exc:
                problem(column, str(exc))
                return None
            if value < 0 or value >= actions.MAX_AMOUNT:
                problem(column, _("Use a number from 0 up to 999 trillion."))
                return None
            return value

        level = LEVELS.get(_text(cells.get("level")).casefold())
        if level is None:
            problem("level", _("Use programme, activity or sub_activity."))
        ref = _text(cells.get("ref"))[:40]
        if not ref:
            problem("ref", _("Give each row a reference, e.g. P1.A2."))
        indicator = None
        code = _text(cells.get("indicator"))
        if level == PlanItem.Level.PROGRAMME or code:
            indicator = indicators.get(code.casefold())
            if indicator is None:
                problem(
                    "indicator", _("“%(value)s” is not an indicator code.") % {"value": code[:40]}
                )
        responsible = offices.get(_text(cells.get("responsible")).casefold())
        if responsible is None:
            problem(
                "responsible",
                _("“%(value)s” is not an office of the district.")
                % {"value": _text(cells.get("responsible"))[:60]},
            )
        found_partners = []
        for name in _text(cells.get("partners")).split(";"):
            if not name.strip():
                continue
            partner = partners.get(name.strip().casefold())
            if partner is None:
                problem(
                    "partners",
                    _("“%(value)s” is not a partner of the district.")
                    % {"value": name.strip()[:60]},
                )
            else:
                found_partners.append(partner)
        for column in ("name", "performance_indicator", "unit"):
            if not _text(cells.get(column)):
                problem(column, _("This cell is required."))
        combine_text = _text(cells.get("combine")).casefold()
        combine = COMBINE.get(combine_text) if combine_text else None
        if combine_text and combine is None:
            problem("combine", _("Use sum, latest or average."))
        row = Row(
            number=n,
            ref=ref,
            parent=_text(cells.get("parent"))[:40],
            level=level or "",
            indicator=indicator,
            budget_code=_text(cells.get("budget_code"))[:60],
            name=_text(cells.get("name"))[:300],
            responsible=responsible,
            partners=found_partners,
            performance_indicator=_text(cells.get("performance_indicator"))[:300],
            unit=_text(cells.get("unit"))[:60],
            baseline=number("baseline"),
            combine=combine,
        )
        for year in plan.years:
            row.years[year] = {f: number(f"{f}_{year}") for f in YEAR_FIELDS}
        rows.append(row)
    _check_tree(rows, problems)
    problems.sort(key=lambda p: (p.row, p.column))
    return rows, problems


def _check_tree(rows: list[Row], problems: list[Problem]) -> None:
    by_ref: dict[str, Row] = {}
    for row in rows:
        if row.ref and row.ref in by_ref:
            problems.append(
                Problem(
                    row.number,
                    "ref",
                    _("The reference %(ref)s is used on row %(row)s too.")
                    % {"ref": row.ref, "row": by_ref[row.ref].number},
                )
            )
        by_ref.setdefault(row.ref, row)
    for row in rows:
        expected = actions.PARENT_LEVEL.get(row.level) if row.level else None
        if not row.level:
            continue
        if expected is None:
            if row.parent:
                problems.append(Problem(row.number, "parent", _("A programme has no parent.")))
            continue
        parent = by_ref.get(row.parent)
        if parent is None or parent.level != expected:
            problems.append(
                Problem(
                    row.number,
                    "parent",
                    _("An activity belongs to a programme, a sub-activity to an activity."),
                )
            )
            continue
        # Parts count for their programme's indicator.
        top = parent if parent.level == PlanItem.Level.PROGRAMME else by_ref.get(parent.parent)
        if top is not None and top.indicator is not None:
            row.indicator = top.indicator


# ---- applying ---------------------------------------------------------------------------


@transaction.atomic
def apply_rows(
    *, actor: User, plan: Plan, rows: list[Row], each: Callable[[], None] | None = None
) -> dict[str, int]:
    """Write checked rows: items matched by ref are changed, new refs added, the plan's other
    items taken out. Whole or not at all."""
    actions._require_secretariat(actor, plan.region)
    found = changes(plan, rows)
    existing = {i.ref: i for i in plan.items.all()}
    order: dict[str, int] = {"programme": 0, "activity": 1, "sub_activity": 2}
    saved: dict[str, PlanItem] = {}
    created = 0
    for position, row in sorted(enumerate(rows), key=lambda p: (order[p[1].level], p[0])):
        assert row.indicator is not None and row.responsible is not None
        item = existing.get(row.ref)
        if item is None:
            item = PlanItem(plan=plan, ref=row.ref)
            created += 1
        item.parent = saved.get(row.parent) if row.parent else None
        item.level = row.level
        item.indicator = row.indicator
        item.budget_code = row.budget_code
        item.name = row.name
        item.responsible = row.responsible
        item.performance_indicator = row.performance_indicator
        item.unit = row.unit
        item.baseline = row.baseline
        item.combine = row.combine or item.combine or PlanItem.Combine.SUM
        item.order = (position + 1) * 10
        item.is_active = True
        item.save()
        item.partners.set(row.partners)
        saved[row.ref] = item
        if each is not None:
            each()
    years = {(y.item_id, y.year): y for y in PlanYear.objects.filter(item__plan=plan)}
    for row in rows:
        item = saved[row.ref]
        for year, values in row.years.items():
            target = years.get((item.pk, year)) or PlanYear(item=item, year=year)
            target.target = values["target"]
            for source in actions.SOURCES:
                setattr(target, source, values[source] or Decimal(0))
            target.save()
    removed = [i for ref, i in existing.items() if ref not in saved and i.is_active]
    for item in removed:
        item.is_active = False
        item.save(update_fields=["is_active"])
    changed = sum(1 for c in found if c["kind"] in ("changed", "restored"))
    summary = {"created": created, "changed": changed, "removed": len(removed)}
    record(
        actor=actor,
        action="plan.imported",
        obj=plan,
        region=plan.region,
        after={**summary, "removed_refs": [i.ref for i in removed], "changes": found},
    )
    return summary


def upload(*, actor: User, plan: Plan, data: IO[bytes], name: str) -> Any:
    """Keep an uploaded workbook to be checked (a ``PlanImport``, status "checking")."""
    from django.core.files.base import ContentFile

    from layak.evidence.storage import UploadRefused, save_field_file
    from layak.plans.models import PlanImport

    actions._require_secretariat(actor, plan.region)
    imp = PlanImport(
        plan=plan, name=name[:200], status=PlanImport.Status.CHECKING, uploaded_by=actor
    )
    with transaction.atomic():
        try:
            # All or nothing: a full disk leaves no partial workbook behind.
            save_field_file(imp.file, "rad.xlsx", ContentFile(data.read()))
        except UploadRefused as exc:
            raise actions.PlanError(str(exc)) from exc
        imp.save()
        record(
            actor=actor,
            action="plan.workbook_uploaded",
            obj=plan,
            region=plan.region,
            after={"import": imp.pk, "name": imp.name},
        )
    return imp


def check_upload(*, actor: User, plan: Plan, data: IO[bytes], name: str) -> Any:
    """Keep the uploaded workbook and check it at once (the dry run, without a job)."""
    imp = upload(actor=actor, plan=plan, data=data, name=name)
    with imp.file.open("rb") as fh:
        check_rows(imp, BytesIO(fh.read()))
    return imp


def check_rows(
    imp: Any, data: IO[bytes], progress: Callable[[int, int], None] | None = None
) -> None:
    """The dry run of a kept workbook: its rows, problems and what applying it would change."""
    from layak.plans.models import PlanImport

    plan = imp.plan
    rows, problems = read_workbook(plan, data, progress)
    levels: dict[str, int] = {}
    for row in rows:
        levels[row.level] = levels.get(row.level, 0) + 1
    found = changes(plan, rows) if rows and not problems else []
    kinds = [c["kind"] for c in found]
    summary = {
        "rows": len(rows),
        "levels": levels,
        "new": kinds.count("new"),
        "changed": kinds.count("changed") + kinds.count("restored"),
        "removed": kinds.count("removed"),
        "unchanged": len(rows)
        - kinds.count("new")
        - kinds.count("changed")
        - kinds.count("restored"),
        "changes": found,
    }
    imp.status = PlanImport.Status.REFUSED if problems or not rows else PlanImport.Status.CHECKED
    imp.errors = [p.as_dict() for p in problems] or (
        [] if rows else [Problem(0, "", _("The workbook has no rows.")).as_dict()]
    )
    imp.summary = summary
    imp.save(update_fields=["status", "errors", "summary"])


@transaction.atomic
def apply_import(
    *, actor: User, imp: Any, each: Callable[[], None] | None = None
) -> dict[str, int]:
    from layak.plans.models import PlanImport

    imp = PlanImport.objects.select_for_update(of=("self",)).get(pk=imp.pk)
    if imp.status != PlanImport.Status.CHECKED:
        raise actions.PlanError(_("Only a checked workbook without errors can be applied."))
    with imp.file.open("rb") as fh:
        rows, problems = read_workbook(imp.plan, BytesIO(fh.read()))
    if problems:
        raise actions.PlanError(_("The plan changed since the check; check the workbook again."))
    summary = apply_rows(actor=actor, plan=imp.plan, rows=rows, each=each)
    imp.status = PlanImport.Status.APPLIED
    imp.applied_at = timezone.now()
    imp.save(update_fields=["status", "applied_at"])
    return summary
