"""A partial key indicator on the district dashboard: a figure from some villages is the ratio
of those villages, drawn hollow with a dashed line, and the legend and the table say how many
villages reported it."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest

from layak.dashboards import figures
from layak.dashboards.charts import Column, Table
from layak.indicators import actions
from layak.indicators.tests.helpers import definitions, indicator
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def _expected() -> int:
    return Region.objects.filter(level=4, is_active=True, code__startswith="32.16.").count()


@pytest.fixture
def stunting(personas):
    return seed(personas)


def seed(personas):
    """2025 from every village of Bekasi; 2026 from two villages, and Karangasih reported only
    the children measured, as the health office imported them."""
    definitions()
    admin = personas.bekasi_admin
    villages = list(Region.objects.filter(level=4, code__startswith="32.16.").order_by("code"))
    rows = []
    for village in villages:
        rows.append(("under5_measured", village.code, "2025", 100))
        rows.append(("under5_stunted", village.code, "2025", 4))
    first, second, karangasih = [v for v in villages if v.code.startswith("32.16.09.")][:3]
    for village, measured, stunted in ((first, 120, 8), (second, 80, 2), (karangasih, 200, None)):
        rows.append(("under5_measured", village.code, "2026", measured))
        if stunted is not None:
            rows.append(("under5_stunted", village.code, "2026", stunted))
    result = actions.import_rows(
        actor=admin,
        rows=[
            {
                "element": e,
                "region": r,
                "period": p,
                "disaggregation": f"sex={x}",
                "value": str(v // 2),
            }
            for e, r, p, v in rows
            for x in ("F", "M")
        ],
        mode=actions.Mode.ALL_OR_NOTHING,
        dry_run=False,
    )
    assert not result.errors, [p.message for p in result.errors]
    found = indicator("stunting_prevalence")
    bekasi = Region.objects.get(code="32.16")
    for year in (2025, 2026):
        actions.target_set(actor=admin, region=bekasi, indicator=found, year=year, value=D(10))
    return found


def test_the_partial_point_is_the_ratio_of_the_villages_that_reported_both(personas, stunting):
    bekasi = Region.objects.get(code="32.16")
    [trend] = figures.indicator_trends(personas.bekasi_admin, bekasi, 2026)
    note = f"parsial: 2 dari {_expected()} wilayah melapor"
    assert trend.rows[-2:] == [
        ["2025", D("4.00"), D("10.00"), f"{_expected()} dari {_expected()}"],
        ["2026", D("5.00"), D("10.00"), note],  # 10 / 200, not 10 / 400
    ]
    assert trend.partial[-2:] == ["", note]
    assert "melaporkan kedua komponennya" in trend.note


def test_the_dashboard_draws_the_partial_point_hollow_with_a_legend(client, personas, stunting):
    client.force_login(personas.bekasi_admin)
    page = client.get("/dashboards/district/", {"region": "32.16", "year": "2026"})
    html = page.content.decode()
    start = html.index('data-testid="chart-indicator-stunting_prevalence"')
    figure = html[start : html.index("</details>", start)]
    hollow = re.findall(r'<circle[^>]*data-partial="1"[^>]*><title>([^<]*)</title>', figure)
    assert hollow == [f"2026 · Nilai: 5 (parsial: 2 dari {_expected()} wilayah melapor)"]
    assert figure.count('stroke-dasharray="6 5"') == 1  # the segment from 2025 to 2026
    legend = f"2026: parsial: 2 dari {_expected()} wilayah melapor"
    assert legend in figure  # in the legend beside the chart
    assert f"<td>parsial: 2 dari {_expected()} wilayah melapor</td>" in figure  # the table


def test_a_line_without_partial_figures_is_drawn_solid():
    table = Table(
        "t",
        "Angka",
        [Column("Periode", numeric=False), Column("Nilai", partial=True), Column("Target")],
        [["2024", D(3), D(5)], ["2025", D(4), D(5)], ["2026", D(2), D(5)]],
        chart="lines",
        partial=["", "", ""],
    )
    drawing = table.drawing()
    assert drawing is not None and drawing.partial == []
    assert all(not dashed for line in drawing.lines for _p, dashed in line.runs)
    assert [len(line.runs) for line in drawing.lines] == [1, 1]
    # A partial middle point: dashed on both sides, the target's line untouched.
    table.partial = ["", "parsial: 1 dari 3 wilayah melapor", ""]
    drawing = table.drawing()
    assert drawing is not None
    value, target = drawing.lines
    assert [dashed for _p, dashed in value.runs] == [True]
    assert [d.hollow for d in value.dots] == [False, True, False]
    assert [dashed for _p, dashed in target.runs] == [False]
    assert drawing.partial == ["2025: parsial: 1 dari 3 wilayah melapor"]
