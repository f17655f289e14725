"""An instrument as one XLSX workbook, so the ministry or a province loads each cycle's official
instrument without code. Export then import gives the same instrument.

Sheets and columns (the first row of each sheet holds the column names):

- Instrument: ``field`` | ``value`` rows for framework_code, framework_name, label, scale_max,
  region_level, has_points, is_default_scheme, description, and optionally framework_name_en,
  description_en, label_en, reconstructed, source
- Bands: code, name, min, max, rank (optional: name_en)
- Groups: code, name, order (optional: name_en)
- Indicators: code, group, number, name, measure, order (optional: max_points, name_en)
- Questions: code, indicator, order, kind, text, guidance, max_points, direction, required,
  table_rows, table_columns, table_ratio (lists separated by "|") (optional: offices, text_en)
- Options: question, order, label, points (optional: label_en, meets)
- ScoreBands: question, from, below, points
- Evidence: question, order, document, required (optional: kind, document_en)

Optional columns may be left out, so workbooks made before they existed still load.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.utils.exceptions import InvalidFileException

from layak.core.archives import ArchiveRefused
from layak.core.numbers import FILES, NumberError, parse_number
from layak.core.workbooks import WorkbookLimits, open_workbook
from layak.frameworks.spec import (
    BandSpec,
    EvidenceSpec,
    GroupSpec,
    IndicatorSpec,
    InstrumentSpec,
    OptionSpec,
    Problem,
    QuestionSpec,
    ScoreBandSpec,
    Where,
)

SHEETS: dict[str, list[str]] = {
    "Bands": ["code", "name", "min", "max", "rank"],
    "Groups": ["code", "name", "order"],
    "Indicators": ["code", "group", "number", "name", "measure", "order"],
    "Questions": [
        "code",
        "indicator",
        "order",
        "kind",
        "text",
        "guidance",
        "max_points",
        "direction",
        "required",
        "table_rows",
        "table_columns",
        "table_ratio",
        "computed",
    ],
    "Options": ["question", "order", "label", "points"],
    "ScoreBands": ["question", "from", "below", "points"],
    "Evidence": ["question", "order", "document", "required"],
}
# Written on export, read when present.
OPTIONAL: dict[str, list[str]] = {
    "Bands": ["name_en"],
    "Groups": ["name_en"],
    "Indicators": ["max_points", "name_en"],
    "Questions": ["offices", "text_en"],
    "Options": ["label_en", "meets"],
    "Evidence": ["kind", "document_en"],
}
INSTRUMENT_FIELDS = [
    "framework_code",
    "framework_name",
    "label",
    "scale_max",
    "region_level",
    "has_points",
    "is_default_scheme",
    "description",
    "framework_name_en",
    "description_en",
    "label_en",
    "reconstructed",
    "source",
]


def _num(value: Decimal | None) -> Any:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def export_workbook(spec: InstrumentSpec) -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "Instrument"
    ws.append(["field", "value"])
    for name in INSTRUMENT_FIELDS:
        value = getattr(spec, name)
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, Decimal):
            value = _num(value)
        ws.append([name, value])
    rows: dict[str, list[list[Any]]] = {
        "Bands": [
            [b.code, b.name, _num(b.min_score), _num(b.max_score), b.rank, b.name_en]
            for b in spec.bands
        ],
        "Groups": [[g.code, g.name, g.order, g.name_en] for g in spec.groups],
        "Indicators": [
            [i.code, i.group, i.number, i.name, i.measure, i.order, _num(i.max_points), i.name_en]
            for i in spec.indicators
        ],
        "Questions": [],
        "Options": [],
        "ScoreBands": [],
        "Evidence": [],
    }
    for q in spec.questions:
        rows["Questions"].append(
            [
                q.code,
                q.indicator,
                q.order,
                q.kind,
                q.text,
                q.help_text,
                _num(q.max_points),
                q.direction,
                "yes" if q.required else "no",
                "|".join(q.table_rows),
                "|".join(q.table_columns),
                "|".join(q.table_ratio),
                q.computed,
                "|".join(q.offices),
                q.text_en,
            ]
        )
        rows["Options"] += [
            [q.code, o.order, o.label, _num(o.points), o.label_en, "yes" if o.meets else "no"]
            for o in q.options
        ]
        rows["ScoreBands"] += [
            [q.code, _num(b.lower), _num(b.upper), _num(b.points)] for b in q.score_bands
        ]
        rows["Evidence"] += [
            [q.code, e.order, e.name, "yes" if e.required else "no", e.kind, e.name_en]
            for e in q.evidence
        ]
    for title, columns in SHEETS.items():
        sheet = wb.create_sheet(title)
        sheet.append(columns + OPTIONAL.get(title, []))
        for row in rows[title]:
            sheet.append(row)
    out = BytesIO()
    wb.save(out)
    return out.getvalue()


class _Reader:
    """Reads cells with their place, collecting a problem for each unreadable one."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def rows(self, wb: Any, title: str) -> Iterator[tuple[Where, dict[str, Any]]]:
        if title not in wb.sheetnames:
            self.problems.append(Problem(title, 0, "", _("The sheet is missing.")))
            return
        ws = wb[title]
        header: list[str] = []
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if n == 1:
                header = [str(v).strip() if v is not None else "" for v in values]
                missing = [c for c in SHEETS.get(title, ["field", "value"]) if c not in header]
                for column in missing:
                    self.problems.append(Problem(title, 1, column, _("This column is missing.")))
                if missing:
                    return
                continue
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            yield Where(title, n), dict(zip(header, values, strict=False))

    def text(self, where: Where, row: dict[str, Any], column: str) -> str:
        value = row.get(column)
        return "" if value is None else str(value).strip()

    def decimal(
        self, where: Where, row: dict[str, Any], column: str, *, blank: bool = False
    ) -> Decimal | None:
        raw = row.get(column)
        if raw is None or str(raw).strip() == "":
            if blank:
                return None
            return Decimal(0)
        try:
            # The one number reader: text follows the Indonesian way (1.000 is a thousand).
            return parse_number(raw, language=FILES)
        except NumberError as exc:
            self.problems.append(Problem(where.sheet, where.row, column, str(exc)))
            return Decimal(0)

    def integer(self, where: Where, row: dict[str, Any], column: str) -> int:
        value = self.decimal(where, row, column) or Decimal(0)
        if value != value.to_integral_value():
            self.problems.append(Problem(where.sheet, where.row, column, _("Use a whole number.")))
        return int(value)

    def boolean(self, where: Where, row: dict[str, Any], column: str, default: bool) -> bool:
        value = self.text(where, row, column).lower()
        if value == "":
            return default
        if value in {"yes", "ya", "true", "1", "y"}:
            return True
        if value in {"no", "tidak", "false", "0", "n"}:
            return False
        self.problems.append(Problem(where.sheet, where.row, column, _("Use “yes” or “no”.")))
        return default


