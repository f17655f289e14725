"""The DHIS2-style API (``/api/dataValueSets`` and metadata): identifiers, periods,
credentials, DHIS2's parameters and their meaning, the import summary and status codes, reads
with DHIS2's filters, scope, and the query count."""

from __future__ import annotations

import base64
import json
from xml.etree import ElementTree

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.api import dhis2_ids as ids
from layak.api.actions import token_create
from layak.audit.models import AuditEntry
from layak.indicators import actions
from layak.indicators.models import DataValue
from layak.indicators.tests.helpers import definitions, office, put, stored
from layak.jobs.models import Job

pytestmark = pytest.mark.django_db
URL = "/api/dataValueSets"
BIRTHS = ids.element_uid("births")
FACILITY = ids.element_uid("births_facility")
CHILDREN = ids.element_uid("children")
BEKASI = ids.region_uid("32.16")
GUNUNG_MAS = ids.region_uid("62.10")


@pytest.fixture(autouse=True)
def _definitions(personas):
    definitions()


def auth(personas, role="bekasi.admin", **headers):
    token = token_create(actor=personas[role], name="dhis2", days=30)[1]
    return {"HTTP_AUTHORIZATION": f"ApiToken {token}", **headers}


def post(client, headers, body, query="", content_type="application/json", path=URL):
    data = body if isinstance(body, str) else json.dumps(body)
    return client.post(f"{path}?{query}", data, content_type=content_type, **headers)


def read(client, headers, path=URL, **params):
    response = client.get(path, params, **headers)
    assert response.status_code == 200, response.content
    return json.loads(b"".join(response.streaming_content))


def a_set(*values, **fields):
    return {"period": "2025", "orgUnit": BEKASI, **fields, "dataValues": list(values)}


def enter_with_provenance(actor):
    """Dinkes Bekasi's births of 2025 through the file import, with a source dataset, date and
    comment (which DHIS2 values do not carry)."""
    actions.import_rows(
        actor=actor,
        rows=[
            {
                "element": "births",
                "region": "32.16",
                "period": "2025",
                "value": "1200",
                "dataset": "Register kohort ibu",
                "source_date": "2026-01-10",
                "comment": "Angka sementara",
            }
        ],
        mode=actions.Mode.ALL_OR_NOTHING,
        dry_run=False,
    )


# ---- identifiers and periods ----------------------------------------------------------------


def test_identifiers_are_stable_dhis2_uids_read_back_without_a_lookup():
    assert ids.region_uid("32.16") == "r0000000sKl"  # pinned: clients store them
    assert ids.element_uid("births") == "ey0v8CAgVcc"
    for code in ("32", "32.16", "32.16.01", "32.16.01.2001"):
        uid = ids.region_uid(code)
        assert ids.UID.match(uid) and ids.region_code(uid) == code
    assert ids.organisation_pk(ids.organisation_uid(42)) == 42
    assert ids.region_code(ids.organisation_uid(42)) is None
    assert ids.combo_uid("") == "HllvX50cXC0" and ids.combo_uid("sex=F") != ids.combo_uid("sex=M")


def test_periods_in_dhis2_formats():
    assert ids.to_layak("202501") == "2025-01" and ids.to_dhis2("2025-01") == "202501"
    assert [ids.period_type_of(p) for p in ("2025", "2025Q1", "202501", "2025W05", "2025X")] == [
        "year",
        "quarter",
        "month",
        "week",
        None,
    ]


# ---- credentials ----------------------------------------------------------------------------


def test_apitoken_and_basic_with_a_token_need_no_csrf_token(client, personas):
    client = type(client)(enforce_csrf_checks=True)
    headers = auth(personas)
    assert post(client, headers, a_set({"dataElement": BIRTHS, "value": "1"})).status_code == 200
    token = headers["HTTP_AUTHORIZATION"].split(" ", 1)[1]
    basic = base64.b64encode(f"{personas.bekasi_admin.email}:{token}".encode()).decode()
    response = client.get("/api/me", HTTP_AUTHORIZATION=f"Basic {basic}")
    assert response.json()["username"] == personas.bekasi_admin.email
    # The same token for another person's user name is refused.
    wrong = base64.b64encode(f"{personas.gm_admin.email}:{token}".encode()).decode()
    assert client.get("/api/me", HTTP_AUTHORIZATION=f"Basic {wrong}").status_code == 401
    # Layak's own API takes the DHIS2 header too.
    assert client.get("/api/v1/cycles", **headers).status_code == 200


