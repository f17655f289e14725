"""The dashboards are served from the shared cache until what they show changes.

Each kind of change is made through the pages people use (an answer saved, a verification
decision, a stage's window moved or passed, indicator values imported, a RAD KLA progress report
accepted), and the dashboard read through its page right after shows the new figure. A second
read of an unchanged dashboard comes from the cache: it reads none of the tables the figures
are built from. The key keeps apart languages, filters and people whose reach differs."""

from __future__ import annotations

import csv
import datetime
from decimal import Decimal as D
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from layak.dashboards import cache
from layak.dashboards.figures import _province
from layak.dashboards.tests.helpers import build, build_plan
from layak.evaluation.models import Assessment, Stage
from layak.frameworks.models import Option
from layak.indicators.actions import target_set
from layak.indicators.definitions import ensure_definitions
from layak.indicators.models import DataImport, Indicator
from layak.regions.models import Region
from layak.reports.versions import data_stamp, data_version
from layak.testing import make_cycle, move_stages

pytestmark = pytest.mark.django_db

DISTRICT = "/dashboards/district/?region=32.16"
PROVINCE = "/dashboards/province/?region=32"
NATIONAL = "/dashboards/national/"
# Tables the figures are read from: a request served from the cache touches none of them.
FIGURE_TABLES = ("evaluation_", "plans_", "indicators_", "taskforce_", "frameworks_")


def csv_rows(client, url: str, table: str) -> list[list[str]]:
    response = client.get(f"{url}&format=csv&table={table}")
    assert response.status_code == 200
    return list(csv.reader(StringIO(response.content.decode())))


