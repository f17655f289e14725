"""The API tells what is wrong with a parameter in the token owner's language, naming it as
the documentation does."""

import pytest

from layak.api.actions import token_create

pytestmark = pytest.mark.django_db


def test_a_parameter_error_speaks_indonesian_and_names_the_id(client, personas, evaluation):
    token = token_create(actor=personas.bekasi_admin, name="uji", days=30)[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = client.get("/api/v1/assessments/abc", **headers).json()
    assert body["code"] == "invalid" and body["message"] == "Beberapa isian tidak sah."
    assert body["errors"] == {"id": ["Masukkan bilangan bulat."]}
    body = client.get("/api/v1/assessments?cycle=-1", **headers).json()
    assert body["errors"] == {"cycle": ["Masukkan angka paling kecil 1."]}


def test_an_english_reader_gets_english(client, personas, evaluation):
    personas.bekasi_admin.language = "en"
    personas.bekasi_admin.save(update_fields=["language"])
    token = token_create(actor=personas.bekasi_admin, name="uji", days=30)[1]
    body = client.get("/api/v1/assessments/abc", HTTP_AUTHORIZATION=f"Bearer {token}").json()
    assert body["errors"] == {"id": ["Enter a whole number."]}
