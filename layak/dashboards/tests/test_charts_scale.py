"""Charts on an honest scale: axes from zero to a round number at or above the data (and any
stated maximum), each group against its own maximum, legends only for what is drawn, one
colour per status everywhere, ticks in the reader's language."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from layak.dashboards.charts import TRACK, Column, Table, nice_scale
from layak.dashboards.figures._common import _status_columns
from layak.workflow import COLOURS, Status

CSS = Path(__file__).resolve().parents[2] / "static" / "layak" / "layak.css"


@pytest.mark.parametrize(
    ("largest", "top", "step"),
    [
        (149.73, 150, 50),
        (200, 200, 50),
        (734, 800, 200),
        (700, 800, 200),
        (26, 30, 10),
        (9.29, 10, 2),
        (0.05, 0.05, 0.01),
        (1000, 1000, 200),
        (0, 1, 0.25),
    ],
)
def test_the_axis_ends_at_a_round_number_at_or_above_the_data(largest, top, step):
    got_top, got_step = nice_scale(largest)
    assert got_top == pytest.approx(top) and got_step == pytest.approx(step)
    assert got_top >= largest
    assert 1 <= got_top / got_step <= 6


def test_a_count_is_counted_in_whole_steps():
    assert nice_scale(2, whole=True) == (2, 1)
    assert nice_scale(2) == (2, 0.5)
    table = Table("t", "T", [Column("x", numeric=False), Column("Diterima")], [["Dinkes", 2]])
    drawing = table.drawing()
    assert drawing is not None and [t.label for t in drawing.ticks] == ["0", "1", "2"]


def clusters() -> Table:
    """Two clusters with maxima of 200 and 150, as in the instrument."""
    table = Table(
        "scores",
        "Nilai per klaster",
        [
            Column("Klaster", numeric=False),
            Column("Evaluasi 2026"),
            Column("Maksimum", series=False),
        ],
        [["KL", D("149.73"), D(200)], ["K1", D(150), D(150)]],
    )
    table.max_column = 2
    return table


def test_each_cluster_is_drawn_against_its_own_maximum_on_one_axis():
    drawing = clusters().drawing()
    assert drawing is not None
    kl, k1 = drawing.rows
    # The axis reaches the largest maximum, 200: 149.73 of 200 is three quarters of the width.
    assert drawing.ticks[-1].label == "200"
    assert kl.track is not None and kl.track.width == pytest.approx(100)
    assert kl.segments[0].width == pytest.approx(74.865)
    # The cluster of 150 has a shorter track, filled to its end.
    assert k1.track is not None and k1.track.width == pytest.approx(75)
    assert k1.segments[0].width == pytest.approx(75)
    assert ("Maksimum", TRACK) in drawing.legend


def test_an_axis_reaches_the_data_and_a_stated_maximum():
    rows = [["Bekasi", D("734.50")], ["Bogor", D("612")]]
    table = Table(
        "districts", "Kab/kota", [Column("Kab/kota", numeric=False), Column("Nilai")], rows
    )
    drawing = table.drawing()
    assert drawing is not None
    assert drawing.ticks[-1].label == "800"
    assert max(s.width for r in drawing.rows for s in r.segments) <= 100
    table.max_value = D(1000)  # the instrument's maximum
    drawing = table.drawing()
    assert drawing is not None and drawing.ticks[-1].label == "1.000"  # Indonesian
    assert drawing.rows[0].segments[0].width == pytest.approx(73.45)


def test_a_series_without_values_has_no_bar_and_no_legend_entry():
    table = Table(
        "scores",
        "Nilai",
        [
            Column("Klaster", numeric=False),
            Column("Evaluasi 2024"),  # entered with totals only: no group scores
            Column("Evaluasi 2025"),
        ],
        [["KL", None, D(30)], ["K1", None, D(20)]],
    )
    drawing = table.drawing()
    assert drawing is not None
    assert [label for label, _colour in drawing.legend] == ["Evaluasi 2025"]
    assert all(len(r.segments) == 1 for r in drawing.rows)
    lines = Table("t", "T", table.columns, table.rows, chart="lines").drawing()
    assert lines is not None and [line.label for line in lines.lines] == ["Evaluasi 2025"]


def test_a_status_has_one_colour_in_charts_and_badges():
    columns = _status_columns("Perangkat daerah")[1:]
    table = Table(
        "offices",
        "Kemajuan",
        [Column("x", numeric=False), *columns],
        [["Dinkes", 3, 1, 0, 0, 2]],
        chart="stacked",
    )
    drawing = table.drawing()
    assert drawing is not None
    drawn = {label: colour for label, colour in drawing.legend}
    for status in (Status.ACCEPTED, Status.SUBMITTED, Status.RETURNED):
        assert drawn[str(status.label)] == COLOURS[status]
    assert str(Status.DRAFT.label) not in drawn  # nothing drawn, no legend
    css = CSS.read_text()
    for code, colour in COLOURS.items():
        rule = re.search(rf"\.badge\.status-{code} \{{ color: (#[0-9a-f]{{6}}); \}}", css)
        assert rule is not None, code
        assert rule.group(1) == colour.lower(), code


def test_ticks_and_tooltips_follow_the_readers_language():
    table = Table("t", "T", [Column("x", numeric=False), Column("Nilai")], [["A", D("9.5")]])
    with translation.override("id"):
        drawing = table.drawing()
    assert drawing is not None
    assert [t.label for t in drawing.ticks] == ["0", "2", "4", "6", "8", "10"]
    with translation.override("id"):
        drawing = Table("t", "T", table.columns, [["A", D("1234.5")]]).drawing()
        assert drawing is not None
        assert drawing.ticks[-1].label == "1.250"
        assert drawing.rows[0].segments[0].title == "A · Nilai: 1.234,50"
    with translation.override("en"):
        drawing = Table("t", "T", table.columns, [["A", D("1234.5")]]).drawing()
        assert drawing is not None
        assert drawing.ticks[-1].label == "1,250"


def figure(table: Table) -> str:
    """The figure as a page shows it: drawn when the figures are built, placed by the page."""
    table.draw()
    return render_to_string("dashboards/_figure.html", {"t": table})


def test_the_drawing_has_no_viewbox_so_text_keeps_its_size():
    """Positions across are percentages and text is sized by the stylesheet; only the inner
    drawing of a line chart stretches, with strokes that do not scale."""
    with translation.override("id"):
        bars = figure(clusters())
        trend = Table(
            "trend",
            "Tren",
            [Column("Periode", numeric=False), Column("Nilai"), Column("Target")],
            [["2024", D("88.5"), D(90)], ["2025", D("91.25"), D(92)]],
            chart="lines",
        )
        lines = figure(trend)
    outer = re.search(r"<svg class=\"chart[^>]*>", bars)
    assert outer is not None and "viewBox" not in outer.group(0)
    assert 'width="74.865%"' in bars and "font-size" not in bars
    assert 'preserveAspectRatio="none"' in lines and 'vector-effect="non-scaling-stroke"' in lines
    assert "88,5" in lines  # the tooltip, in Indonesian
    assert 'data-testid="legend-trend"' in lines
