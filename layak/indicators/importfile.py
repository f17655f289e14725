"""Reading an uploaded CSV or XLSX of values (layout in docs/indicator-data.md) and running the
kept upload through ``actions.import_cells`` (``import_rows`` of its lines read as cells): checked
first (dry run), applied on confirmation."""

from __future__ import annotations

import csv
import datetime
import io
import operator
import re
from collections.abc import Iterable
from decimal import Decimal
from typing import IO, Any

from django.core.files import File
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from openpyxl import Workbook

from layak.accounts.models import User
from layak.audit.log import record
from layak.core.archives import ArchiveRefused
from layak.core.numbers import FILES
from layak.core.workbooks import WorkbookLimits, open_workbook
from layak.indicators import actions, bulk, staged
from layak.indicators import disaggregation as dis
from layak.indicators.models import DataElement, DataImport, can_enter
from layak.organisations.models import Organisation
from layak.regions.models import Region

MAX_BYTES = 10 * 1024 * 1024
# What a workbook of values may hold: the rows an import takes and its header, the columns of
# the layout with room to spare, and what it may unpack to (docs/indicator-data.md).
LIMITS = WorkbookLimits(rows=actions.MAX_ROWS + 1, columns=50, cells=500_000)
ALIASES = {
    "element": "element",
    "data_element": "element",
    "elemen": "element",
    "kode_elemen": "element",
    "region": "region",
    "region_code": "region",
    "kode_wilayah": "region",
    "period": "period",
    "periode": "period",
    "disaggregation": "disaggregation",
    "disagregasi": "disaggregation",
    "value": "value",
    "nilai": "value",
    "organisation": "organisation",
    "organization": "organisation",
    "opd": "organisation",
    "dataset": "dataset",
    "sumber_data": "dataset",
    "source_date": "source_date",
    "tanggal_sumber": "source_date",
    "comment": "comment",
    "catatan": "comment",
}
# The columns as the Indonesian template names them (each one of the ``ALIASES``).
INDONESIAN = {
    "element": "elemen",
    "region": "kode_wilayah",
    "period": "periode",
    "disaggregation": "disagregasi",
    "value": "nilai",
    "organisation": "opd",
    "dataset": "sumber_data",
    "source_date": "tanggal_sumber",
    "comment": "catatan",
}


class FileError(actions.IndicatorDataError):
    """The file cannot be read at all."""


def _own_names(cells: list[Any]) -> dict[str, str]:
    """Each column's name as the file writes it ("kode_wilayah" for region), where it differs
    from the documented one: problems name the column the person sees."""
    own: dict[str, str] = {}
    for cell in cells:
        written = str(cell or "").strip()
        name = ALIASES.get(written.lower().replace(" ", "_").replace("-", "_"))
        if name is not None and name not in own and written != name:
            own[name] = written
    return own


def _header(cells: list[Any]) -> list[str | None]:
    names: list[str | None] = []
    for cell in cells:
        text = str(cell or "").strip().lower().replace(" ", "_").replace("-", "_")
        names.append(ALIASES.get(text))
    missing = [c for c in actions.REQUIRED if c not in names]
    if missing:
        raise FileError(
            _("The first row must name the columns; missing: %(columns)s.")
            % {"columns": ", ".join(missing)}
        )
    return names


def _rows(header: list[str | None], lines: Any) -> list[dict[str, Any]]:
    """The rows with values, each knowing its line in the file (``actions.ROW``); blank lines
    are skipped, as the workbooks do, so a blank line between rows refuses nothing."""
    rows: list[dict[str, Any]] = []
    unnamed = None in header
    # Each line is a list (CSV) or a tuple (XLSX) of its cells.
    for number, cells in enumerate(lines, start=2):
        first = cells[0] if cells else None
        if not (type(first) is str and first.strip()) and not any(
            str(c).strip() for c in cells if c is not None
        ):
            continue
        # Cells past the header's columns are left out, as are columns it does not name.
        row: dict[Any, Any] = dict(zip(header, cells, strict=False))
        if unnamed:
            row.pop(None, None)
        row[actions.ROW] = number
        rows.append(row)
        if len(rows) > actions.MAX_ROWS + 1:
            break
    return rows