def figure_queries(client, url: str) -> list[str]:
    """The queries of ``GET url`` that read the tables figures are built from."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries if any(t in q["sql"] for t in FIGURE_TABLES)]


def assert_cached(client, url: str) -> None:
    assert figure_queries(client, url) == [], url


# ---- each kind of change shows at once ----------------------------------------------------


def test_an_answer_saved_shows_on_the_district_dashboard_at_once(client, personas):
    evaluation = make_cycle(personas)
    client.force_login(personas.bekasi_dinkes)
    row = csv_rows(client, DISTRICT, "scores")[1]
    assert row[0].startswith("KL") and row[1] == "0.00"
    assert_cached(client, f"{DISTRICT}&format=csv&table=scores")
    answer = evaluation.answers["T-1.1"]
    perda = Option.objects.get(question=answer.question, label="Perda")
    response = client.post(
        reverse("evaluation:answer_save", args=[answer.pk]),
        {"revision": 0, "option": perda.pk},
    )
    assert response.status_code in (200, 302)
    assert csv_rows(client, DISTRICT, "scores")[1][1] == "30.00"


def test_a_verification_decision_shows_on_the_district_and_province_dashboards(client, personas):
    w = build(personas)
    bekasi = w.evaluation.bekasi
    Assessment.objects.filter(pk=bekasi.pk).update(status=Assessment.Status.SUBMITTED)
    move_stages(w.evaluation.cycle, Stage.Kind.PROVINCE)
    client.force_login(personas.jabar)
    assert csv_rows(client, DISTRICT, "scores")[-1][1:] == ["45.00", "35.00", "100.00"]
    assert bekasi_row(client)[3] == D("35.00")  # the province stage's column
    assert_cached(client, DISTRICT)
    assert_cached(client, PROVINCE)
    answer = w.evaluation.answers["T-2.1"]
    response = client.post(
        reverse("evaluation:verify_item", args=[answer.pk, Stage.Kind.PROVINCE]),
        {"decision": "adjust", "points": "0", "reason": "Data faskes belum lengkap"},
    )
    assert response.status_code in (200, 302)
    assert csv_rows(client, DISTRICT, "scores")[-1][1:] == ["45.00", "20.00", "100.00"]
    assert bekasi_row(client)[3] == D("20.00")


def bekasi_row(client) -> list[object]:
    rows = client.get(PROVINCE).context["p"].tables[0].rows
    return next(r for r in rows if r[0] == "Kabupaten Bekasi")


def _windows_form(client, cycle) -> dict[str, str]:
    form = client.get(f"/evaluation/cycles/{cycle.pk}/windows/").context["form"]
    return {name: value.isoformat() for name, value in form.initial.items()}


def test_a_stage_opened_through_the_windows_page_shows_at_once(client, personas):
    evaluation = make_cycle(personas)
    client.force_login(personas.ministry)
    assert client.get(PROVINCE).context["p"].open_stage == Stage.Kind.SELF_ASSESSMENT
    assert_cached(client, PROVINCE)
    today = timezone.localdate()
    data = _windows_form(client, evaluation.cycle)
    data["self_opens"] = (today - datetime.timedelta(days=10)).isoformat()
    data["self_closes"] = (today - datetime.timedelta(days=1)).isoformat()
    data["province_opens"] = today.isoformat()
    data["province_closes"] = (today + datetime.timedelta(days=5)).isoformat()
    response = client.post(f"/evaluation/cycles/{evaluation.cycle.pk}/windows/", data)
    assert response.status_code == 302, response.context["form"].errors
    assert client.get(PROVINCE).context["p"].open_stage == Stage.Kind.PROVINCE


def test_a_window_that_closes_with_time_alone_is_seen_when_it_closes(client, personas, monkeypatch):
    evaluation = make_cycle(personas)
    client.force_login(personas.ministry)
    assert client.get(PROVINCE).context["p"].open_stage == Stage.Kind.SELF_ASSESSMENT
    closes = evaluation.cycle.stages.get(kind=Stage.Kind.SELF_ASSESSMENT).closes_at
    # The clock of the dashboards moves past the close; nothing else changes.
    later = SimpleNamespace(now=lambda: closes + datetime.timedelta(seconds=1))
    monkeypatch.setattr(cache, "timezone", later)
    monkeypatch.setattr(_province, "timezone", later)
    assert client.get(PROVINCE).context["p"].open_stage == Stage.Kind.PROVINCE
    assert_cached(client, PROVINCE)


def test_indicator_values_imported_show_in_the_key_indicators_at_once(client, personas):
    ensure_definitions()
    bekasi = Region.objects.get(code="32.16")
    births = Indicator.objects.get(code="facility_births")
    target_set(actor=personas.bekasi_admin, region=bekasi, indicator=births, year=2025, value=D(95))
    url = f"{DISTRICT}&year=2025"
    client.force_login(personas.bekasi_admin)
    table = "indicator-facility_births"
    assert csv_rows(client, url, table)[-1][:3] == ["2025", "", "95.00"]
    assert_cached(client, url)
    content = (
        "element,region,period,disaggregation,value,organisation,dataset,source_date,comment\n"
        "births,32.16,2025,,1000,,,,\n"
        "births_facility,32.16,2025,,900,,,,\n"
    )
    response = client.post(
        "/data/imports/",
        {
            "district": bekasi.pk,
            "mode": "all",
            "file": SimpleUploadedFile("data.csv", content.encode()),
        },
    )
    assert response.status_code == 302
    imp = DataImport.objects.get()
    assert client.post(f"/data/imports/{imp.pk}/apply/").status_code == 302
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.APPLIED
    assert csv_rows(client, url, table)[-1][:3] == ["2025", "90.00", "95.00"]


def test_a_progress_report_accepted_shows_in_the_rad_realisation_at_once(client, personas):
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    url = f"{DISTRICT}&year=2025"
    client.force_login(personas.bekasi_admin)
    before = {r[0]: r for r in csv_rows(client, url, "rad")[1:]}
    assert_cached(client, url)
    client.force_login(personas.bekasi_dinkes)
    client.post(
        reverse("plans:report_create", args=[world.plan.pk]),
        {"organisation": world.dinkes.pk, "year": 2025, "period": 1},
    )
    report = world.plan.reports.get()
    entry = report.entries.get()
    client.post(
        reverse("plans:report", args=[report.pk]),
        {
            "revision": "0",
            f"e{entry.pk}-output": "120",
            f"e{entry.pk}-budget": "1000000",
            "submit": "1",
        },
    )
    client.force_login(personas.bekasi_admin)
    # Submitted, not accepted yet: the realisation counts accepted reports only.
    assert {r[0]: r for r in csv_rows(client, url, "rad")[1:]} == before
    response = client.post(reverse("plans:report_review", args=[report.pk]), {"decision": "accept"})
    assert response.status_code == 302
    after = {r[0]: r for r in csv_rows(client, url, "rad")[1:]}
    changed = [name for name in after if after[name] != before[name]]
    assert len(changed) == 1
    assert after[changed[0]][2] == str(int(before[changed[0]][2]) + 1)  # one more reported
    assert after[changed[0]][6] == "1000000.00"  # the budget spent


# ---- what the key keeps apart ---------------------------------------------------------------


def test_each_language_has_its_own_figures(client, personas):
    build(personas)
    client.force_login(personas.bekasi_admin)
    indonesian = client.get(DISTRICT).context["d"].tables[0].title
    client.post("/accounts/language/", {"language": "en", "next": "/"})
    english = client.get(DISTRICT).context["d"].tables[0].title
    assert english == "Self-assessment progress per office"
    assert indonesian != english


def test_people_whose_reach_differs_never_share_figures(client, personas):
    """Dinkes answers T-1.2, which the district returned; Disdukcapil answers T-2 only, so
    the returned item is not among what it may read."""
    build(personas)
    client.force_login(personas.bekasi_dinkes)
    assert client.get(DISTRICT).context["d"].returned_count == 1
    client.force_login(personas["bekasi.disdukcapil"])
    assert client.get(DISTRICT).context["d"].returned_count == 0
    client.force_login(personas.bekasi_admin)
    assert client.get(DISTRICT).context["d"].returned_count == 1


def test_filters_have_their_own_figures(client, personas):
    w = build(personas)
    client.force_login(personas.ministry)
    current = client.get(DISTRICT).context["d"]
    earlier = client.get(f"{DISTRICT}&cycle={w.earlier.pk}").context["d"]
    assert (current.cycle.pk, earlier.cycle.pk) == (w.evaluation.cycle.pk, w.earlier.pk)
    assert client.get(f"{DISTRICT}&year=2024").context["d"].year == 2024
    ranking = client.get(f"{NATIONAL}?cycle={w.earlier.pk}").context["n"].tables[-1]
    assert [r[1] for r in ranking.rows] == ["Kabupaten Bekasi"]
    elsewhere = client.get(f"{NATIONAL}?cycle={w.earlier.pk}&province=62").context["n"]
    assert elsewhere.tables[-1].rows == []


def test_a_filter_naming_no_cycle_stays_not_found(client, personas):
    build(personas)
    client.force_login(personas.ministry)
    for _ in range(2):
        assert client.get(f"{DISTRICT}&cycle=999999").status_code == 404
        assert client.get(f"{PROVINCE}&cycle=abc").status_code == 404


# ---- the data version ---------------------------------------------------------------------


def test_the_data_stamp_follows_the_region_the_regions_above_and_the_country(personas):
    from django.db import transaction

    from layak.audit.log import record

    bekasi = Region.objects.get(code="32.16")
    jabar = Region.objects.get(code="32")
    gunung_mas = Region.objects.get(code="62.10")
    stamp = data_stamp(bekasi)
    with transaction.atomic():
        record(actor=None, action="test.other_district", obj=gunung_mas, region=gunung_mas)
    assert data_stamp(bekasi) == stamp
    for region in (jabar, bekasi, None):
        with transaction.atomic():
            entry = record(actor=None, action="test.change", obj=bekasi, region=region)
        assert data_stamp(bekasi) != stamp
        assert data_version(bekasi) == entry.pk
        stamp = data_stamp(bekasi)
    for ignored in ("job.started", "user.signed_in", "api_token.created"):
        with transaction.atomic():
            record(actor=None, action=ignored, obj=bekasi, region=bekasi)
        assert data_stamp(bekasi) == stamp


def test_the_data_stamp_follows_the_whole_subtree_and_nothing_beside_it(personas):
    """A village's change is the district's and the province's; a change in another district
    or province is neither; the whole country's stamp follows every change."""
    from django.db import transaction

    from layak.audit.log import record

    village = Region.objects.filter(path__startswith="32.16.", level=Region.Level.VILLAGE).first()
    assert village is not None
    regions = {code: Region.objects.get(code=code) for code in ("32", "32.16", "62", "62.10")}
    regions["village"] = village

    def stamps() -> dict[str, str]:
        found = {code: data_stamp(region) for code, region in regions.items()}
        return found | {"country": data_stamp(None)}

    before = stamps()
    with transaction.atomic():
        record(actor=None, action="test.change", obj=village, region=village)
    after = stamps()
    changed = {code for code in before if before[code] != after[code]}
    assert changed == {"32", "32.16", "village", "country"}
    with transaction.atomic():
        record(actor=None, action="test.change", obj=regions["62"], region=regions["62"])
    again = stamps()
    assert {code for code in after if after[code] != again[code]} == {"62", "62.10", "country"}


