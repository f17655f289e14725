"""Pages: the entry grid, element and indicator pages, publication; scope and query counts."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.audit.models import AuditEntry
from layak.indicators.models import DataElement, DataValue, Publication
from layak.indicators.tests.helpers import definitions, indicator, office, put, stored
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English."""


@pytest.fixture
def defs(personas):
    return definitions()


def cell(element: str, region: str, index: int = 0) -> str:
    e = DataElement.objects.get(code=element)
    r = Region.objects.get(code=region)
    return f"v-{e.pk}-{r.pk}-{index}"


def test_office_enters_a_grid_and_sees_the_percentage(client, personas, defs):
    client.force_login(personas.bekasi_dinkes)
    page = client.get("/data/entry/", {"area": "32.16", "cluster": "K3", "period": "2024"})
    assert page.status_code == 200
    assert b"Persalinan di fasilitas kesehatan" in page.content
    form = {"area": "32.16", "cluster": "K3", "period": "2024", "dataset": "Profil Kesehatan"}
    form[cell("births", "32.16")] = "800"
    form[cell("births_facility", "32.16")] = "776"
    form[f"c-{defs['births'].pk}-{Region.objects.get(code='32.16').pk}"] = "angka sementara"
    response = client.post("/data/entry/", form, follow=True)
    assert response.status_code == 200
    assert b"2 new" in response.content
    assert stored("births_facility", "32.16", "2024") == D(776)
    value = DataValue.objects.get(element__code="births")
    assert value.organisation == office() and value.comment == "angka sementara"
    assert value.dataset == "Profil Kesehatan"
    assert b'data-testid="computed-facility_births">97%' in response.content.replace(b"\n", b"")