def test_a_session_writes_only_with_its_csrf_token(client, personas):
    client = type(client)(enforce_csrf_checks=True)
    client.force_login(personas.bekasi_admin)
    response = post(client, {}, a_set({"dataElement": BIRTHS, "value": "1"}))
    assert response.status_code == 403 and not DataValue.objects.exists()
    assert client.get("/api/me").status_code == 200


def test_basic_with_a_password_is_off_by_default_and_never_for_two_factor_accounts(
    client, personas, settings
):
    def basic(persona):
        raw = f"{persona.email}:layak-demo".encode()
        return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(raw).decode()}

    off = client.get("/api/me", **basic(personas.bekasi_dinkes))
    assert off.status_code == 401 and "token akses pribadi" in off.json()["message"]
    settings.API_BASIC_AUTH = True
    assert client.get("/api/me", **basic(personas.bekasi_dinkes)).status_code == 200
    admin = client.get("/api/me", **basic(personas.bekasi_admin))
    assert admin.status_code == 401 and "langkah kedua" in admin.json()["message"]


# ---- writing --------------------------------------------------------------------------------


def test_set_level_fields_apply_and_an_identical_value_is_ignored_keeping_its_provenance(
    client, personas
):
    enter_with_provenance(personas.bekasi_dinkes)
    headers = auth(personas, "bekasi.dinkes")
    entries = AuditEntry.objects.count()
    body = a_set({"dataElement": BIRTHS, "value": 1200}, {"dataElement": FACILITY, "value": "1100"})
    summary = post(client, headers, body).json()["response"]
    assert summary["importCount"] == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}
    value = DataValue.objects.get(element__code="births")
    assert (value.dataset, value.comment, str(value.source_date)) == (
        "Register kohort ibu",
        "Angka sementara",
        "2026-01-10",
    )
    assert value.organisation == office()
    assert DataValue.objects.get(element__code="births_facility").organisation == office()
    assert AuditEntry.objects.count() == entries + 1


def test_conflicts_get_409_atomic_all_saves_nothing_and_the_dry_run_says_the_same(client, personas):
    headers = auth(personas)
    good = {"dataElement": BIRTHS, "value": "1200"}
    outside = {"dataElement": FACILITY, "orgUnit": GUNUNG_MAS, "value": "5"}
    long_period = {"dataElement": FACILITY, "period": "2025" * 20, "value": "5"}
    body = a_set(good, outside, long_period)
    for query in ("dryRun=true", ""):
        response = post(client, headers, body, query)
        assert response.status_code == 409
        summary = response.json()["response"]
        assert summary["status"] == "ERROR"
        assert summary["importCount"] == {"imported": 0, "updated": 0, "ignored": 3, "deleted": 0}
        conflicts = summary["conflicts"]
        assert [(c["indexes"], c["property"]) for c in conflicts] == [
            ([1], "orgUnit"),
            ([2], "period"),
        ]
        assert "Kabupaten Gunung Mas" in conflicts[0]["value"]
    assert not DataValue.objects.exists()
    for query in ("atomicMode=NONE&dryRun=true", "atomicMode=NONE"):
        response = post(client, headers, body, query)
        assert response.status_code == 409 and response.json()["status"] == "WARNING"
        assert response.json()["response"]["importCount"]["imported"] == 1
    assert stored("births", "32.16", "2025") == 1200 and DataValue.objects.count() == 1


def test_import_strategies_and_deleted_values(client, personas):
    headers = auth(personas)
    put(personas.bekasi_admin, "births", "32.16", "2025", 1200)
    body = a_set({"dataElement": BIRTHS, "value": "1300"}, {"dataElement": FACILITY, "value": "9"})
    created = post(client, headers, body, "importStrategy=CREATE").json()["response"]
    assert created["importCount"] == {"imported": 1, "updated": 0, "ignored": 1, "deleted": 0}
    assert stored("births", "32.16", "2025") == 1200
    body["dataValues"][1]["value"] = "10"
    body["dataValues"].append({"dataElement": FACILITY, "period": "2024", "value": "3"})
    updated = post(client, headers, body, "importStrategy=UPDATE").json()["response"]
    assert updated["importCount"] == {"imported": 0, "updated": 2, "ignored": 1, "deleted": 0}
    flagged = a_set({"dataElement": FACILITY, "value": "10", "deleted": True})
    assert post(client, headers, flagged).json()["response"]["importCount"]["deleted"] == 1
    gone = post(client, headers, a_set({"dataElement": BIRTHS}), "importStrategy=DELETE")
    assert gone.json()["response"]["importCount"]["deleted"] == 1
    # Removed values are kept, inactive, with their history.
    assert DataValue.objects.filter(is_active=False).count() == 2
    assert AuditEntry.objects.filter(action="indicators.value_removed").count() == 2
    everything = read(
        client,
        headers,
        dataElement=[BIRTHS, FACILITY],
        period="2025",
        orgUnit=BEKASI,
        includeDeleted="true",
    )["dataValues"]
    assert sorted((v["dataElement"], v["deleted"]) for v in everything) == [
        (FACILITY, True),
        (BIRTHS, True),
    ]
    refused = post(client, headers, body, "importStrategy=REPLACE")
    assert refused.status_code == 409 and "REPLACE" in refused.json()["message"]