# ---- query counts, cold and warm ----------------------------------------------------------

# The most queries a dashboard may cost, signed-in request included; equal at two data sizes.
COLD = {"district": 54, "province": 21, "national": 21}
WARM = {"district": 7, "province": 7, "national": 6}


def count(client, url: str) -> int:
    """The queries of ``GET url``, leaving out the session's renewal (written at most once a
    minute, whichever request it falls on) and savepoints."""
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(
        [
            q
            for q in ctx.captured_queries
            if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
        ]
    )


@pytest.mark.parametrize(
    ("kind", "who", "url"),
    [
        ("district", "bekasi.admin", f"{DISTRICT}&year=2025"),
        ("district", "bekasi.dinkes", f"{DISTRICT}&year=2025"),
        ("province", "verifier.jabar", PROVINCE),
        ("national", "ministry", NATIONAL),
    ],
)
def test_cold_and_warm_query_counts_are_fixed(client, personas, kind, who, url):
    from layak.dashboards.tests.test_views import grow

    w = SimpleNamespace(**vars(build(personas)), plan=build_plan(personas))
    client.force_login(personas[who])
    client.get("/")
    got = []
    for n in (2, 20):
        grow(personas, w, n)
        cold, warm, again = count(client, url), count(client, url), count(client, url)
        assert warm == again
        got.append((cold, warm))
    assert got[0] == got[1], got
    cold, warm = got[0]
    assert cold <= COLD[kind] and warm <= WARM[kind], (cold, warm)
    assert_cached(client, url)


