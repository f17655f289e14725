"""Figures of a dashboard as tables, each drawn as a chart and downloadable as CSV.

A dashboard builds ``Table`` objects from aggregates the database computed; the same table is
the chart's data, its accessible table view and its CSV download. Each table is drawn once,
when the figures are built (``Table.draw``), and its drawing is kept in the cache with them.

Why charts are drawn here, as inline SVG on the server, rather than by a vendored chart
library: every figure must also stand as a table and a CSV, render without a script, print,
and hold under a content security policy with no inline script or style. A library (Chart.js,
ECharts, Vega) would draw on a canvas from JSON in the browser, add 200-800 kB of script to
audit and update, and its output could not be tested on the server. The few kinds drawn here
(bars, stacked bars, lines) are small enough to draw honestly by hand, and tested:

- every axis starts at zero and ends at a round number at or above the largest value (and
  above any stated maximum), with ticks formatted in the reader's language;
- a figure whose rows have maxima of their own (points per cluster) draws each row's maximum
  as a track on one shared axis, so 149.73 of 200 looks three-quarters full, not full;
- text keeps its size at any width: the drawing has no ``viewBox`` to scale it; horizontal
  positions are percentages of the width, lines are drawn in a stretched inner drawing whose
  strokes do not scale, and labels are CSS pixels (``layak.css``), readable on a phone and a
  laptop alike;
- the legend lists only the series that have something drawn, in HTML beside the drawing;
- a series standing for a review status has that status's colour (``workflow.COLOURS``), the
  same as its badge everywhere else;
- a figure from only some of the regions expected to report it (a partial figure,
  ``indicators.completeness``) is drawn as a hollow point reached by a dashed line, never like a
  full one, and the legend and the table view say how many regions reported it.
"""

from __future__ import annotations

import csv
import datetime
import itertools
import math
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from io import StringIO

from django.http import HttpResponse
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator

from layak.core.numbers import format_number, format_points, to_cents

# Colour-blind friendly (Okabe-Ito), one per series that is not a status.
PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
TRACK = "#e6e9ee"
# Bars: a label line above each row's bars, then the bars.
LABEL_LINE = 18
BAR = 14
BAR_GAP = 3
ROW_GAP = 12
AXIS = 22
# A row's label fits a phone's width (about 330 px of 12 px text); the table view has it whole.
LABEL_CHARS = 44
# Lines: the plot's height and the room under it for the period labels.
LINE_TOP = 14
LINE_PLOT = 150
LINE_AXIS = 24
# Lines are drawn in an inner drawing this wide, stretched to the width of the figure.
INNER = 1000


@dataclass
class Column:
    label: str
    # Numbers are right-aligned and may be drawn; text columns are only in the table.
    numeric: bool = True
    # Drawn as a series of the chart.
    series: bool = True
    # The series' colour when it stands for something with a colour of its own (a status).
    colour: str | None = None
    # Points (a score, a total, points to gain): shown as every page shows points, always with
    # two decimals (``format_points``); other numbers to at most two decimals.
    points: bool = False
    # Its values on the rows marked partial (``Table.partial``) are partial figures: drawn as
    # a hollow point reached by a dashed line (lines).
    partial: bool = False


@dataclass
class Segment:
    """A bar: ``x`` and ``width`` in percent of the drawing's width, ``y`` and ``height`` in
    pixels."""

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
    # The row's own maximum as a track behind its bars (percent of the width), if any.
    track: Segment | None = None
    # The whole label, when ``label`` had to be shortened.
    full: str = ""


@dataclass
class Point:
    x: float  # percent of the width
    y: float  # pixels
    title: str
    # A partial figure: drawn hollow.
    hollow: bool = False


@dataclass
class Line:
    label: str
    colour: str
    points: str  # in the inner drawing's units
    dots: list[Point]
    # The line drawn as runs of points (in the inner drawing's units), each solid or dashed (a
    # segment to or from a partial figure is dashed).
    runs: list[tuple[str, bool]] = field(default_factory=list)


