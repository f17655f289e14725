"""The dashboards' pages: who reaches which, CSV downloads, and query counts that do not grow
with the data."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal as D
from io import StringIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.formats import date_format

from layak.dashboards.charts import Column, Table, csv_cell
from layak.dashboards.tests.helpers import build, build_plan
from layak.evaluation import actions as evaluation_actions
from layak.evaluation.models import Answer, Assessment, Assignment, Stage
from layak.frameworks.models import PredicateBand
from layak.plans.models import ProgressReport
from layak.regions.models import Region
from layak.taskforce.models import FollowUp
from layak.testing import make_organisation
from layak.workflow import Status

pytestmark = pytest.mark.django_db

DISTRICT = "/dashboards/district/?region=32.16"
PROVINCE = "/dashboards/province/?region=32"
NATIONAL = "/dashboards/national/"


def rows_of(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(StringIO(response.content.decode())))


@pytest.mark.parametrize(
    ("who", "target"),
    [
        ("ministry", NATIONAL),
        ("verifier.jabar", PROVINCE),
        ("bekasi.admin", DISTRICT),
        ("bekasi.dinkes", DISTRICT),
        ("bekasi.regent", DISTRICT),
        ("assessor", "/dashboards/district/?region=32.16"),
        ("gunungmas.admin", "/dashboards/district/?region=62.10"),
    ],
)
def test_home_sends_each_person_to_the_dashboard_of_their_reach(client, personas, who, target):
    client.force_login(personas[who])
    response = client.get("/dashboards/")
    assert response.status_code == 302
    assert response["Location"] == target


def test_district_default_is_the_users_district(client, personas):
    build(personas)
    client.force_login(personas.bekasi_admin)
    response = client.get("/dashboards/district/")
    assert response.status_code == 200
    assert response.context["region"].code == "32.16"


@pytest.mark.parametrize(
    ("who", "url", "status"),
    [
        ("gunungmas.admin", DISTRICT, 404),
        ("bekasi.admin", "/dashboards/district/?region=62.10", 404),
        ("bekasi.admin", PROVINCE, 404),
        ("bekasi.admin", NATIONAL, 404),
        ("verifier.jabar", "/dashboards/province/?region=62", 404),
        ("verifier.jabar", "/dashboards/district/?region=62.10", 404),
        ("verifier.jabar", DISTRICT, 200),
        ("verifier.jabar", NATIONAL, 404),
        ("ministry", "/dashboards/province/?region=62", 200),
        ("ministry", "/dashboards/district/?region=62.10", 200),
        ("ministry", "/dashboards/district/?region=32", 404),  # not a regency
        ("ministry", f"{DISTRICT}&cycle=999999", 404),
        ("bekasi.regent", DISTRICT, 200),
    ],
)
def test_scoping(client, personas, who, url, status):
    build(personas)
    client.force_login(personas[who])
    assert client.get(url).status_code == status


def test_district_page_shows_charts_and_tables(client, personas, english):
    build(personas)
    build_plan(personas)
    client.force_login(personas.bekasi_admin)
    response = client.get(f"{DISTRICT}&year=2025")
    body = response.content.decode()
    for key in ("offices", "clusters", "scores", "rad"):
        assert f'data-testid="chart-{key}"' in body
    assert 'data-testid="table-followups"' in body
    assert "Lengkapi data akta kelahiran per kecamatan" in body
    assert "Pratama needs 15.00 more points." in body
    assert 'href="?region=32.16&amp;year=2025&amp;format=csv&amp;table=rad"' in body


def test_district_table_view_gives_amounts_in_the_readers_format(client, personas):
    build(personas)
    build_plan(personas)
    client.force_login(personas.bekasi_admin)
    body = client.get(f"{DISTRICT}&year=2025").content.decode()
    rad = body.split('data-testid="table-rad"')[1].split("</table>")[0]
    assert '<td class="num">275.000.000</td>' in rad
    assert '<td class="num">50,91</td>' in rad
    assert "275000000" not in rad
    # A follow-up's due date in words, three days ago; the CSV keeps the ISO date.
    due = timezone.localdate() - datetime.timedelta(days=3)
    followups = body.split('data-testid="table-followups"')[1].split("</table>")[0]
    with translation.override("id"):
        assert f"<td>{date_format(due, 'j M Y')}</td>" in followups
    assert due.isoformat() not in followups
    csv_rows = rows_of(client.get(f"{DISTRICT}&year=2025&format=csv&table=followups"))
    assert csv_rows[1][2] == due.isoformat()


def test_district_csv(client, personas, english):
    build(personas)
    build_plan(personas)
    client.force_login(personas.bekasi_admin)
    got = rows_of(client.get(f"{DISTRICT}&year=2025&format=csv&table=rad"))
    assert got[0][0] == "Cluster"
    assert got[2] == [
        "K1 Klaster I: Hak Sipil dan Kebebasan",  # the RAD KLA is on KLA 2024, the current one
        "2",
        "2",
        "1",
        "80.00",
        "275000000.00",
        "140000000.00",
        "50.91",
    ]
    scores = rows_of(client.get(f"{DISTRICT}&format=csv&table=scores"))
    assert scores[-1] == ["Total", "45.00", "35.00", "100.00"]
    assert client.get(f"{DISTRICT}&format=csv&table=nope").status_code == 404


def test_national_csv_ranking_has_every_row(client, personas, english):
    w = build(personas)
    client.force_login(personas.ministry)
    got = rows_of(client.get(f"{NATIONAL}?cycle={w.earlier.pk}&format=csv&table=ranking"))
    assert got == [
        ["Rank", "Regency/city", "Province", "Score", "Predicate"],
        ["1", "Kabupaten Bekasi", "Jawa Barat", "45.00", "No predicate"],
    ]


def test_csv_cells_cannot_carry_a_formula():
    assert csv_cell("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert csv_cell("+62 21") == "'+62 21"
    assert csv_cell(D("-5")) == "-5"
    assert csv_cell(None) == ""


def test_csv_gives_a_computed_figure_to_the_cent():
    assert csv_cell(D("12.60000000000000")) == "12.60"
    assert csv_cell(D("60.065")) == "60.07"
    assert csv_cell(D("80.00")) == "80.00"
    assert csv_cell(D("100")) == "100"


def test_drawing_scales_bars_to_the_largest_value():
    t = Table("t", "T", [Column("x", numeric=False), Column("a"), Column("b")], [["r", 1, 3]])
    drawing = t.drawing()
    assert drawing is not None
    widths = [s.width for s in drawing.rows[0].segments]
    assert widths[1] == pytest.approx(3 * widths[0])
    stacked = Table("s", "S", t.columns, [["r", 1, 3], ["q", 2, 2]], chart="stacked")
    got = stacked.drawing()
    assert got is not None
    assert sum(s.width for s in got.rows[0].segments) == pytest.approx(
        sum(s.width for s in got.rows[1].segments)
    )


# ---- query counts ------------------------------------------------------------------------


def grow(p, w, n: int) -> None:
    """n more offices with assignments and returned reports, overdue follow-ups, cycles with
    Bekasi's answers and scores, and regencies of Jawa Barat with determined results."""
    plan = w.plan.world.plan
    meeting = w.plan.meeting
    late = timezone.localdate() - datetime.timedelta(days=5)
    jabar = Region.objects.get(code="32")
    band = PredicateBand.objects.get(version=w.evaluation.version, code="MADYA")
    start = timezone.now() - datetime.timedelta(days=2000)
    for _ in range(n):
        office = make_organisation("32.16")
        for answer in Answer.objects.filter(assessment=w.evaluation.bekasi):
            Assignment.objects.create(answer=answer, organisation=office, created_by=p.bekasi_admin)
        ProgressReport.objects.create(
            plan=plan,
            organisation=office,
            year=2025,
            period=1,
            created_by=p.bekasi_admin,
            status=Status.RETURNED,
            return_reason="Kurang bukti",
        )
        FollowUp.objects.create(
            meeting=meeting, description="Tindak lanjut", owner=office, due_date=late
        )
    from layak.indicators.models import DataElement, DataValue, Indicator, IndicatorTarget

    bekasi = Region.objects.get(code="32.16")
    for _ in range(n):
        k = DataElement.objects.count()
        element = DataElement.objects.create(code=f"e{k}", name=f"Elemen {k}", cluster="K3")
        indicator = Indicator.objects.create(
            code=f"i{k}", name=f"Indikator {k}", numerator=element, cluster="K3"
        )
        IndicatorTarget.objects.create(indicator=indicator, region=bekasi, year=2025, value=D(5))
        DataValue.objects.create(
            element=element,
            region=bekasi,
            period="2025",
            period_start=datetime.date(2025, 1, 1),
            value=D(3),
            created_by=p.bekasi_admin,
            updated_by=p.bekasi_admin,
        )
    existing = Region.objects.filter(parent=jabar, level=2).count()
    for i in range(n):
        code = f"32.{90 - existing - i}"
        region = Region.objects.create(
            code=code, name=f"Kabupaten Uji {code}", level=2, kind="kabupaten", parent=jabar
        )
        Assessment.objects.create(
            cycle=w.earlier,
            region=region,
            status=Assessment.Status.SUBMITTED,
            final_total=D(650),
            final_band=band,
            determined_at=timezone.now(),
        )
    for _ in range(max(n // 5, 1)):
        windows = {}
        opens = start
        for kind in Stage.ORDER:
            windows[kind] = (opens, opens + datetime.timedelta(days=5))
            opens += datetime.timedelta(days=5)
        start += datetime.timedelta(days=40)
        # Bekasi joined while each old cycle ran; its stages were then moved into the past.
        running = timezone.now() - datetime.timedelta(days=1)
        cycle = evaluation_actions.cycle_create(
            actor=p.ministry,
            name="Evaluasi Uji Lama",
            instrument=w.evaluation.version,
            windows={
                k: (
                    o - windows[Stage.ORDER[0]][0] + running,
                    c - windows[Stage.ORDER[0]][0] + running,
                )
                for k, (o, c) in windows.items()
            },
        )
        evaluation_actions.cycle_add_districts(
            actor=p.ministry, cycle=cycle, regions=Region.objects.filter(code="32.16")
        )
        evaluation_actions.cycle_set_windows(actor=p.ministry, cycle=cycle, windows=windows)


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
        assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("bekasi.admin", f"{DISTRICT}&year=2025"),
        ("bekasi.admin", f"{DISTRICT}&year=2025&format=csv&table=offices"),
        ("bekasi.dinkes", f"{DISTRICT}&year=2025"),
        ("verifier.jabar", PROVINCE),
        ("ministry", NATIONAL),
        ("ministry", f"{NATIONAL}?format=csv&table=ranking"),
    ],
)
def test_query_count_does_not_grow_with_the_data(client, personas, who, url):
    from types import SimpleNamespace

    built = build(personas)
    w = SimpleNamespace(
        evaluation=built.evaluation, earlier=built.earlier, plan=build_plan(personas)
    )
    client.force_login(personas[who])
    grow(personas, w, 2)
    small = queries(client, url)
    grow(personas, w, 20)
    assert queries(client, url) == small