def _csv_cells(header: list[str | None], lines: Iterable[list[str]]) -> list[list[Any]]:
    """The CSV lines with values as ``actions.import_cells`` takes them, read straight from
    the lines: what ``_rows`` then ``actions.cells_of`` give, without a dict per row."""
    named = [name for name in header if name is not None]
    if len(set(named)) != len(named):
        # A column named twice: a short line takes the first one's cell (``_rows``).
        return actions.cells_of(_rows(header, lines))
    width = len(header)
    where = {name: i for i, name in enumerate(header) if name is not None}
    # Each cell's place in a line padded with one empty cell (a column the file lacks).
    pick = operator.itemgetter(*(where.get(name, width) for name in (*actions._CELLS, "value")))
    padding = [""] * width
    strip = str.strip
    value_at = where["value"]
    cells: list[list[Any]] = []
    add = cells.append
    for number, line in enumerate(lines, start=2):
        if not (line and line[0].strip()) and not any(c.strip() for c in line):
            continue
        length = len(line)
        if length != width:
            line = (line + padding)[:width]
        line.append("")
        row: list[Any] = list(map(strip, pick(line)))
        if length <= value_at:
            row[-1] = None  # no value cell at all, as in a row without one
        row.append(number)
        add(row)
        if len(cells) > actions.MAX_ROWS + 1:
            break
    return cells


def read(name: str, fh: IO[bytes]) -> list[dict[str, Any]]:
    """The rows of a CSV (UTF-8, comma or semicolon separated) or XLSX (first sheet) file, as
    dicts keyed by column with their line number; blank lines are skipped."""
    return _read(name, fh)[0]


