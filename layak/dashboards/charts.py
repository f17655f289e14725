"""Figures of a dashboard as tables, each drawn as a chart and downloadable as CSV.

A dashboard builds ``Table`` objects from aggregates the database computed; the same table is
the chart's data (drawn here as inline SVG, server-side, so a chart needs no script and no
style attribute), its accessible table view and its CSV download. Only the geometry of the
drawing is computed in Python.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO

from django.http import HttpResponse

# Colour-blind friendly (Okabe-Ito), one per series.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
WIDTH = 640
LABEL_WIDTH = 190
ROW_HEIGHT = 22
LINE_HEIGHT = 220


@dataclass
class Column:
    label: str
    # Numbers are right-aligned and may be drawn; text columns are only in the table.
    numeric: bool = True
    # Drawn as a series of the chart.
    series: bool = True


@dataclass
class Segment:
    x: float
    width: float
    y: float
    height: float
    colour: str
    title: str


@dataclass
class BarRow:
    label: str
    y: float
    segments: list[Segment]


@dataclass
class Line:
    label: str
    colour: str
    points: str
    dots: list[tuple[float, float, str]]


@dataclass
class Drawing:
    kind: str
    height: int
    rows: list[BarRow] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    legend: list[tuple[float, float, str, str]] = field(default_factory=list)
    width: int = WIDTH
    label_width: int = LABEL_WIDTH
    plot_right: int = WIDTH - 10
    total_height: int = 0


@dataclass
class Table:
    """One figure: ``rows`` start with the row label; ``columns`` name every cell."""

    key: str
    title: str
    columns: list[Column]
    rows: list[list[object]]
    # "stacked" (parts of a whole per row), "bars" (series side by side per row), "lines"
    # (series over the rows, e.g. cycles or periods), "" (a table without a chart).
    chart: str = "bars"
    note: str = ""
    links: list[str | None] = field(default_factory=list)
    # Scale of "bars" when the numbers are shares (percentages): 0..100.
    max_value: Decimal | None = None
    csv_url: str = ""
    # Only the first rows are drawn (e.g. not a total row); None: all.
    drawn_rows: int | None = None

    @property
    def series(self) -> list[tuple[int, Column]]:
        return [(i, c) for i, c in enumerate(self.columns) if i > 0 and c.numeric and c.series]

    @property
    def view_rows(self) -> list[tuple[object, str | None, list[tuple[object, bool]]]]:
        """Per row for the table view: its label, its link, and its other cells with whether
        each is a number."""
        links = self.links or []
        numeric = [c.numeric for c in self.columns[1:]]
        return [
            (row[0], links[i] if i < len(links) else None, list(zip(row[1:], numeric, strict=True)))
            for i, row in enumerate(self.rows)
        ]

    @property
    def _drawn(self) -> list[list[object]]:
        return self.rows if self.drawn_rows is None else self.rows[: self.drawn_rows]

    def drawing(self) -> Drawing | None:
        if not self.chart or not self._drawn or not self.series:
            return None
        if self.chart == "lines":
            return self._lines()
        return self._bars(stacked=self.chart == "stacked")

    def _legend(self, top: float) -> list[tuple[float, float, str, str]]:
        """Legend entries (x, y, label, colour), four to a line below the plot."""
        return [
            (
                10 + (n % 4) * 155,
                top + (n // 4) * 16,
                _short(c.label, 24),
                PALETTE[n % len(PALETTE)],
            )
            for n, (_i, c) in enumerate(self.series)
        ]

    def _legend_height(self) -> int:
        return 16 * ((len(self.series) + 3) // 4) + 4

    def _bars(self, *, stacked: bool) -> Drawing:
        series = self.series
        per_row = 1 if stacked else len(series)
        band = ROW_HEIGHT * per_row + 8
        values = [[_number(row[i]) for i, _c in series] for row in self._drawn]
        if stacked:
            top = max((sum(v, 0.0) for v in values), default=0.0)
        else:
            top = max((x for v in values for x in v), default=0.0)
        if self.max_value is not None:
            top = max(top, float(self.max_value))
        top = top or 1.0
        span = WIDTH - 10 - LABEL_WIDTH
        out: list[BarRow] = []
        for r, (row, numbers) in enumerate(zip(self._drawn, values, strict=True)):
            y = 4 + r * band
            x = float(LABEL_WIDTH)
            segments: list[Segment] = []
            for n, ((_i, column), value) in enumerate(zip(series, numbers, strict=True)):
                width = span * value / top
                title = f"{row[0]} · {column.label}: {_text(row[_i])}"
                colour = PALETTE[n % len(PALETTE)]
                if stacked:
                    segments.append(Segment(x, width, y, ROW_HEIGHT - 4, colour, title))
                    x += width
                else:
                    segments.append(
                        Segment(x, width, y + n * ROW_HEIGHT, ROW_HEIGHT - 4, colour, title)
                    )
            out.append(BarRow(_short(str(row[0])), y + band / 2 - 4, segments))
        ticks = [(LABEL_WIDTH + span * f, _tick(top * f)) for f in (0, 0.25, 0.5, 0.75, 1)]
        height = 4 + band * len(self._drawn) + 18
        return Drawing(
            kind="bars",
            height=height,
            rows=out,
            ticks=ticks,
            legend=self._legend(height + 4),
            total_height=height + 4 + self._legend_height(),
        )

    def _lines(self) -> Drawing:
        series = self.series
        values = [[_maybe(row[i]) for i, _c in series] for row in self._drawn]
        top = max((x for v in values for x in v if x is not None), default=0.0)
        if self.max_value is not None:
            top = max(top, float(self.max_value))
        top = top or 1.0
        left, right, bottom, height = 80.0, WIDTH - 80.0, LINE_HEIGHT - 30.0, LINE_HEIGHT - 50.0
        steps = max(len(self._drawn) - 1, 1)
        xs = [
            left + (right - left) * (r / steps if len(self._drawn) > 1 else 0.5)
            for r in range(len(self._drawn))
        ]
        lines: list[Line] = []
        for n, (_i, column) in enumerate(series):
            colour = PALETTE[n % len(PALETTE)]
            points: list[tuple[float, float, str]] = []
            for r, row in enumerate(self._drawn):
                value = values[r][n]
                if value is None:
                    continue
                y = bottom - height * value / top
                points.append((xs[r], y, f"{row[0]} · {column.label}: {_text(row[_i])}"))
            lines.append(
                Line(
                    column.label,
                    colour,
                    " ".join(f"{x:.1f},{y:.1f}" for x, y, _t in points),
                    points,
                )
            )
        ticks = [(bottom - height * f, _tick(top * f)) for f in (0, 0.5, 1)]
        # Every label when they fit, otherwise about eight of them.
        every = max(1, -(-len(xs) // 8))
        labels = [
            BarRow(_short(str(row[0]), 22), xs[r], [])
            for r, row in enumerate(self._drawn)
            if r % every == 0 or r == len(xs) - 1
        ]
        return Drawing(
            kind="lines",
            height=LINE_HEIGHT,
            rows=labels,
            lines=lines,
            ticks=ticks,
            label_width=int(left),
            plot_right=int(right),
            legend=self._legend(LINE_HEIGHT + 4),
            total_height=LINE_HEIGHT + 4 + self._legend_height(),
        )


def _number(value: object) -> float:
    got = _maybe(value)
    return max(got, 0.0) if got is not None else 0.0


def _maybe(value: object) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float | Decimal):
        return float(value)
    return None


def _text(value: object) -> str:
    if value is None:
        return "—"
    if isinstance(value, Decimal):
        return f"{value.normalize():f}" if value == value.to_integral() else f"{value:.2f}"
    return str(value)


def _tick(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == 0 else f"{value:.1f}"


def _short(label: str, length: int = 28) -> str:
    return label if len(label) <= length else label[: length - 1] + "…"


# ---- CSV ---------------------------------------------------------------------------------

# Cells a spreadsheet would read as a formula (OWASP "CSV injection").
_FORMULA = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA) else text


def csv_lines(table: Table) -> Iterator[list[str]]:
    yield [csv_cell(c.label) for c in table.columns]
    for row in table.rows:
        yield [csv_cell(v) for v in row]


def csv_response(table: Table, filename: str) -> HttpResponse:
    buffer = StringIO()
    writer = csv.writer(buffer)
    writer.writerows(csv_lines(table))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def find(tables: Sequence[Table], key: str) -> Table | None:
    return next((t for t in tables if t.key == key), None)