@pytest.mark.parametrize("language", ["id", "en"])
@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("bekasi.admin", f"{DISTRICT}&year=2025"),
        ("verifier.jabar", PROVINCE),
        ("ministry", f"{NATIONAL}?province=32"),
    ],
)
def test_a_page_from_the_cache_is_the_page_built_afresh_without_drawing(
    client, personas, monkeypatch, who, url, language
):
    """The figures are drawn and their numbers formatted once, when they are built: a
    request served from the cache draws nothing and shows the same page."""
    from layak.dashboards.charts import Table

    build(personas)
    build_plan(personas)
    personas[who].language = language
    personas[who].save(update_fields=["language"])
    client.force_login(personas[who])
    cache.clear()
    cold = client.get(url)
    assert cold.status_code == 200 and 'data-testid="chart-' in cold.content.decode()

    def drawing(self):
        raise AssertionError("drawn again")

    monkeypatch.setattr(Table, "drawing", drawing)
    warm = client.get(url)
    assert warm.status_code == 200
    # The pages differ only in the request's own CSRF tokens.
    assert _without_token(warm.content) == _without_token(cold.content)
    assert_cached(client, url)


def _without_token(html: bytes) -> str:
    import re

    text = re.sub(r'"X-CSRFToken": "[^"]+"', "", html.decode())
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)


def test_clearing_the_cache_makes_the_next_request_cold(client, personas):
    build(personas)
    client.force_login(personas.bekasi_admin)
    client.get(DISTRICT)
    assert_cached(client, DISTRICT)
    cache.clear()
    assert figure_queries(client, DISTRICT) != []


def test_figures_are_kept_in_the_process_then_in_the_shared_store(personas) -> None:
    """A second read comes from this process's memory (the stamp's query only); another
    process, which has not read them, finds them in the shared store (one query more), and
    neither builds them again."""
    region = Region.objects.get(code="32.16")
    built: list[int] = []

    def figures() -> tuple[dict[str, int], None]:
        built.append(1)
        return {"total": 42}, None

    assert cache.figures("uji", region, ("a",), figures) == {"total": 42}
    with CaptureQueriesContext(connection) as local:
        assert cache.figures("uji", region, ("a",), figures) == {"total": 42}
    cache.forget_local()  # as another process, which has not read them yet
    with CaptureQueriesContext(connection) as shared:
        assert cache.figures("uji", region, ("a",), figures) == {"total": 42}
    assert (len(local), len(shared), len(built)) == (1, 2, 1)
    cache.clear()
    cache.figures("uji", region, ("a",), figures)
    assert len(built) == 2