def _read(name: str, fh: IO[bytes], *, cells: bool = False) -> tuple[list[Any], dict[str, str]]:
    """``read``, with the columns' names as the file writes them (``_own_names``); with
    ``cells``, the rows as ``actions.import_cells`` takes them."""
    data = fh.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise FileError(_("The file is larger than 10 MB."))
    if name.lower().endswith(".xlsx"):
        try:
            book = open_workbook(io.BytesIO(data), LIMITS)
        except ArchiveRefused as exc:
            raise FileError(str(exc)) from exc
        except Exception as exc:  # openpyxl raises many kinds on a damaged file
            raise FileError(_("The file is not a readable XLSX workbook.")) from exc
        sheet = book.worksheets[0]
        lines = sheet.iter_rows(values_only=True)
        first = next(lines, None)
        if first is None:
            raise FileError(_("The file is empty."))
        rows = _rows(_header(list(first)), lines)
        return actions.cells_of(rows) if cells else rows, _own_names(list(first))
    if name.lower().endswith(".csv"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise FileError(_("Save the CSV file as UTF-8.")) from exc
        if not text.strip():
            raise FileError(_("The file is empty."))
        first_line = text.splitlines()[0]
        delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = next(reader)
        names = _header(header)
        return _csv_cells(names, reader) if cells else _rows(names, reader), _own_names(header)
    raise FileError(_("Upload a .csv or .xlsx file."))


@transaction.atomic
def upload(*, actor: User, region: Region, data: File[bytes], name: str, mode: str) -> DataImport:
    """Keep an uploaded file for checking; refuses what cannot be a data file."""
    if not can_enter(actor, region):
        raise actions.IndicatorDataError(_("You cannot enter data for this district."))
    if mode not in DataImport.Mode.values:
        raise actions.IndicatorDataError(_("Choose how rows with errors are handled."))
    name = (name or "data").rsplit("/", 1)[-1][:200]
    if not name.lower().endswith((".csv", ".xlsx")):
        raise FileError(_("Upload a .csv or .xlsx file."))
    if (data.size or 0) > MAX_BYTES:
        raise FileError(_("The file is larger than 10 MB."))
    imp = DataImport(
        region=region, name=name, mode=mode, status=DataImport.Status.CHECKING, uploaded_by=actor
    )
    imp.file.save(name, data, save=False)
    imp.save()
    record(
        actor=actor,
        action="indicators.import_uploaded",
        obj=imp,
        region=region,
        after={"name": name, "mode": mode},
    )
    return imp


@transaction.atomic
def confirm(*, actor: User, imp: DataImport) -> DataImport:
    """Mark a checked upload for applying (the apply job refuses anything else, so a file is
    applied once)."""
    imp = DataImport.objects.select_for_update(of=("self",)).defer("checked").get(pk=imp.pk)
    if imp.status != DataImport.Status.CHECKED:
        raise actions.IndicatorDataError(_("Only a checked file can be applied, once."))
    if not can_enter(actor, imp.region):
        raise actions.IndicatorDataError(_("You cannot enter data for this district."))
    imp.status = DataImport.Status.APPLYING
    imp.save(update_fields=["status"])
    return imp


@transaction.atomic
@actions.collector_paused()
def run(imp: DataImport, *, actor: User, apply: bool) -> actions.Result:
    """Check (``apply`` False) or apply the kept upload; the outcome is stored on it in the same
    transaction as the values, so a run cut off midway leaves nothing and can start over.

    The check keeps its checked rows on the upload (``DataImport.checked``) with what they
    depend on (``_inputs``); applying takes them when that is unchanged, so a file is read and
    its rows checked once, and reads and checks the file again otherwise. A check that found
    the file only adds values keeps its plan (``actions.Plan``): applied with nothing changed,
    those values are written as they are (``actions.apply_planned``); otherwise the stored
    values and the validation rules are asked again. The garbage collector is paused
    meanwhile (``actions.collector_paused``): the rows are many small objects and no cycles.
    The result returned holds no checked rows or plan (``Result.checked``, ``Result.plan``)."""
    if not apply and connection.vendor == "postgresql":
        # A check's outcome need not wait for the disk at its commit: the job that runs it
        # records its end in a later transaction that does wait, which writes this one's too
        # (the log is written in order). Cut off before that, the job is run again.
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit TO OFF")
    inputs = _inputs(imp, actor)
    kept = imp.checked
    own: dict[str, str] = (kept or {}).get("own") or {}
    try:
        written = (
            staged.apply(imp, actor=actor, kept=kept)
            if apply and kept is not None and staged.kept(kept, inputs)
            else None
        )
        planned = _planned(kept, inputs) if apply and written is None else None
        checked = _kept(kept, inputs) if apply and written is None and planned is None else None
        if written is not None:
            result = written
        elif planned is not None and kept is not None:
            creates, unchanged, errors = planned
            result = actions.apply_planned(
                actor=actor,
                creates=creates,
                unchanged=unchanged,
                errors=errors,
                rows=kept["rows"],
                data_import=imp,
            )
        elif checked is not None and kept is not None:
            result = actions.apply_checked(
                actor=actor,
                checked=checked,
                rows=kept["rows"],
                mode=imp.mode,
                data_import=imp,
            )
        else:
            with imp.file.open("rb") as fh:
                rows, own = _read(imp.name, fh, cells=True)
            if not rows:
                raise FileError(_("The file has no rows of values."))
            result = actions.import_cells(
                actor=actor,
                cells=rows,
                mode=imp.mode,
                dry_run=not apply,
                district=imp.region,
                language=FILES,
                data_import=imp if apply else None,
            )
    except actions.IndicatorDataError as exc:
        result = actions.Result(errors=[actions.Problem(0, "", str(exc))])
    imp.errors = [
        p.as_dict() | {"column": own.get(p.column, p.column)} for p in result.errors[:1000]
    ]
    imp.summary = result.summary()
    if not apply and result.sample:
        labels: dict[int, dict[str, str]] = {}
        imp.summary["sample"] = [_sampled(entry, before, labels) for entry, before in result.sample]
    # Refused: any error when the file goes all or nothing; in row-by-row mode, errors and no
    # valid row that would change anything (there is nothing to apply).
    refused = bool(result.errors) and (
        imp.mode == DataImport.Mode.ALL_OR_NOTHING or not result.changed
    )
    if kept and kept.get("layout") == staged.LAYOUT:
        # Applied, refused or checked again: the upload is not applied from them. An upload
        # whose kept check staged nothing has nothing staged (``staged.keep``).
        staged.forget(imp)
    imp.checked = None
    if apply and result.applied:
        imp.status = DataImport.Status.APPLIED
        imp.applied_at = timezone.now()
        record(
            actor=actor,
            action="indicators.import_applied",
            obj=imp,
            region=imp.region,
            after=result.summary(),
        )
    elif refused or not result.rows:
        imp.status = DataImport.Status.REFUSED
    else:
        imp.status = DataImport.Status.CHECKED
        if not apply and result.checked is not None:
            imp.checked = (staged.keep(imp, result) or _keep(result, inputs)) | {
                "inputs": inputs,
                "own": own,
            }
    imp.save(update_fields=["errors", "summary", "status", "applied_at", "checked"])
    # What the run checked is kept on the upload (or staged): the caller is given the counts,
    # the problems and the sample, and the checked rows are freed as the run ends, before the
    # garbage collector runs again (it would otherwise walk them, and keep walking them).
    result.checked = result.plan = None
    return result


def _sampled(
    entry: actions.Entry, before: Decimal | None, labels: dict[int, dict[str, str]]
) -> dict[str, Any]:
    """A value the checked file would change, as its check page shows it: the row, the
    element, region, period and group in words, and the value before and after (None: none).
    ``labels`` keeps each element's groups in words (``disaggregation.labels``)."""
    key = entry.disaggregation
    words = labels.get(entry.element.id)
    if words is None and key:
        words = labels[entry.element.id] = dis.labels(entry.element)
    return {
        "row": entry.row,
        "element": entry.element.name,
        "region": entry.region.name,
        "period": entry.period,
        "group": words.get(key, key) if words is not None and key else "",
        "before": None if before is None else str(before),
        "after": None if entry.value is None else str(entry.value),
    }


def _inputs(imp: DataImport, actor: User) -> dict[str, Any]:
    """What the rows' own checks depend on besides the file: the person and their language,
    the day (a period must have begun), the mode, and the data version of the district
    (``reports.versions.data_stamp``: every change to definitions, regions, offices,
    memberships and values is audited, so an unchanged stamp means none of them changed)."""
    from layak.reports.versions import data_stamp

    return {
        "actor": actor.pk,
        "language": get_language(),
        "day": timezone.localdate().isoformat(),
        "mode": imp.mode,
        "stamp": data_stamp(imp.region),
    }


# The layout of the kept rows (``_keep``): each row one line of tab-separated fields, written
# as COPY's text format writes them (text escaped, None as ``\N``). Kept rows of another layout
# are not taken: the file is checked again.
LAYOUT = 2
_NULL = bulk.NULL
_UNESCAPES = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r"}


def _field(text: str) -> str:
    """A kept text field read back (``bulk._text`` undone)."""
    if "\\" not in text:
        return text
    return re.sub(r"\\(.)", lambda m: _UNESCAPES.get(m[1], m[1]), text)


def _line(e: actions.Entry) -> str:
    """A checked entry as one kept line: its row, element id, region id, period,
    disaggregation, value (as text), office id, dataset, source date and comment."""
    period, key, dataset, comment = e.period, e.disaggregation, e.dataset, e.comment
    texts = period + key + dataset + comment
    if "\\" in texts or "\t" in texts or "\n" in texts or "\r" in texts:
        text = bulk._text
        period, key, dataset, comment = text(period), text(key), text(dataset), text(comment)
    return (
        f"{e.row}\t{e.element.id}\t{e.region.id}\t{period}\t{key}\t"
        f"{_NULL if e.value is None else e.value}\t"
        f"{_NULL if e.organisation is None else e.organisation.id}\t{dataset}\t"
        f"{_NULL if e.source_date is None else e.source_date.isoformat()}\t{comment}"
    )


def _keep(result: actions.Result, inputs: dict[str, Any]) -> dict[str, Any]:
    """The checked rows as JSON, one line of text each (``_line``: a list of lines costs the
    database a small part of what a list of lists does); with the check's ``Plan`` when it
    only adds values."""
    assert result.checked is not None
    plan = result.plan
    return {
        "inputs": inputs,
        "layout": LAYOUT,
        "rows": result.rows,
        "plan": None if plan is None else _plan_json(plan, len(result.checked.entries)),
        "errors": [p.as_dict() for p in result.checked.errors],
        "entries": [_line(e) for e in result.checked.entries],
    }


def _entries(kept: dict[str, Any]) -> list[list[str]] | None:
    """The kept lines split into their fields (None: kept in another layout)."""
    if kept.get("layout") != LAYOUT:
        return None
    return [line.split("\t") for line in kept["entries"]]


def _plan_json(plan: actions.Plan, entries: int) -> dict[str, Any]:
    """The plan as JSON: the positions of the entries it creates (None: all of them, in order,
    as in most files) and each period's first day once."""
    return {
        "creates": None if plan.creates == list(range(entries)) else plan.creates,
        "starts": {period: start.isoformat() for period, start in plan.starts.items()},
        "unchanged": plan.unchanged,
        "errors": [p.as_dict() for p in plan.errors],
    }


def _planned(
    kept: dict[str, Any] | None, inputs: dict[str, Any]
) -> tuple[list[bulk.NewValue] | bulk.Lines, int, list[actions.Problem]] | None:
    """The values the check planned to add (on PostgreSQL the kept lines as ``bulk.create``
    copies them), its count of unchanged rows and its problems, when what it was checked
    against is unchanged (None otherwise, or when the check found stored values to change):
    read straight from the kept rows, no model instance per row.
    An unchanged data stamp (``_inputs``) means no definition, rule, office or stored value of
    the district changed since, so the check's outcome stands."""
    if not kept or kept.get("inputs") != inputs or not kept.get("plan"):
        return None
    if kept.get("layout") != LAYOUT:
        return None
    rows: list[str] = kept["entries"]
    plan = kept["plan"]
    if plan["creates"] is not None:
        rows = [rows[index] for index in plan["creates"]]
    errors = [actions.Problem(p["row"], p["column"], p["message"]) for p in plan["errors"]]
    if connection.vendor == "postgresql":
        # The kept lines are already in COPY's text format: each loses its row number and
        # gains its period's first day, and is written as it is.
        starts = {bulk._text(period): start for period, start in plan["starts"].items()}
        lines = bulk.Lines()
        add = lines.append
        for line in rows:
            _row, element, region, period, rest = line.split("\t", 4)
            add(f"{element}\t{region}\t{period}\t{starts[period]}\t{rest}")
        return lines, plan["unchanged"], errors
    number = Decimal
    day = datetime.date.fromisoformat
    field = _field
    null = _NULL
    dates = {period: day(start) for period, start in plan["starts"].items()}
    creates = []
    for line in rows:
        _row, element, region, period, key, value, office, dataset, source, comment = line.split(
            "\t"
        )
        period = field(period)
        creates.append(
            bulk.NewValue(
                int(element),
                int(region),
                period,
                dates[period],
                field(key),
                number(value),
                None if office == null else int(office),
                field(dataset),
                None if source == null else day(source),
                field(comment),
            )
        )
    return creates, plan["unchanged"], errors


def _kept(kept: dict[str, Any] | None, inputs: dict[str, Any]) -> actions.Checked | None:
    """The rows the check kept, when what they depend on is unchanged (None otherwise)."""
    if not kept or kept.get("inputs") != inputs:
        return None
    lines = _entries(kept)
    if lines is None:
        return None
    null = _NULL
    rows = [
        (
            int(row),
            int(element),
            int(region),
            _field(period),
            _field(key),
            None if value == null else Decimal(value),
            None if office == null else int(office),
            _field(dataset),
            None if source == null else datetime.date.fromisoformat(source),
            _field(comment),
        )
        for row, element, region, period, key, value, office, dataset, source, comment in lines
    ]
    elements = DataElement.objects.in_bulk({r[1] for r in rows})
    regions = Region.objects.in_bulk({r[2] for r in rows})
    offices = Organisation.objects.in_bulk({r[6] for r in rows if r[6] is not None})
    entries: list[actions.Entry] = []
    for row, element, region, period, key, value, office, dataset, source, comment in rows:
        if element not in elements or region not in regions:
            return None
        if office is not None and office not in offices:
            return None
        entries.append(
            actions.Entry(
                row,
                elements[element],
                regions[region],
                period,
                key,
                value,
                None if office is None else offices[office],
                dataset,
                source,
                comment,
            )
        )
    errors = [actions.Problem(p["row"], p["column"], p["message"]) for p in kept["errors"]]
    return actions.Checked(entries, errors)


def template(
    district: str = "32.16",
    offices: tuple[str, str] = ("Disdukcapil", "Dinkes"),
    year: int = 2025,
    language: str = "en",
) -> bytes:
    """An XLSX whose first sheet ("Data", the one an import reads) holds only the columns, and
    a second sheet ("Contoh") two example rows for ``district``, entered by ``offices`` for
    ``year``: the examples show how rows are written in the person's own codes, and the file
    uploaded unchanged adds nothing (its made-up figures never replace real ones). The
    columns are named in ``language`` (Indonesian: ``INDONESIAN``); the import reads both."""
    columns = actions.COLUMNS
    if language.startswith("id"):
        columns = [INDONESIAN[c] for c in columns]
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    sheet.append(columns)
    example = book.create_sheet(_("Example")[:31])
    example.append(columns)
    example.append(
        [
            "birth_certificates",
            district,
            str(year),
            "sex=F",
            "512340",
            offices[0],
            f"DKB Semester II {year}",
            f"{year}-12-31",
            "",
        ]
    )
    example.append(
        [
            "births",
            district,
            str(year),
            "",
            "61250",
            offices[1],
            "Profil Kesehatan",
            "",
            "",
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