def _split_list(value: str) -> list[str]:
    return [part.strip() for part in value.split("|") if part.strip()]


# What an instrument workbook may hold: its sheets' rows (a few hundred questions and options in
# practice), columns and cells, and what it may unpack to.
LIMITS = WorkbookLimits(rows=10_000, columns=50, cells=300_000)


def read_workbook(data: IO[bytes]) -> tuple[InstrumentSpec | None, list[Problem]]:
    """Read a workbook into a spec; problems of reading (not of validity) come back with it."""
    try:
        wb = open_workbook(data, LIMITS)
    except ArchiveRefused as exc:
        return None, [Problem("", 0, "", str(exc))]
    except (InvalidFileException, KeyError, OSError, ValueError, Exception) as exc:
        del exc
        return None, [Problem("", 0, "", _("This file is not an XLSX workbook."))]
    r = _Reader()
    fields: dict[str, Any] = {}
    if "Instrument" not in wb.sheetnames:
        return None, [Problem("Instrument", 0, "", _("The sheet is missing."))]
    for n, values in enumerate(wb["Instrument"].iter_rows(values_only=True), start=1):
        if n == 1 or not values or values[0] is None:
            continue
        fields[str(values[0]).strip()] = values[1] if len(values) > 1 else None
    top = Where("Instrument")

    def field(name: str) -> dict[str, Any]:
        return {name: fields.get(name)}

    spec = InstrumentSpec(
        framework_code=r.text(top, fields, "framework_code"),
        framework_name=r.text(top, fields, "framework_name"),
        label=r.text(top, fields, "label"),
        scale_max=r.decimal(top, field("scale_max"), "scale_max") or Decimal(0),
        region_level=r.integer(top, field("region_level"), "region_level") or 2,
        has_points=r.boolean(top, fields, "has_points", True),
        is_default_scheme=r.boolean(top, fields, "is_default_scheme", False),
        description=r.text(top, fields, "description"),
        framework_name_en=r.text(top, fields, "framework_name_en"),
        description_en=r.text(top, fields, "description_en"),
        label_en=r.text(top, fields, "label_en"),
        reconstructed=r.boolean(top, fields, "reconstructed", False),
        source=r.text(top, fields, "source"),
    )
    for w, row in r.rows(wb, "Bands"):
        spec.bands.append(
            BandSpec(
                r.text(w, row, "code"),
                r.text(w, row, "name"),
                r.decimal(w, row, "min") or Decimal(0),
                r.decimal(w, row, "max") or Decimal(0),
                r.integer(w, row, "rank"),
                w,
                r.text(w, row, "name_en"),
            )
        )
    for w, row in r.rows(wb, "Groups"):
        spec.groups.append(
            GroupSpec(
                r.text(w, row, "code"),
                r.text(w, row, "name"),
                r.integer(w, row, "order"),
                w,
                r.text(w, row, "name_en"),
            )
        )
    for w, row in r.rows(wb, "Indicators"):
        spec.indicators.append(
            IndicatorSpec(
                r.text(w, row, "code"),
                r.text(w, row, "group"),
                r.text(w, row, "name"),
                r.integer(w, row, "number"),
                r.text(w, row, "measure"),
                r.integer(w, row, "order"),
                w,
                r.decimal(w, row, "max_points", blank=True),
                r.text(w, row, "name_en"),
            )
        )
    questions: dict[str, QuestionSpec] = {}
    for w, row in r.rows(wb, "Questions"):
        q = QuestionSpec(
            code=r.text(w, row, "code"),
            indicator=r.text(w, row, "indicator"),
            kind=r.text(w, row, "kind"),
            text=r.text(w, row, "text"),
            max_points=r.decimal(w, row, "max_points") or Decimal(0),
            order=r.integer(w, row, "order"),
            help_text=r.text(w, row, "guidance"),
            direction=r.text(w, row, "direction") or "higher",
            required=r.boolean(w, row, "required", True),
            table_rows=_split_list(r.text(w, row, "table_rows")),
            table_columns=_split_list(r.text(w, row, "table_columns")),
            table_ratio=_split_list(r.text(w, row, "table_ratio")),
            computed=r.text(w, row, "computed"),
            offices=_split_list(r.text(w, row, "offices")),
            text_en=r.text(w, row, "text_en"),
            where=w,
        )
        spec.questions.append(q)
        questions.setdefault(q.code, q)

    def owner(w: Where, row: dict[str, Any]) -> QuestionSpec | None:
        code = r.text(w, row, "question")
        q = questions.get(code)
        if q is None:
            r.problems.append(
                Problem(
                    w.sheet,
                    w.row,
                    "question",
                    _("No question has the code “%(code)s”.") % {"code": code},
                )
            )
        return q

    for w, row in r.rows(wb, "Options"):
        if (owned := owner(w, row)) is not None:
            owned.options.append(
                OptionSpec(
                    r.text(w, row, "label"),
                    r.decimal(w, row, "points") or Decimal(0),
                    r.integer(w, row, "order"),
                    w,
                    r.text(w, row, "label_en"),
                    r.boolean(w, row, "meets", False),
                )
            )
    for w, row in r.rows(wb, "ScoreBands"):
        if (owned := owner(w, row)) is not None:
            owned.score_bands.append(
                ScoreBandSpec(
                    r.decimal(w, row, "from", blank=True),
                    r.decimal(w, row, "below", blank=True),
                    r.decimal(w, row, "points") or Decimal(0),
                    w,
                )
            )
    for w, row in r.rows(wb, "Evidence"):
        if (owned := owner(w, row)) is not None:
            owned.evidence.append(
                EvidenceSpec(
                    r.text(w, row, "document"),
                    r.boolean(w, row, "required", False),
                    r.integer(w, row, "order"),
                    w,
                    r.text(w, row, "kind") or "document",
                    r.text(w, row, "document_en"),
                )
            )
    wb.close()
    return spec, r.problems
