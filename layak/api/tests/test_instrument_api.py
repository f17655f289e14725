"""The instruments on the API: read-only reference data for every signed-in caller."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.api.actions import token_create
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion

pytestmark = pytest.mark.django_db


@pytest.fixture
def kla2024(db) -> InstrumentVersion:
    bundled_load()
    return InstrumentVersion.objects.get(framework__code="kla2024")


@pytest.fixture
def dinkes(personas):
    """An office's token: instruments are reference data, read by every role."""
    _token, value = token_create(actor=personas.bekasi_dinkes, name="instrumen", days=30)
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def test_without_a_token_the_instrument_is_not_served(client, kla2024):
    response = client.get(f"/api/v1/instruments/{kla2024.pk}")
    assert response.status_code == 401 and response.json()["code"] == "unauthorised"
    assert client.get("/api/v1/frameworks").status_code == 401


def test_frameworks_and_the_version_with_its_groups_maxima(client, kla2024, dinkes):
    frameworks = {f["code"]: f for f in client.get("/api/v1/frameworks", **dinkes).json()}
    assert {"kla2024", "kla24", "kla31", "unicef-cfci"} <= set(frameworks)
    assert frameworks["kla2024"]["versions"] == [kla2024.pk]
    assert frameworks["unicef-cfci"]["has_points"] is False
    assert frameworks["kla24"]["name_en"].startswith("KLA indicators")
    body = client.get(f"/api/v1/instruments/{kla2024.pk}", **dinkes).json()
    assert body["reconstructed"] is True and "Ogan Ilir" in body["source"]
    assert body["scale_max"] == "1000.00" or float(body["scale_max"]) == 1000
    groups = {g["code"]: float(g["max_points"]) for g in body["groups"]}
    assert groups == {
        "KL": 164,
        "K1": 115,
        "K2": 156,
        "K3": 150,
        "K4": 110,
        "K5": 205,
        "KD": 100,
    }
    assert [b["code"] for b in body["bands"]][-2:] == ["UTAMA", "KLA"]
    assert client.get("/api/v1/instruments/999999", **dinkes).status_code == 404


def test_indicators_carry_their_own_maximum(client, kla2024, dinkes):
    rows = client.get(f"/api/v1/instruments/{kla2024.pk}/indicators", **dinkes).json()
    assert len(rows) == 31
    sra = next(r for r in rows if r["code"] == "K4-19")
    assert float(sra["max_points"]) == 51 and float(sra["questions_max_points"]) == 54
    assert sra["questions"] == 13
    assert sum(float(r["max_points"]) for r in rows) == 1000


def test_questions_page_through_with_options_bands_evidence_and_offices(client, kla2024, dinkes):
    url = f"/api/v1/instruments/{kla2024.pk}/questions"
    seen: list[dict[str, Any]] = []
    after = 0
    while True:
        page = client.get(url, {"after": after, "limit": 100}, **dinkes).json()
        seen += page["items"]
        if page["next"] is None:
            break
        after = page["next"]
    assert len(seen) == 274
    assert [q["code"] for q in seen][:2] == ["KL-1.1", "KL-1.2a"]
    policy = next(q for q in seen if q["code"] == "KL-1.2a")
    assert [float(o["points"]) for o in policy["options"]] == [1, 0.75, 0.5, 0.25, 0]
    assert policy["offices"] == ["JDIH", "Bagian Hukum", "Disdukcapil"]
    patbm = next(q for q in seen if q["code"] == "KD-26.15")
    assert patbm["kind"] == "percentage" and len(patbm["score_bands"]) == 6
    matrix = next(
        e
        for e in next(q for q in seen if q["code"] == "KL-3.1a")["evidence"]
        if e["kind"] == "matrix"
    )
    assert matrix["template"].endswith("/matrix.xlsx")
    assert client.get(matrix["template"], **dinkes).status_code == 302  # the page needs a session
    cfci = InstrumentVersion.objects.get(framework__code="unicef-cfci")
    goal = client.get(
        f"/api/v1/instruments/{cfci.pk}/questions", {"indicator": "G4"}, **dinkes
    ).json()["items"][0]
    assert goal["text_en"].startswith("Results for children are demonstrated")
    assert [(o["label_en"], o["meets"]) for o in goal["options"]] == [
        ("Met", True),
        ("Not met", False),
    ]
    one = client.get(url, {"indicator": "K5-21B"}, **dinkes).json()
    assert [q["code"] for q in one["items"]] == ["K5-21B.1", "K5-21B.2"]


def test_a_page_of_questions_costs_the_same_queries_for_10_or_200(client, kla2024, dinkes):
    url = f"/api/v1/instruments/{kla2024.pk}/questions"

    def count(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"limit": limit}, **dinkes).status_code == 200
        return len(ctx.captured_queries)

    count(1)  # the token's use is recorded on its first request
    assert count(10) == count(200)


def test_the_endpoints_are_in_the_openapi_schema(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/frameworks",
        "/api/v1/instruments/{pk}",
        "/api/v1/instruments/{pk}/indicators",
        "/api/v1/instruments/{pk}/questions",
    ):
        assert set(paths[path]) == {"get"}, path