@dataclass
class Tick:
    at: float  # percent of the width (bars) or pixels from the top (lines)
    label: str
    anchor: str = "middle"


@dataclass
class XLabel:
    x: float  # percent of the width
    label: str
    anchor: str
    # Shown only where there is room (every other label is dropped on a phone).
    minor: bool = False


@dataclass
class Drawing:
    kind: str
    height: int
    rows: list[BarRow] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    ticks: list[Tick] = field(default_factory=list)
    labels: list[XLabel] = field(default_factory=list)
    legend: list[tuple[str, str]] = field(default_factory=list)
    # Beside the legend, one entry per partial figure drawn: what it is and how many regions
    # reported it.
    partial: list[str] = field(default_factory=list)
    plot_top: int = 0
    plot_bottom: int = 0
    inner: int = INNER


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
    # The axis reaches at least this (e.g. 100 for shares, the instrument's maximum score).
    max_value: Decimal | None = None
    csv_url: str = ""
    # Only the first rows are drawn (e.g. not a total row); None: all.
    drawn_rows: int | None = None
    # The column holding each row's own maximum (e.g. a cluster's maximum points): drawn as
    # the row's track, and the axis reaches the largest of them.
    max_column: int | None = None
    # The figure drawn (``draw``): its heading, note, chart and table view as HTML.
    body: str = ""
    # The table view cuts row labels longer than this (e.g. a question's text) with "…"; the
    # CSV always carries them whole. None: never cut.
    label_chars: int | None = None
    # Per row, "" or what makes the row's figure partial (e.g. "partial: 2 of 187 regions
    # reported"): the values of the columns marked ``partial`` are drawn as partial there.
    partial: list[str] = field(default_factory=list)

    def draw(self) -> None:
        """Draw the figure once, in the active language, into ``body``: the chart, its
        legend, the table view and every number formatted for the reader. Done when the
        figures are built, so the figures kept in the cache (``layak.dashboards.cache``) carry
        their drawing and a request only places it, with the CSV link of its own address."""
        self.body = render_to_string("dashboards/_figure_body.html", {"t": self})

    @property
    def series(self) -> list[tuple[int, Column]]:
        return [(i, c) for i, c in enumerate(self.columns) if i > 0 and c.numeric and c.series]

    @property
    def view_rows(self) -> list[tuple[object, str | None, list[tuple[object, bool]]]]:
        """Per row for the table view: its label, its link, and its other cells as shown (a
        number in the reader's language to at most two decimals, a missing number as a dash)
        with whether each is a number."""
        links = self.links or []
        numeric = [c.numeric for c in self.columns[1:]]
        points = [c.points for c in self.columns[1:]]
        cut = self.label_chars
        return [
            (
                Truncator(row[0]).chars(cut) if cut and isinstance(row[0], str) else row[0],
                links[i] if i < len(links) else None,
                [(_cell(v, n, p), n) for v, n, p in zip(row[1:], numeric, points, strict=True)],
            )
            for i, row in enumerate(self.rows)
        ]

    @property
    def _drawn(self) -> list[list[object]]:
        return self.rows if self.drawn_rows is None else self.rows[: self.drawn_rows]

    def _drawn_series(self) -> list[tuple[int, Column, str]]:
        """The series with at least one value to draw, each with its colour (a series without
        a value gets no bar, no line and no legend entry)."""
        out = []
        for n, (i, column) in enumerate(self.series):
            colour = column.colour or PALETTE[n % len(PALETTE)]
            values = [_maybe(row[i]) for row in self._drawn]
            if any(v is not None and (v > 0 or self.chart == "lines") for v in values):
                out.append((i, column, colour))
        return out

    def _whole(self, series: list[tuple[int, Column, str]]) -> bool:
        """Whether every drawn value of ``series`` is a whole number stored as one (a count)."""
        return all(
            isinstance(row[i], int) or row[i] is None for row in self._drawn for i, _c, _k in series
        )

    def drawing(self) -> Drawing | None:
        if not self.chart or not self._drawn:
            return None
        series = self._drawn_series()
        if not series:
            return None
        if self.chart == "lines":
            return self._lines(series)
        return self._bars(series, stacked=self.chart == "stacked")

    def _top(self, largest: float) -> float:
        if self.max_value is not None:
            largest = max(largest, float(self.max_value))
        if self.max_column is not None:
            largest = max([largest] + [_number(row[self.max_column]) for row in self._drawn])
        return largest

    def _bars(self, series: list[tuple[int, Column, str]], *, stacked: bool) -> Drawing:
        per_row = 1 if stacked else len(series)
        bars_height = per_row * BAR + (per_row - 1) * BAR_GAP
        values = [[_number(row[i]) for i, _c, _k in series] for row in self._drawn]
        if stacked:
            largest = max((sum(v, 0.0) for v in values), default=0.0)
        else:
            largest = max((x for v in values for x in v), default=0.0)
        top, step = nice_scale(self._top(largest), whole=self._whole(series))
        out: list[BarRow] = []
        y = 0.0
        for row, numbers in zip(self._drawn, values, strict=True):
            label_y = y + LABEL_LINE - 5
            bars_y = y + LABEL_LINE
            x = 0.0
            segments: list[Segment] = []
            for n, ((i, column, colour), value) in enumerate(zip(series, numbers, strict=True)):
                width = 100 * value / top
                title = f"{row[0]} · {column.label}: {_text(row[i])}"
                if stacked:
                    segments.append(Segment(x, width, bars_y, BAR, colour, title))
                    x += width
                else:
                    at = bars_y + n * (BAR + BAR_GAP)
                    segments.append(Segment(0.0, width, at, BAR, colour, title))
            track = None
            if self.max_column is not None and row[self.max_column] is not None:
                maximum = _number(row[self.max_column])
                title = f"{row[0]} · {self.columns[self.max_column].label}: {_text(maximum)}"
                track = Segment(0.0, 100 * maximum / top, bars_y, bars_height, TRACK, title)
            out.append(
                BarRow(_short(str(row[0]), LABEL_CHARS), label_y, segments, track, str(row[0]))
            )
            y = bars_y + bars_height + ROW_GAP
        plot_bottom = math.ceil(y)
        legend = [(column.label, colour) for _i, column, colour in series]
        if self.max_column is not None and any(r.track for r in out):
            legend.append((self.columns[self.max_column].label, TRACK))
        return Drawing(
            kind="bars",
            height=plot_bottom + AXIS,
            rows=out,
            ticks=_ticks(top, step, lambda f: 100 * f / top),
            legend=legend,
            plot_bottom=plot_bottom,
        )

    def _lines(self, series: list[tuple[int, Column, str]]) -> Drawing:
        drawn = self._drawn
        values = [[_maybe(row[i]) for i, _c, _k in series] for row in drawn]
        largest = max((x for v in values for x in v if x is not None), default=0.0)
        top, step = nice_scale(self._top(largest), whole=self._whole(series))
        bottom = LINE_TOP + LINE_PLOT
        # Points sit between 4 % and 96 % of the width, so the first and last dots are whole.
        xs = [
            4 + 92 * (r / (len(drawn) - 1)) if len(drawn) > 1 else 50.0 for r in range(len(drawn))
        ]
        marks = self.partial or []
        lines: list[Line] = []
        notes: list[str] = []
        for n, (i, column, colour) in enumerate(series):
            dots: list[Point] = []
            for r, row in enumerate(drawn):
                value = values[r][n]
                if value is None:
                    continue
                note = marks[r] if column.partial and r < len(marks) else ""
                title = f"{row[0]} · {column.label}: {_text(row[i])}"
                dots.append(
                    Point(
                        xs[r],
                        bottom - LINE_PLOT * value / top,
                        f"{title} ({note})" if note else title,
                        hollow=bool(note),
                    )
                )
                if note and f"{row[0]}: {note}" not in notes:
                    notes.append(f"{row[0]}: {note}")
            points = " ".join(_at(d) for d in dots)
            lines.append(Line(column.label, colour, points, dots, _runs(dots)))
        # About six labels at most; every other one is dropped on a phone.
        every = max(1, -(-len(xs) // 6))
        labels: list[XLabel] = []
        for r, row in enumerate(drawn):
            if r % every and r != len(xs) - 1:
                continue
            anchor = (
                "start" if r == 0 and len(xs) > 1 else "end" if r == len(xs) - 1 and r else "middle"
            )
            labels.append(
                XLabel(xs[r], _short(str(row[0]), 20), anchor, minor=bool(len(labels) % 2))
            )
        if len(labels) > 1 and labels[-1].minor:
            labels[-1].minor = False  # the latest period always shows
            labels[-2].minor = True
        return Drawing(
            kind="lines",
            height=bottom + LINE_AXIS,
            lines=lines,
            ticks=_ticks(top, step, lambda f: bottom - LINE_PLOT * f / top),
            labels=labels,
            legend=[(column.label, colour) for _i, column, colour in series],
            partial=notes,
            plot_top=LINE_TOP,
            plot_bottom=bottom,
        )


def _at(dot: Point) -> str:
    return f"{dot.x * INNER / 100:.1f},{dot.y:.1f}"


def _runs(dots: Sequence[Point]) -> list[tuple[str, bool]]:
    """The line through ``dots`` as runs of solid or dashed segments: a segment is dashed when
    either of its ends is a partial figure (hollow)."""
    runs: list[tuple[list[Point], bool]] = []
    for a, b in itertools.pairwise(dots):
        dashed = a.hollow or b.hollow
        if runs and runs[-1][1] == dashed:
            runs[-1][0].append(b)
        else:
            runs.append(([a, b], dashed))
    return [(" ".join(_at(d) for d in run), dashed) for run, dashed in runs]


def nice_scale(largest: float, *, whole: bool = False) -> tuple[float, float]:
    """The axis's end and its step: a round number (1, 2, 2.5 or 5 times a power of ten) per
    step, at most six steps, ending at or above ``largest``; ``whole``: counts, whose steps
    are whole numbers."""
    if largest <= 0:
        return (1.0, 1.0) if whole else (1.0, 0.25)
    raw = largest / 5
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if whole and not float(step).is_integer():
        step = 1.0 if step < 1 else float(math.ceil(step))
    top = step * math.ceil(largest / step - 1e-9)
    return top, step


def _ticks(top: float, step: float, place: Callable[[float], float]) -> list[Tick]:
    count = round(top / step)
    places = 0 if float(step).is_integer() else (1 if (step * 10).is_integer() else 2)
    out = []
    for k in range(count + 1):
        value = step * k
        anchor = "start" if k == 0 else "end" if k == count else "middle"
        out.append(Tick(place(value), number_format(value, places, force_grouping=True), anchor))
    return out


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
    """A value in a tooltip, in the reader's language."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return number_format(value, 0, force_grouping=True)
    if isinstance(value, float | Decimal):
        places = 0 if Decimal(str(value)) == Decimal(str(value)).to_integral() else 2
        return number_format(value, places, force_grouping=True)
    return str(value)


def _cell(value: object, numeric: bool, points: bool = False) -> object:
    """A cell of the table view as shown."""
    if value is None or value == "":
        return "—" if numeric else ""
    if not numeric:
        return date_format(value, "j M Y") if isinstance(value, datetime.date) else value
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return format_points(value) if points else format_number(value, places=2)
    return floatformat(value, "-2")


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
    if isinstance(value, Decimal) and value.is_finite() and value.as_tuple().exponent < -2:  # type: ignore[operator]
        # A computed figure (a share, a remainder) carries the division's precision: the CSV
        # gives it to the cent, as every stored figure is.
        return str(to_cents(value))
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
