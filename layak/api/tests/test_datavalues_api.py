"""Indicator data values in bulk through the API (DHIS2-like dataValueSets)."""

from __future__ import annotations

import json

import pytest

from layak.api.actions import token_create
from layak.indicators.models import DataValue
from layak.indicators.tests.helpers import definitions, put

pytestmark = pytest.mark.django_db
URL = "/api/v1/dataValueSets"


@pytest.fixture(autouse=True)
def _setup(personas, english):
    definitions()


def post(client, values, **query):
    qs = "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(
        f"{URL}?{qs}", json.dumps({"dataValues": values}), content_type="application/json"
    )


BIRTHS = {"dataElement": "births", "orgUnit": "32.16", "period": "2025", "value": "1200"}
FACILITY = {"dataElement": "births_facility", "orgUnit": "32.16", "period": "2025", "value": "1100"}


def test_a_set_is_checked_written_and_written_again_without_change(client, personas):
    client.force_login(personas.bekasi_admin)
    dry = post(client, [BIRTHS, FACILITY], dryRun="true").json()
    assert dry["status"] == "OK" and dry["applied"] is False
    assert dry["importCount"]["imported"] == 2
    assert not DataValue.objects.exists()
    done = post(client, [BIRTHS, FACILITY]).json()
    assert done["applied"] is True and done["importCount"]["imported"] == 2
    again = post(client, [BIRTHS, FACILITY]).json()
    assert again["importCount"] == {"imported": 0, "updated": 0, "deleted": 0, "ignored": 2}


def test_all_or_nothing_and_row_by_row(client, personas):
    client.force_login(personas.bekasi_admin)
    outside = {**BIRTHS, "orgUnit": "62.10"}
    refused = post(client, [BIRTHS, outside]).json()
    assert refused["status"] == "ERROR" and refused["applied"] is False
    assert refused["conflicts"][0]["row"] == 2
    assert not DataValue.objects.exists()
    partial = post(client, [BIRTHS, outside], importStrategy="rows").json()
    assert partial["status"] == "WARNING" and partial["importCount"]["imported"] == 1
    assert DataValue.objects.get().region.code == "32.16"


def test_reading_is_scoped_and_paginated(client, personas):
    put(personas.bekasi_admin, "births", "32.16", "2024", 1000)
    put(personas.bekasi_admin, "births", "32.16", "2025", 1200)
    put(personas.gm_admin, "births", "62.10", "2025", 300)
    client.force_login(personas.bekasi_dinkes)
    page = client.get(URL, {"limit": 1}).json()
    assert [v["orgUnit"] for v in page["dataValues"]] == ["32.16"] and page["next"]
    rest = client.get(URL, {"after": page["next"]}).json()
    assert [v["period"] for v in rest["dataValues"]] == ["2025"] and rest["next"] is None
    client.force_login(personas.gm_admin)
    values = client.get(URL, {"dataElement": "births"}).json()["dataValues"]
    assert [v["orgUnit"] for v in values] == ["62.10"]


def test_read_only_roles_cannot_write(client, personas):
    client.force_login(personas["verifier.jabar"])
    assert post(client, [BIRTHS]).status_code == 403
    assert not DataValue.objects.exists()


def test_a_bad_value_is_a_conflict_on_its_row_under_its_field(client, personas):
    """A long invalid period is a conflict on its row (not a refusal of the whole request); a
    region outside the district is reported under orgUnit; a JSON number is a value."""
    token = token_create(actor=personas.bekasi_admin, name="sync", days=30)[1]
    numeric = {**BIRTHS, "value": 1200}
    long_period = {**FACILITY, "period": "2025-01-01T00:00:00+07:00/P1Y"}
    outside = {**FACILITY, "orgUnit": "62.10"}
    response = client.post(
        f"{URL}?importStrategy=rows",
        json.dumps({"dataValues": [numeric, long_period, outside]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"ApiToken {token}",
    )
    assert response.status_code == 200
    summary = response.json()
    assert summary["status"] == "WARNING"
    assert [(c["row"], c["field"]) for c in summary["conflicts"]] == [(2, "period"), (3, "orgUnit")]
    # In the token owner's language: Indonesian.
    assert "Kabupaten Gunung Mas" in summary["conflicts"][1]["message"]
    assert "Anda tidak dapat" in summary["conflicts"][1]["message"]
    assert summary["importCount"] == {"imported": 1, "updated": 0, "deleted": 0, "ignored": 2}
    assert DataValue.objects.get().value == 1200


def test_a_dry_run_says_what_the_real_run_does(client, personas):
    client.force_login(personas.bekasi_admin)
    outside = {**BIRTHS, "orgUnit": "62.10"}
    dry = post(client, [BIRTHS, outside], importStrategy="rows", dryRun="true").json()
    real = post(client, [BIRTHS, outside], importStrategy="rows").json()
    assert dry["status"] == real["status"] == "WARNING"
    assert dry["importCount"] == real["importCount"]
    refused = post(client, [FACILITY, outside]).json()
    assert refused["status"] == "ERROR"
    assert refused["importCount"] == {"imported": 0, "updated": 0, "deleted": 0, "ignored": 2}
