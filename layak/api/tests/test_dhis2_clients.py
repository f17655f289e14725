"""DHIS2 clients against a live Layak, changed only in their base URL and credentials: the
``dhis2.py`` and ``dhis2-client`` libraries from PyPI and a script written the way DHIS2's Web
API documentation shows it (``scripts/dhis2_documented.sh``). Each imports with a dry run,
imports, imports again (ignored), reads everything back, gets conflicts for bad values and
deletes."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from dhis2 import Api  # type: ignore[import-untyped]
from dhis2.exceptions import RequestException  # type: ignore[import-untyped]
from dhis2_client import DHIS2Client
from dhis2_client.errors import DHIS2HTTPError

from layak.api import dhis2_ids as ids
from layak.api.actions import token_create
from layak.api.tests.test_dhis2 import enter_with_provenance
from layak.indicators.models import DataValue
from layak.indicators.tests.helpers import definitions, office
from layak.testing import make_personas

pytestmark = pytest.mark.django_db(transaction=True)
SCRIPT = Path(__file__).parent / "scripts" / "dhis2_documented.sh"


@pytest.fixture
def world():
    personas = make_personas()
    definitions()
    token = token_create(actor=personas.bekasi_dinkes, name="DHIS2", days=30)[1]
    return personas, token


def _births() -> DataValue:
    return DataValue.objects.select_related("organisation").get(
        element__code="births", region__code="32.16", period="2025"
    )


def test_dhis2_py(live_server, world, request):
    personas, token = world
    # dhis2.py signs in with HTTP Basic: the user name and, as the password, the token.
    api = Api(live_server.url, personas.bekasi_dinkes.email, token)
    # A kept-alive connection would hold a server thread, and its database connection, open.
    request.addfinalizer(api.session.close)
    de = api.get("dataElements", params={"filter": "code:eq:births", "fields": "id"}).json()
    births = de["dataElements"][0]["id"]
    units = api.get("organisationUnits", params={"filter": "code:eq:32.16"}).json()
    bekasi = units["organisationUnits"][0]["id"]
    payload = {
        "period": "2025",
        "orgUnit": bekasi,
        "dataValues": [
            {"dataElement": births, "value": 1200},
            {"dataElement": births, "period": "2024", "value": "1150"},
        ],
    }
    dry = api.post("dataValueSets", json=payload, params={"dryRun": "true"}).json()
    assert dry["response"]["importCount"]["imported"] == 2
    assert not DataValue.objects.exists()
    done = api.post("dataValueSets", json=payload).json()
    assert done["status"] == "OK" and done["response"]["importCount"]["imported"] == 2
    again = api.post("dataValueSets", json=payload).json()
    assert again["response"]["importCount"] == {
        "imported": 0,
        "updated": 0,
        "ignored": 2,
        "deleted": 0,
    }
    read = api.get(
        "dataValueSets",
        params=[
            ("dataElement", births),
            ("period", "2024"),
            ("period", "2025"),
            ("orgUnit", bekasi),
        ],
    ).json()
    assert sorted((v["period"], v["value"]) for v in read["dataValues"]) == [
        ("2024", "1150"),
        ("2025", "1200"),
    ]
    bad = {**payload, "dataValues": [{"dataElement": births, "value": "-5"}]}
    with pytest.raises(RequestException) as refused:
        api.post("dataValueSets", json=bad)
    assert refused.value.code == 409 and "tidak boleh kurang dari 0" in refused.value.description
    assert _births().value == 1200
    gone = api.post("dataValueSets", json=payload, params={"importStrategy": "DELETE"}).json()
    assert gone["response"]["importCount"]["deleted"] == 2
    assert not DataValue.objects.filter(is_active=True).exists()


def test_dhis2_client(live_server, world, request):
    personas, token = world
    client = DHIS2Client(live_server.url, token=token)
    request.addfinalizer(client.close)
    # A value the office entered through the file import, with its source and comment.
    enter_with_provenance(personas.bekasi_dinkes)
    births = next(
        e["id"] for e in client.get_data_elements(fields="id,code") if e["code"] == "births"
    )
    bekasi = client.get_current_user()["organisationUnits"][0]["id"]
    data_set = next(
        s["id"] for s in client.get_data_sets(fields="id,code") if s["code"] == "K3_YEARLY"
    )
    # Re-sending the stored value the DHIS2 way keeps its source, date and comment.
    same = client.post_data_value_set(
        {
            "dataSet": data_set,
            "period": "2025",
            "orgUnit": bekasi,
            "dataValues": [{"dataElement": births, "value": "1200"}],
        }
    )
    assert same["response"]["importCount"]["ignored"] == 1
    kept = _births()
    assert (kept.dataset, kept.comment, str(kept.source_date)) == (
        "Register kohort ibu",
        "Angka sementara",
        "2026-01-10",
    )
    assert kept.organisation == office()
    # 120 yearly values: every one comes back, none cut off by paging.
    years = [str(y) for y in range(1906, 2026)]
    many = {
        "orgUnit": bekasi,
        "dataValues": [{"dataElement": births, "period": y, "value": "10"} for y in years],
    }
    client.post("/api/dataValueSets", params={"dryRun": "true"}, json=many)
    imported = client.post_data_value_set(many)["response"]["importCount"]
    assert imported == {"imported": 119, "updated": 1, "ignored": 0, "deleted": 0}
    values = client.fetch_all(
        "/api/dataValueSets",
        params={
            "dataSet": data_set,
            "startDate": "1900-01-01",
            "endDate": "2025-12-31",
            "orgUnit": bekasi,
        },
        item_key="dataValues",
    )
    assert len(values) == 120
    gunung_mas = ids.region_uid("62.10")
    outside = {**many, "orgUnit": gunung_mas, "dataValues": many["dataValues"][:1]}
    with pytest.raises(DHIS2HTTPError) as refused:
        client.post_data_value_set(outside)
    assert refused.value.status_code == 409
    assert "Kabupaten Gunung Mas" in str(refused.value)
    # One value at a time, through /api/dataValues.
    combo = "HllvX50cXC0"
    client.set_data_value(births, "1906", bekasi, 12, co=combo)
    assert client.get_data_value(births, "1906", bekasi, co=combo) == ["12"]
    client.delete_data_value(births, "1906", bekasi, co=combo)
    with pytest.raises(DHIS2HTTPError) as missing:
        client.get_data_value(births, "1906", bekasi, co=combo)
    assert missing.value.status_code == 404
    client.set_data_value(births, "1906", bekasi, 10, co=combo)
    deleted = client.post("/api/dataValueSets", params={"importStrategy": "DELETE"}, json=many)[
        "response"
    ]["importCount"]
    assert deleted["deleted"] == 120


def test_documented_script(live_server, world, tmp_path):
    _personas, token = world
    run = subprocess.run(
        ["sh", str(SCRIPT)],
        cwd=tmp_path,
        env={**os.environ, "BASE": live_server.url, "TOKEN": token},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    steps = dict(
        (part.split("\n", 1)[0], part.split("\n", 1)[1]) for part in run.stdout.split("== ")[1:]
    )
    assert steps["dry-run"].endswith("status=200\n") and '"imported": 1' in steps["dry-run"]
    assert '"imported": 1' in steps["import"] and steps["import"].endswith("status=200\n")
    assert '"ignored": 1' in steps["re-import"]
    assert '"value": "1200"' in steps["read"] and '"comment": "Laporan tahunan"' in steps["read"]
    assert ",2025," in steps["read-csv"] and ",1200," in steps["read-csv"]
    assert steps["conflict"].endswith("status=409\n")
    assert '"deleted": 1' in steps["delete"]
    assert '"dataValues": []' in steps["read-after-delete"]
