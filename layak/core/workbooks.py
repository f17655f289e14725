"""An uploaded XLSX workbook checked against its import's limits before openpyxl opens it.

Every import of a workbook states its limits (``WorkbookLimits``: rows, columns, cells and
what the workbook may inflate to) and opens the upload with ``open_workbook``. The check costs
what the limits allow, never what the file claims:

- the archive is checked first (``layak.core.archives.check_archive``): its parts, and what
  they inflate to, counted in steps, against ``size``;
- then every XML part is read once by a streaming parser that builds nothing: a document type
  declaration (which could define entities that expand) is refused; in each worksheet the
  declared dimension, every row number and every cell's column are checked against ``rows``
  and ``columns``, and the cells are counted against ``cells``; the shared strings count
  against ``cells`` too. The first value past a limit stops the reading.

openpyxl fills missing rows and the cells of a row up to the widest column in read-only mode,
so bounding the row numbers and columns also bounds what it yields. Messages name the limit
in the reader's language.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from typing import IO, Any
from xml.parsers import expat

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from layak.core.archives import MB, ArchiveDamaged, ArchiveLimits, ArchiveRefused, check_archive
from layak.core.numbers import format_number

_STEP = 1 << 16
_CELL = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_SHEET = re.compile(r"xl/worksheets/[^/]+\.xml$")


class WorkbookRefused(ArchiveRefused):
    """The workbook is over one of its import's limits; ``str()`` says which."""


class NotAWorkbook(ValueError):
    """Not a ZIP archive, or its XML cannot be read: each import says so in its own words, as
    it does for what openpyxl cannot read."""


@dataclass(frozen=True)
class WorkbookLimits:
    rows: int
    """Rows in any sheet, the header included (the highest row number)."""
    columns: int
    """Columns in any sheet (the rightmost column that holds a cell)."""
    cells: int
    """Cells in the whole workbook, and distinct texts (shared strings)."""
    size: int = 50 * MB
    """What the workbook may inflate to, in bytes, all its parts together."""
    parts: int = 1_000
    """Files inside the workbook."""


def _column(letters: str) -> int:
    number = 0
    for letter in letters.upper():
        number = number * 26 + ord(letter) - 64
    return number


def _too_many(what: str, limit: int) -> WorkbookRefused:
    count = format_number(limit, places=0)
    messages = {
        "rows": _("A sheet of the workbook has more than %(count)s rows; at most %(count)s."),
        "columns": _("A sheet of the workbook has more than %(count)s columns; at most %(count)s."),
        "cells": _("The workbook has more than %(count)s cells; at most %(count)s."),
    }
    return WorkbookRefused(messages[what] % {"count": count})


class _Scan:
    """Counts one XML part while expat reads it; raises at the first value past a limit."""

    def __init__(self, limits: WorkbookLimits, cells: int, *, sheet: bool, strings: bool):
        self.limits = limits
        self.cells = cells
        self.sheet = sheet
        self.strings = strings
        self.row = 0
        self.column = 0

    def _check(self, row: int, column: int) -> None:
        if row > self.limits.rows:
            raise _too_many("rows", self.limits.rows)
        if column > self.limits.columns:
            raise _too_many("columns", self.limits.columns)

    def _reference(self, value: str | None) -> tuple[int, int] | None:
        match = _CELL.match(value or "")
        return (int(match[2]), _column(match[1])) if match else None

    def start(self, name: str, attrs: dict[str, str]) -> None:
        local = name.rpartition(":")[2]
        if self.strings and local == "si":
            self._count()
        if not self.sheet:
            return
        if local == "row":
            self.row = int(attrs["r"]) if attrs.get("r", "").isdigit() else self.row + 1
            self.column = 0
            self._check(self.row, 0)
        elif local == "c":
            found = self._reference(attrs.get("r"))
            self.column = found[1] if found else self.column + 1
            self._check(self.row, self.column)
            self._count()
        elif local == "dimension":
            last = self._reference(attrs.get("ref", "").rpartition(":")[2])
            if last is not None:
                self._check(*last)

    def _count(self) -> None:
        self.cells += 1
        if self.cells > self.limits.cells:
            raise _too_many("cells", self.limits.cells)


def _doctype(*args: Any) -> None:
    raise WorkbookRefused(_("The workbook holds a document type declaration; save it again."))


def check_workbook(file: IO[bytes], limits: WorkbookLimits) -> None:
    """Raise ``ArchiveRefused`` (a ``WorkbookRefused`` for rows, columns and cells) unless the
    XLSX ``file`` is within ``limits``, ``NotAWorkbook`` when its XML cannot be read; leaves
    ``file`` at its start."""
    check_archive(
        file, ArchiveLimits(members=limits.parts, member_size=limits.size, total_size=limits.size)
    )
    cells = 0
    try:
        with zipfile.ZipFile(file) as archive:
            for info in archive.infolist():
                if not info.filename.endswith((".xml", ".rels")):
                    continue
                scan = _Scan(
                    limits,
                    cells,
                    sheet=bool(_SHEET.match(info.filename)),
                    strings=info.filename == "xl/sharedStrings.xml",
                )
                parser = expat.ParserCreate()
                parser.StartElementHandler = scan.start
                parser.StartDoctypeDeclHandler = _doctype
                with archive.open(info) as part:
                    while chunk := part.read(_STEP):
                        parser.Parse(chunk, False)
                    parser.Parse(b"", True)
                cells = scan.cells
    except (expat.ExpatError, zipfile.BadZipFile) as exc:
        raise NotAWorkbook(str(exc)) from exc
    finally:
        file.seek(0)


def open_workbook(file: IO[bytes], limits: WorkbookLimits) -> Workbook:
    """``check_workbook``, then openpyxl's read-only workbook of values. A file that is not a
    workbook at all raises ``NotAWorkbook`` or what openpyxl raises; callers say "not a
    workbook" for any exception but ``ArchiveRefused``, whose message names the limit."""
    try:
        check_workbook(file, limits)
    except ArchiveDamaged as exc:
        raise NotAWorkbook(str(exc)) from exc
    return load_workbook(file, read_only=True, data_only=True)
