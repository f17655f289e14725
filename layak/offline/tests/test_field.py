"""Field verification on site without a connection: an independent assessor's scores and
photos sent later go through ``verification.verify_item`` and ``field_photo_add``, a score
given meanwhile by someone else is a conflict, and other districts are out of reach."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from layak.audit.models import AuditEntry
from layak.evaluation import verification
from layak.evaluation.models import FieldPhoto, Score, Stage
from layak.evaluation.tests.test_verification import submit_all
from layak.offline.models import SentChange
from layak.testing import move_stages

pytestmark = pytest.mark.django_db
K = Stage.Kind


@pytest.fixture
def field(personas, evaluation):
    """Bekasi submitted; the province and the ministry agreed; the field stage is open."""
    submit_all(personas, evaluation)
    for kind, who in ((K.PROVINCE, personas.jabar), (K.MINISTRY, personas.ministry)):
        move_stages(evaluation.cycle, kind)
        verification.verify_agree_rest(actor=who, assessment=evaluation.bekasi, stage=kind)
    move_stages(evaluation.cycle, K.FIELD)
    return evaluation


def score(client, answer, **fields):
    data = {
        "client_id": fields.pop("client_id", "s-1"),
        "made_at": (timezone.now() - datetime.timedelta(hours=1)).isoformat(),
        "seen": "",
        **fields,
    }
    return client.post(f"/offline/field/{answer.pk}/", data)


def test_the_assessor_takes_the_districts_items_along(client, personas, field):
    client.force_login(personas["assessor"])
    items = client.get("/offline/package/").json()["items"]
    assert [i["code"] for i in items] == ["T-1.1", "T-1.2", "T-2.1", "T-2.2"]
    first = items[0]
    assert (first["mode"], first["answered"], first["before"], first["max"]) == (
        "field",
        "Perda",
        "30",
        "30",
    )
    assert first["shown"] == "belum diverifikasi"


def test_an_adjusted_score_is_stored_with_its_reason_and_both_times(client, personas, field):
    client.force_login(personas["assessor"])
    t11 = field.answers["T-1.1"]
    response = score(
        client, t11, decision="adjust", points="22,5", reason="Perda belum diundangkan"
    )
    body = response.json()
    assert body["status"] == "saved", body
    assert body["item"]["shown"] == "disesuaikan: 22,5 — Perda belum diundangkan"
    stored = Score.objects.get(answer=t11, stage=K.FIELD)
    assert (stored.points, stored.decision) == (Decimal("22.5"), "adjusted")
    entry = AuditEntry.objects.get(action="score.adjusted", object_id=str(t11.pk))
    assert entry.made_at is not None and entry.made_at < entry.at
    # Sent twice, stored once.
    score(client, t11, decision="adjust", points="22,5", reason="Perda belum diundangkan")
    assert AuditEntry.objects.filter(action="score.adjusted").count() == 1


def test_a_change_without_a_reason_is_refused_with_the_online_message(client, personas, field):
    client.force_login(personas["assessor"])
    body = score(client, field.answers["T-1.1"], decision="adjust", points="10").json()
    assert body["status"] == "refused"
    assert body["message"] == "Berikan alasan perubahan nilai."
    assert not Score.objects.filter(stage=K.FIELD).exists()


def test_a_score_given_meanwhile_is_a_conflict(client, personas, field):
    t21 = field.answers["T-2.1"]
    verification.verify_item(
        actor=personas.ministry, answer=t21, stage=K.FIELD, points=Decimal(15), reason="Data 2025"
    )
    client.force_login(personas["assessor"])
    body = score(client, t21, decision="agree").json()
    assert body["status"] == "conflict"
    assert body["mine"] == "setuju"
    assert body["item"]["shown"] == "disesuaikan: 15 — Data 2025"
    # Decided again with their score in view, it is stored.
    again = score(client, t21, client_id="s-2", decision="agree", seen=body["item"]["seen"])
    assert again.json()["status"] == "saved"
    assert Score.objects.get(answer=t21, stage=K.FIELD).points == Decimal(30)


def test_a_closed_field_stage_refuses_the_late_score(client, personas, field):
    move_stages(field.cycle, K.FINAL)
    client.force_login(personas["assessor"])
    body = score(client, field.answers["T-1.1"], decision="agree").json()
    assert body["status"] == "refused"
    assert "Verifikasi lapangan" in body["message"]


def test_a_field_photo_keeps_when_and_where(client, personas, field):
    client.force_login(personas["assessor"])
    data = io.BytesIO()
    Image.new("RGB", (30, 20), (0, 90, 160)).save(data, "JPEG")
    data.seek(0)
    data.name = "sekolah.jpg"
    taken = timezone.now() - datetime.timedelta(minutes=30)
    t11 = field.answers["T-1.1"]
    body = client.post(
        f"/offline/field-photos/{t11.pk}/",
        {
            "client_id": "f-1",
            "made_at": taken.isoformat(),
            "taken_at": taken.isoformat(),
            "latitude": "-1.1",
            "longitude": "113.8",
            "file": data,
        },
    ).json()
    assert body["status"] == "saved", body
    photo = FieldPhoto.objects.get(answer=t11)
    sent = SentChange.objects.get(client_id="f-1")
    assert (sent.field_photo, sent.taken_at, sent.latitude) == (photo, taken, Decimal("-1.1"))
    assert AuditEntry.objects.get(action="field_photo.added").made_at == taken


def test_other_districts_and_other_roles_are_out_of_reach(client, personas, field):
    t11 = field.answers["T-1.1"]
    # Gunung Mas's administrator does not reach Bekasi (404); an office does not verify (403).
    for outsider, status in ((personas.gm_admin, 404), (personas.bekasi_dinkes, 403)):
        client.force_login(outsider)
        assert score(client, t11, decision="agree").status_code == status
        assert client.post(f"/offline/field-photos/{t11.pk}/", {}).status_code == status
        assert client.get("/offline/package/").json()["items"] == []
    assert not Score.objects.filter(stage=K.FIELD).exists()