def test_grid_refuses_everything_when_a_cell_is_wrong(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    form = {"area": "32.16", "cluster": "K3", "period": "2024"}
    form[cell("births", "32.16")] = "800"
    form[cell("births_facility", "32.16")] = "900"
    response = client.post("/data/entry/", form)
    assert response.status_code == 400
    assert b"Breaks the rule" in response.content
    assert not DataValue.objects.exists()
    form[cell("births_facility", "32.16")] = "12x"
    assert b"not a number" in client.post("/data/entry/", form).content


def test_a_broken_rule_gives_its_numbers_in_the_readers_format(client, personas, defs, monkeypatch):
    monkeypatch.setattr("layak.accounts.middleware.language_for", lambda request: "id")
    client.force_login(personas.bekasi_admin)
    form = {"area": "32.16", "cluster": "K3", "period": "2024"}
    form[cell("births", "32.16")] = "2.000"
    form[cell("births_facility", "32.16")] = "2.100"
    body = client.post("/data/entry/", form).content.decode()
    assert "Melanggar aturan" in body
    assert "bernilai 2.100" in body and "bernilai 2.000" in body
    assert not DataValue.objects.exists()


def test_clearing_a_cell_keeps_the_value_inactive(client, personas, defs):
    put(personas.bekasi_admin, "births", "32.16", "2024", 800)
    client.force_login(personas.bekasi_admin)
    form = {"area": "32.16", "cluster": "K3", "period": "2024", cell("births", "32.16"): ""}
    client.post("/data/entry/", form)
    value = DataValue.objects.get()
    assert not value.is_active
    assert AuditEntry.objects.filter(action="indicators.value_removed").count() == 1


def test_village_elements_need_a_kecamatan(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    page = client.get("/data/entry/", {"area": "32.16", "cluster": "K3", "period": "2024"})
    assert b"choose a kecamatan" in page.content
    village = Region.objects.filter(parent__code="32.16.09").order_by("code").first()
    page = client.get("/data/entry/", {"area": "32.16.09", "cluster": "K3", "period": "2024"})
    assert village.name.encode() in page.content
    form = {"area": "32.16.09", "cluster": "K3", "period": "2024"}
    form[cell("under5_measured", village.code, 0)] = "100"
    form[cell("under5_stunted", village.code, 0)] = "12"
    client.post("/data/entry/", form)
    assert stored("under5_stunted", village.code, "2024", "sex=M") == D(12)


def test_gunung_mas_cannot_see_or_enter_bekasi(client, personas, defs):
    put(personas.bekasi_admin, "births", "32.16", "2024", 800)
    client.force_login(personas.gm_admin)
    assert client.get("/data/elements/births/", {"region": "32.16"}).status_code == 404
    assert client.get("/data/", {"region": "32.16"}).status_code == 404
    assert client.get("/data/entry/", {"area": "32.16"}).status_code == 404
    form = {"area": "32.16", "cluster": "K3", "period": "2024", cell("births", "32.16"): "1"}
    assert client.post("/data/entry/", form).status_code == 404
    assert stored("births", "32.16", "2024") == D(800)


def test_bekasi_office_cannot_enter_gunung_mas(client, personas, defs):
    client.force_login(personas.bekasi_dinkes)
    assert client.get("/data/entry/", {"area": "62.10"}).status_code == 404
    client.force_login(personas.bekasi_regent)
    assert client.get("/data/entry/", {"area": "32.16"}).status_code == 403


def test_element_page_shows_totals_per_kecamatan(client, personas, defs):
    village = Region.objects.filter(parent__code="32.16.09").order_by("code").first()
    put(personas.bekasi_admin, "under5_measured", village.code, "2024", 40, "sex=F")
    put(personas.bekasi_admin, "under5_measured", village.code, "2024", 60, "sex=M")
    client.force_login(personas.bekasi_regent)
    page = client.get("/data/elements/under5_measured/", {"region": "32.16", "year": "2024"})
    assert page.status_code == 200
    kecamatan = Region.objects.get(code="32.16.09")
    assert kecamatan.name.encode() in page.content
    assert b">100<" in page.content and b">40<" in page.content


def test_a_value_is_listed_with_its_group_in_words(client, personas, defs):
    village = Region.objects.filter(parent__code="32.16.09").order_by("code").first()
    put(personas.bekasi_admin, "under5_measured", village.code, "2024", 40, "sex=F")
    client.force_login(personas.bekasi_regent)
    page = client.get("/data/elements/under5_measured/", {"region": "32.16", "year": "2024"})
    listed = page.content.decode().split('data-testid="element-breakdown"')[1]
    assert "<td>Perempuan</td>" in listed and "sex=F" not in listed
    value = DataValue.objects.get(disaggregation="sex=F")
    detail = client.get(f"/data/values/{value.pk}/").content.decode()
    assert "<dd>Perempuan</dd>" in detail and "sex=F" not in detail


def test_indicator_page_and_publication(client, personas, defs):
    put(personas.bekasi_admin, "births", "32.16", "2024", 800)
    put(personas.bekasi_admin, "births_facility", "32.16", "2024", 776)
    client.force_login(personas.bekasi_admin)
    page = client.get("/data/", {"region": "32.16", "year": "2024"})
    assert b"97%" in page.content
    facility = indicator("facility_births")
    post = {"region": "32.16", "year": "2024", "indicator": facility.pk}
    client.post("/data/publish/", {**post, "op": "target", "target": "95"})
    client.post("/data/publish/", {**post, "op": "publish"})
    assert Publication.objects.get().is_active
    page = client.get("/data/", {"region": "32.16", "year": "2024"})
    assert b"published" in page.content and b"met" in page.content
    client.force_login(personas.bekasi_dinkes)
    assert client.post("/data/publish/", {**post, "op": "unpublish"}).status_code == 403
    assert Publication.objects.get().is_active


def _grow(personas, n: int) -> None:
    villages = Region.objects.filter(level=4, code__startswith="32.16.").order_by("code")[:n]
    from layak.indicators import actions

    rows = []
    for village in villages:
        for sex in ("F", "M"):
            rows.append(
                {
                    "element": "under5_measured",
                    "region": village.code,
                    "period": "2024",
                    "disaggregation": f"sex={sex}",
                    "value": "50",
                }
            )
    actions.import_rows(actor=personas.bekasi_admin, rows=rows, mode="all", dry_run=False)


def queries(client, url: str, data: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url, data).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/data/", {"region": "32.16", "year": "2024"}),
        ("/data/elements/", {}),
        ("/data/elements/under5_measured/", {"region": "32.16", "year": "2024"}),
        ("/data/elements/under5_measured/", {"region": "32.16.09", "year": "2024"}),
        ("/data/entry/", {"area": "32.16.09", "cluster": "K3", "period": "2024"}),
        ("/data/publish/", {"region": "32.16", "year": "2024"}),
    ],
)
def test_query_counts_do_not_grow(client, personas, defs, url, data):
    client.force_login(personas.bekasi_admin)
    _grow(personas, 3)
    small = queries(client, url, data)
    _grow(personas, 30)
    assert queries(client, url, data) == small