def test_id_schemes_csv_xml_data_sets_and_disaggregations(client, personas):
    headers = auth(personas)
    csv = "dataelement,period,orgunit,categoryoptioncombo,attributeoptioncombo,value\n" + (
        "children,2025,32.16,sex=F,default,5000\nchildren,2025,32.16,sex=M,default,5100\n"
    )
    response = post(client, headers, csv, "idScheme=CODE", "application/csv", URL + ".csv")
    assert response.json()["response"]["importCount"]["imported"] == 2
    xml = (
        '<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" period="2025" '
        'orgUnit="Kabupaten Bekasi"><dataValue dataElement="Jumlah kelahiran hidup" '
        'value="1200"/></dataValueSet>'
    )
    response = post(client, headers, xml, "idScheme=NAME", "application/xml")
    assert response.json()["response"]["importCount"]["imported"] == 1
    wrong_set = a_set(
        {"dataElement": CHILDREN, "categoryOptionCombo": ids.combo_uid("sex=F"), "value": "1"},
        dataSet=ids.data_set_uid("K3_YEARLY"),
    )
    conflict = post(client, headers, wrong_set).json()["response"]["conflicts"][0]
    assert conflict["property"] == "dataElement" and "bukan bagian" in conflict["value"]
    monthly = post(
        client, headers, a_set({"dataElement": BIRTHS, "period": "202501", "value": "1"})
    )
    assert monthly.json()["response"]["conflicts"][0]["property"] == "period"
    unknown = post(
        client, headers, a_set({"dataElement": BIRTHS, "value": "1"}), "preheatCache=true"
    )
    assert unknown.status_code == 409 and "preheatCache" in unknown.json()["message"]


