"""The REST API with personal access tokens: scope, writes through the same actions, errors."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.utils import timezone

from layak.api.actions import token_create, token_revoke
from layak.api.models import ApiToken
from layak.audit.models import AuditEntry
from layak.evaluation.models import Answer

pytestmark = pytest.mark.django_db


def bearer(value):
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


@pytest.fixture
def tokens(personas, evaluation):
    return {
        key: token_create(actor=personas[key], name="test", days=30)[1]
        for key in ("bekasi.dinkes", "bekasi.admin", "gunungmas.admin", "ministry")
    }


def test_token_is_shown_once_stored_hashed_and_audited(client, personas):
    client.force_login(personas.bekasi_dinkes)
    response = client.post("/accounts/tokens/", {"name": "Sinkron SIMFONI", "days": 30})
    value = response.context["created"]
    assert value.startswith("lyk_")
    token = ApiToken.objects.get()
    assert value.split("_", 2)[2] not in token.secret_hash and len(token.secret_hash) == 64
    assert value not in client.get("/accounts/tokens/").content.decode()
    assert AuditEntry.objects.filter(action="api_token.created").exists()


def test_missing_bad_revoked_and_expired_tokens_get_401_with_the_error_body(
    client, personas, tokens
):
    assert client.get("/api/v1/cycles").json()["code"] == "unauthorised"
    assert client.get("/api/v1/cycles", **bearer("lyk_00000000_nope")).status_code == 401
    good = tokens["bekasi.dinkes"]
    assert client.get("/api/v1/cycles", **bearer(good)).status_code == 200
    assert client.get("/api/v1/cycles", **bearer(good[:-2] + "xx")).status_code == 401
    token = ApiToken.objects.get(user=personas.bekasi_dinkes)
    token_revoke(actor=personas.bekasi_dinkes, token=token)
    assert client.get("/api/v1/cycles", **bearer(good)).status_code == 401
    admin = ApiToken.objects.get(user=personas.bekasi_admin)
    ApiToken.objects.filter(pk=admin.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    assert client.get("/api/v1/cycles", **bearer(tokens["bekasi.admin"])).status_code == 401


def test_a_token_reaches_no_further_than_its_owner(client, personas, evaluation, tokens):
    dinkes = bearer(tokens["bekasi.dinkes"])
    gm = evaluation.gm.pk
    response = client.get(f"/api/v1/assessments/{gm}", **dinkes)
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    answers = client.get(f"/api/v1/assessments/{evaluation.bekasi.pk}/answers", **dinkes).json()
    codes = [a["question"] for a in answers]
    assert codes == ["T-1.1", "T-1.2"]  # only the items assigned to Dinkes
    assert "Dinas Kesehatan Kabupaten Bekasi" in {
        x["organisation"] for x in answers[0]["assigned_to"]
    }
    t21 = evaluation.answers["T-2.1"].pk
    assert client.get(f"/api/v1/answers/{t21}", **dinkes).status_code == 404
    ids = {o["name"] for o in client.get("/api/v1/organisations", **dinkes).json()["items"]}
    assert ids == {"Dinas Kesehatan Kabupaten Bekasi"}
    assert client.get("/api/v1/audit", **dinkes).status_code == 403
    assert client.get("/api/v1/audit", **bearer(tokens["bekasi.admin"])).status_code == 200


def test_writes_go_through_the_workflow_with_conflicts_and_audit(
    client, personas, evaluation, tokens
):
    dinkes = bearer(tokens["bekasi.dinkes"])
    answer = evaluation.answers["T-1.1"]
    option = str(answer.question.options.get(label="Perda").pk)
    url = f"/api/v1/answers/{answer.pk}"
    body = {"value": {"option": option}, "note": "via API", "revision": 0}
    response = client.put(url, json.dumps(body), content_type="application/json", **dinkes)
    assert response.status_code == 200
    data = response.json()
    assert data["revision"] == 1 and Decimal(str(data["points"]["self"])) == 30
    stale = client.put(
        url, json.dumps(body | {"note": "x"}), content_type="application/json", **dinkes
    )
    assert stale.status_code == 409 and stale.json()["code"] == "conflict"
    refused = client.post(f"{url}/submit", **dinkes)
    assert refused.status_code == 422 and refused.json()["code"] == "refused"  # evidence missing
    entry = AuditEntry.objects.get(action="answer.saved")
    assert entry.actor == personas.bekasi_dinkes and entry.after["note"] == "via API"
    bad = client.put(url, json.dumps({"value": "x"}), content_type="application/json", **dinkes)
    assert bad.status_code == 422 and bad.json()["code"] == "invalid" and bad.json()["errors"]
    assert Answer.objects.get(pk=answer.pk).note == "via API"


def test_messages_come_in_the_token_owners_language(client, personas, evaluation, tokens):
    response = client.get(
        f"/api/v1/assessments/{evaluation.gm.pk}", **bearer(tokens["bekasi.dinkes"])
    )
    assert "wilayah" in response.json()["message"]  # Indonesian, the owner's language


def test_rate_limit_per_token(client, personas, tokens, settings):
    settings.API_RATE_LIMIT = 3
    from django.core.cache import cache

    cache.clear()
    headers = bearer(tokens["ministry"])
    statuses = [client.get("/api/v1/cycles", **headers).status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert client.get("/api/v1/cycles", **bearer(tokens["bekasi.admin"])).status_code == 200


def test_keyset_pagination_and_the_openapi_schema(client, personas, tokens):
    headers = bearer(tokens["ministry"])
    first = client.get("/api/v1/regions", {"parent": "32.16", "limit": 10}, **headers).json()
    assert len(first["items"]) == 10 and first["next"]
    second = client.get(
        "/api/v1/regions", {"parent": "32.16", "limit": 10, "after": first["next"]}, **headers
    ).json()
    assert not {r["code"] for r in first["items"]} & {r["code"] for r in second["items"]}
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/answers/{pk}" in schema["paths"]
    docs = client.get("/api/v1/docs").content.decode()
    assert "cdn.jsdelivr" not in docs and "swagger-ui-bundle.js" in docs