def test_messages_follow_accept_language(client, personas):
    headers = auth(personas, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    body = a_set({"dataElement": BIRTHS, "value": "abc"})
    conflict = post(client, headers, body).json()["response"]["conflicts"][0]
    assert conflict["property"] == "value" and "is not a number" in conflict["value"]
    indonesian = auth(personas)
    conflict = post(client, indonesian, body).json()["response"]["conflicts"][0]
    assert "bukan angka" in conflict["value"]


def test_read_only_roles_cannot_write(client, personas):
    response = post(
        client, auth(personas, "verifier.jabar"), a_set({"dataElement": BIRTHS, "value": "1"})
    )
    assert response.status_code == 403 and not DataValue.objects.exists()


def test_an_asynchronous_import_is_a_job_with_dhis2s_task_endpoints(client, personas):
    headers = auth(personas)
    started = post(client, headers, a_set({"dataElement": BIRTHS, "value": "1200"}), "async=true")
    endpoint = started.json()["response"]["relativeNotifierEndpoint"]
    uid = started.json()["response"]["id"]
    assert client.get(endpoint, **headers).json()[0]["completed"] is True
    summary = client.get(f"/api/system/taskSummaries/DATAVALUE_IMPORT/{uid}", **headers).json()
    assert summary["importCount"]["imported"] == 1 and stored("births", "32.16", "2025") == 1200
    other = auth(personas, "gunungmas.admin")
    assert client.get(endpoint, **other).status_code == 404


def test_an_asynchronous_import_shows_its_summary_on_the_jobs_page(client, personas):
    headers = auth(personas)
    body = a_set(
        {"dataElement": BIRTHS, "value": "1200"},
        {"dataElement": FACILITY, "orgUnit": GUNUNG_MAS, "value": "5"},
    )
    post(client, headers, body, "async=true&atomicMode=NONE")
    client.force_login(personas.bekasi_admin)
    job = Job.objects.get(created_by=personas.bekasi_admin)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "Nilai yang tanpa masalah disimpan" in page
    assert "Baru: 1; diubah: 0; dihapus: 0; dibiarkan: 1." in page
    assert "Kabupaten Gunung Mas" in page


# ---- reading --------------------------------------------------------------------------------


def test_reads_take_dhis2s_filters(client, personas):
    headers = auth(personas)
    put(personas.bekasi_admin, "births", "32.16", "2024", 1000)
    put(personas.bekasi_admin, "births", "32.16", "2025", 1200)
    put(personas.bekasi_admin, "children", "32.16", "2025", 5000, "sex=F")
    put(personas.gm_admin, "births", "62.10", "2025", 300)

    def periods(**params):
        values = read(client, headers, **params)["dataValues"]
        return sorted((v["dataElement"], v["period"]) for v in values)

    assert periods(dataElement=BIRTHS, period=["2024", "2025"], orgUnit=BEKASI) == [
        (BIRTHS, "2024"),
        (BIRTHS, "2025"),
    ]
    k1 = ids.data_set_uid("K1_YEARLY")
    assert periods(dataSet=k1, period="2025", orgUnit=BEKASI) == [(CHILDREN, "2025")]
    assert periods(
        dataElement=BIRTHS, startDate="2025-01-01", endDate="2025-12-31", orgUnit=BEKASI
    ) == [(BIRTHS, "2025")]
    assert (
        periods(dataElement=BIRTHS, startDate="2025-01-01", endDate="2025-12-30", orgUnit=BEKASI)
        == []
    )
    province = ids.region_uid("32")
    ministry = auth(personas, "ministry")
    values = read(client, ministry, dataElement=BIRTHS, period="2025", orgUnit=province)
    assert values["dataValues"] == []
    values = read(
        client, ministry, dataElement=BIRTHS, period="2025", orgUnit=province, children="true"
    )
    assert [v["orgUnit"] for v in values["dataValues"]] == [BEKASI]
    codes = read(
        client,
        headers,
        dataElement="children",
        lastUpdated="2000-01-01",
        orgUnit="32.16",
        idScheme="CODE",
    )["dataValues"]
    assert [(v["dataElement"], v["orgUnit"], v["categoryOptionCombo"]) for v in codes] == [
        ("children", "32.16", "sex=F")
    ]
    xml = client.get(
        URL + ".xml", {"dataElement": BIRTHS, "period": "2025", "orgUnit": BEKASI}, **headers
    )
    root = ElementTree.fromstring(b"".join(xml.streaming_content))  # noqa: S314 - our own XML
    assert [v.get("value") for v in root] == ["1200"]
    missing = client.get(URL, {"dataElement": BIRTHS, "orgUnit": BEKASI}, **headers)
    assert missing.status_code == 409
    weekly = client.get(
        URL, {"dataElement": BIRTHS, "period": "2025W05", "orgUnit": BEKASI}, **headers
    )
    assert weekly.status_code == 409
    outside = client.get(
        URL, {"dataElement": BIRTHS, "period": "2025", "orgUnit": GUNUNG_MAS}, **headers
    )
    assert outside.status_code == 404


def test_a_read_costs_the_same_queries_for_any_number_of_values(client, personas):
    headers = auth(personas)
    params = {
        "dataElement": BIRTHS,
        "startDate": "1900-01-01",
        "endDate": "2025-12-31",
        "orgUnit": BEKASI,
    }

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            read(client, headers, **params)
        return len(ctx.captured_queries)

    post(
        client,
        headers,
        a_set(
            *[{"dataElement": BIRTHS, "period": str(y), "value": "1"} for y in range(2020, 2023)]
        ),
    )
    few = queries()
    post(
        client,
        headers,
        a_set(
            *[{"dataElement": BIRTHS, "period": str(y), "value": "1"} for y in range(1910, 2020)]
        ),
    )
    assert queries() == few
    assert len(read(client, headers, **params)["dataValues"]) == 113


# ---- metadata -------------------------------------------------------------------------------


def test_metadata_lookups(client, personas):
    headers = auth(personas, "bekasi.dinkes")
    found = client.get(
        "/api/dataElements.json",
        {"filter": "code:eq:children", "fields": "id,categoryCombo"},
        **headers,
    ).json()
    element = found["dataElements"][0]
    assert element["id"] == CHILDREN
    assert {c["code"] for c in element["categoryCombo"]["categoryOptionCombos"]} == {
        "sex=F",
        "sex=M",
    }
    page = client.get("/api/dataElements", {"pageSize": 5, "page": 2}, **headers).json()
    assert page["pager"]["page"] == 2 and len(page["dataElements"]) == 5
    assert set(page["dataElements"][0]) == {"id", "displayName"}
    one = client.get(f"/api/categoryOptionCombos/{ids.DEFAULT_COMBO}", **headers).json()
    assert one["code"] == "default"
    units = client.get(
        "/api/organisationUnits", {"paging": "false", "fields": "id,code,level"}, **headers
    )
    assert {u["code"] for u in units.json()["organisationUnits"]} >= {"32.16"}
    assert "62.10" not in {u["code"] for u in units.json()["organisationUnits"]}
    assert client.get(f"/api/organisationUnits/{GUNUNG_MAS}", **headers).status_code == 404
    bekasi = client.get(
        "/api/organisationUnits",
        {"filter": "code:eq:32.16", "fields": "id,children[id]"},
        **headers,
    ).json()["organisationUnits"][0]
    assert {ids.region_code(c["id"]) for c in bekasi["children"]} >= {"32.16.01"}
    dinkes = ids.organisation_uid(office().pk)
    assert (
        client.get(f"/api/organisationUnits/{dinkes}", **headers).json()["parent"]["id"] == BEKASI
    )
    sets = client.get("/api/dataSets", {"filter": "code:in:[K1_YEARLY,K3_YEARLY]"}, **headers)
    assert len(sets.json()["dataSets"]) == 2
    ordered = client.get("/api/dataSets", {"order": "code:desc", "fields": "code"}, **headers)
    codes = [s["code"] for s in ordered.json()["dataSets"]]
    assert codes == sorted(codes, reverse=True) and len(codes) > 1
    refused = client.get("/api/dataSets", {"filter": "code:gt:K1"}, **headers)
    assert refused.status_code == 409
    assert client.get("/api/me.json", **headers).json()["organisationUnits"][0]["id"] == BEKASI
    assert client.get("/api/me").status_code == 401


def test_a_value_sent_to_an_office_is_its_districts_value_from_that_office(client, personas):
    headers = auth(personas)
    dinkes = ids.organisation_uid(office().pk)
    response = post(
        client, headers, a_set({"dataElement": BIRTHS, "value": "1200"}, orgUnit=dinkes)
    )
    assert response.status_code == 200
    value = DataValue.objects.get()
    assert (value.region.code, value.organisation) == ("32.16", office())
    values = read(client, headers, dataElement=BIRTHS, period="2025", orgUnit=dinkes)
    assert [v["orgUnit"] for v in values["dataValues"]] == [BEKASI]


def test_organisation_units_cost_the_same_queries_for_any_page(client, personas):
    headers = auth(personas, "ministry")

    def queries(**params):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/organisationUnits", params, **headers)
        assert response.status_code == 200
        return len(ctx.captured_queries), len(response.json()["organisationUnits"])

    queries(pageSize=1)  # the token's first use is recorded once
    small, shown = queries(pageSize=2, fields="id,children")
    assert shown == 2
    large, shown = queries(pageSize=200, fields="id,code,name,level,path,parent,children")
    assert large == small and shown > 2


def test_single_values_are_saved_read_and_deleted_through_the_same_import(client, personas):
    headers = auth(personas)
    single = "/api/dataValues"
    query = f"de={BIRTHS}&pe=2025&ou={BEKASI}"
    assert client.post(f"{single}?{query}&value=1200", **headers).status_code == 201
    assert client.get(f"{single}?{query}", **headers).json() == ["1200"]
    refused = client.post(f"{single}?{query}&value=-1", **headers)
    assert refused.status_code == 409 and "kurang dari 0" in refused.json()["message"]
    assert client.delete(f"{single}?{query}", **headers).status_code == 204
    assert client.get(f"{single}?{query}", **headers).status_code == 404
    assert AuditEntry.objects.filter(action="indicators.value_removed").count() == 1
    reader = auth(personas, "bekasi.regent")
    assert client.post(f"{single}?{query}&value=5", **reader).status_code == 403


def test_an_import_costs_the_same_queries_for_any_number_of_values(client, personas):
    """Within one batch of the bulk writer (SQLite caps the values one INSERT takes; PostgreSQL
    copies thousands): the lookups do not grow with the set."""
    headers = auth(personas, "bekasi.dinkes")

    def queries(years):
        body = a_set(*[{"dataElement": BIRTHS, "period": str(y), "value": "1"} for y in years])
        with CaptureQueriesContext(connection) as ctx:
            response = post(client, headers, body)
        assert response.json()["response"]["importCount"]["imported"] == len(years)
        return len(ctx.captured_queries)

    queries([1900])  # the token's first use and the audit's content type, once
    assert queries(range(2020, 2023)) == queries(range(1960, 2000))
