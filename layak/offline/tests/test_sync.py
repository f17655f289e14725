"""Sending work made without a connection: the same checks as a save made online (value,
stage window, revision), the audit entry with the time on the phone and the time of arrival,
a change sent twice stored once, and the person's scope (404 outside)."""

from __future__ import annotations

import datetime
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from layak.audit.models import AuditEntry
from layak.evaluation import actions
from layak.evaluation.models import Answer, Stage
from layak.evidence.models import EvidenceLink
from layak.offline.models import SentChange
from layak.testing import make_village_cycle, move_stages

pytestmark = pytest.mark.django_db


@pytest.fixture
def village(personas):
    ev = make_village_cycle(personas)
    operator = personas["bekasi.village"]
    own = operator.memberships.get().organisation.region
    ev.own = next(a for a in ev.assessments if a.region_id == own.pk)
    ev.other = next(a for a in ev.assessments if a.region_id != own.pk)
    ev.operator = operator
    return ev


def answer_of(assessment, code: str) -> Answer:
    return Answer.objects.select_related("question").get(assessment=assessment, question__code=code)


def option(answer: Answer, label: str) -> str:
    return str(answer.question.options.get(label=label).pk)


def send(client, answer: Answer, *, made_at: datetime.datetime, client_id: str = "", **fields):
    data = {
        "client_id": client_id or uuid.uuid4().hex,
        "made_at": made_at.isoformat(),
        "revision": str(answer.revision),
        "note": "",
        **fields,
    }
    return client.post(f"/offline/answers/{answer.pk}/", data)


def test_an_answer_made_offline_is_saved_and_audited_with_both_times(client, village):
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.1")
    made = timezone.now() - datetime.timedelta(hours=2)
    response = send(
        client,
        answer,
        made_at=made,
        option=option(answer, "Ada dan berjalan"),
        note="Forum rapat tiap bulan",
    )
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "saved"
    assert body["item"]["revision"] == 1
    assert body["item"]["shown"] == "Ada dan berjalan"
    answer.refresh_from_db()
    assert answer.value == {"option": option(answer, "Ada dan berjalan")}
    assert answer.note == "Forum rapat tiap bulan"
    entry = AuditEntry.objects.get(action="answer.saved", object_id=str(answer.pk))
    assert entry.made_at == made
    assert entry.at > made
    assert entry.actor == village.operator
    sent = SentChange.objects.get(answer=answer)
    assert sent.made_at == made and sent.received_at > made


def test_a_change_sent_twice_is_stored_once(client, village):
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.1")
    made = timezone.now() - datetime.timedelta(minutes=5)
    first = send(client, answer, made_at=made, client_id="c-1", option=option(answer, "Belum ada"))
    # The answer to the first send was lost with the signal: the phone sends it again.
    again = send(client, answer, made_at=made, client_id="c-1", option=option(answer, "Belum ada"))
    assert first.json()["status"] == again.json()["status"] == "saved"
    assert AuditEntry.objects.filter(action="answer.saved", object_id=str(answer.pk)).count() == 1
    answer.refresh_from_db()
    assert answer.revision == 1


def test_a_value_the_question_refuses_is_refused_with_its_message(client, village):
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.1")
    other = answer_of(village.own, "V-1.2")
    response = send(
        client, answer, made_at=timezone.now(), option=option(other, "Ada dan berjalan")
    )
    body = response.json()
    assert body["status"] == "refused"
    assert body["message"] == "Pilih salah satu opsi."
    answer.refresh_from_db()
    assert answer.value == {} and answer.revision == 0
    assert not AuditEntry.objects.filter(action="answer.saved").exists()
    assert not SentChange.objects.exists()


def test_a_stage_closed_meanwhile_refuses_the_late_answer(client, village):
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.1")
    made = timezone.now() - datetime.timedelta(days=2)
    move_stages(village.cycle, Stage.Kind.DISTRICT)
    response = send(client, answer, made_at=made, option=option(answer, "Ada dan berjalan"))
    body = response.json()
    assert body["status"] == "refused"
    region = village.own.region
    assert body["message"] == (
        f"Tahap evaluasi mandiri sudah ditutup untuk {region.name} ({region.get_kind_display()})."
    )
    answer.refresh_from_db()
    assert answer.value == {}
    assert not SentChange.objects.exists()


def test_a_change_made_meanwhile_is_a_conflict_showing_both_values(client, personas, village):
    answer = answer_of(village.own, "V-1.1")
    actions.answer_save(
        actor=personas["bekasi.kecamatan"],
        answer=answer,
        value={"option": option(answer, "Belum ada")},
        note="Belum dibentuk",
        revision=0,
    )
    client.force_login(village.operator)
    response = send(
        client,
        answer,  # still revision 0, as the phone had it
        made_at=timezone.now(),
        option=option(answer, "Ada dan berjalan"),
        note="SK Forum Anak Desa",
    )
    body = response.json()
    assert body["status"] == "conflict"
    assert "setelah Anda membukanya" in body["message"]
    assert body["mine"] == "Ada dan berjalan — catatan: SK Forum Anak Desa"
    assert body["item"]["shown"] == "Belum ada"
    assert body["item"]["note"] == "Belum dibentuk"
    assert body["item"]["revision"] == 1
    answer.refresh_from_db()
    assert answer.value == {"option": option(answer, "Belum ada")}
    # Sent again on top of their version, it is saved.
    again = send(
        client,
        answer,
        made_at=timezone.now(),
        option=option(answer, "Ada dan berjalan"),
        note="SK Forum Anak Desa",
    )
    assert again.json()["status"] == "saved"


def jpeg() -> io.BytesIO:
    data = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(data, "JPEG")
    data.seek(0)
    data.name = "foto.jpg"
    return data


def test_a_photo_is_attached_with_when_and_where_it_was_taken(client, village):
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.2")
    taken = timezone.now() - datetime.timedelta(hours=1)
    response = client.post(
        f"/offline/photos/{answer.pk}/",
        {
            "client_id": "p-1",
            "made_at": taken.isoformat(),
            "taken_at": taken.isoformat(),
            "latitude": "-6.2615",
            "longitude": "107.1520",
            "accuracy": "12",
            "file": jpeg(),
        },
    )
    body = response.json()
    assert body["status"] == "saved", body
    assert body["revision_before"] == 0
    assert body["item"]["revision"] == 1
    link = EvidenceLink.objects.select_related("file").get(answer=answer, is_active=True)
    assert link.file.content_type == "image/jpeg"
    assert body["item"]["evidence"] == [link.file.name]
    sent = SentChange.objects.get(client_id="p-1")
    assert (sent.evidence, sent.taken_at, str(sent.latitude), sent.accuracy) == (
        link.file,
        taken,
        "-6.261500",
        12,
    )
    placed = AuditEntry.objects.get(action="photo.placed")
    assert placed.made_at == taken
    assert placed.after["latitude"] == "-6.261500"
    attached = AuditEntry.objects.get(action="evidence.attached")
    assert attached.made_at == taken


def test_a_file_that_is_not_a_photo_is_refused_and_nothing_is_stored(client, village):
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.2")
    fake = io.BytesIO(b"<html>bukan foto</html>")
    fake.name = "foto.jpg"
    response = client.post(
        f"/offline/photos/{answer.pk}/",
        {"client_id": "p-2", "made_at": timezone.now().isoformat(), "file": fake},
    )
    assert response.json()["status"] == "refused"
    assert not EvidenceLink.objects.filter(answer=answer).exists()
    assert not SentChange.objects.exists()


def test_outside_the_persons_items_is_404(client, personas, village):
    client.force_login(village.operator)
    other = answer_of(village.other, "V-1.1")
    assert send(client, other, made_at=timezone.now(), option="1").status_code == 404
    assert client.post(f"/offline/photos/{other.pk}/", {}).status_code == 404
    # An office of the regency is not a village's operator either.
    client.force_login(personas.bekasi_dinkes)
    own = answer_of(village.own, "V-1.1")
    assert send(client, own, made_at=timezone.now(), option="1").status_code == 404


def test_the_package_holds_the_persons_open_items_only(client, personas, village):
    client.force_login(village.operator)
    body = client.get("/offline/package/").json()
    assert body["user"] == village.operator.pk
    assert [i["code"] for i in body["items"]] == ["V-1.1", "V-1.2"]
    assert {i["where"] for i in body["items"]} == {f"DEKELA Uji · {village.own.region.name}"}
    assert body["items"][0]["options"][0]["label"] == "Ada dan berjalan"
    # A submitted item is no longer the person's to change.
    answer = answer_of(village.own, "V-1.1")
    answer = actions.answer_save(
        actor=village.operator,
        answer=answer,
        value={"option": option(answer, "Ada dan berjalan")},
        note="",
        revision=0,
    )
    actions.answer_submit(actor=village.operator, answer=answer)
    assert [i["code"] for i in client.get("/offline/package/").json()["items"]] == ["V-1.2"]
    # Once the self-assessment closes, nothing is taken along.
    move_stages(village.cycle, Stage.Kind.DISTRICT)
    assert client.get("/offline/package/").json()["items"] == []


def test_the_package_costs_the_same_queries_for_one_village_or_three(client, personas, village):
    def count(user) -> tuple[int, int]:
        client.force_login(user)
        with CaptureQueriesContext(connection) as queries:
            items = client.get("/offline/package/").json()["items"]
        return len(items), len(queries)

    one, few = count(village.operator)
    three, many = count(personas["bekasi.kecamatan"])
    assert (one, three) == (2, 6)
    assert few == many


def test_a_signed_out_phone_gets_a_json_answer(client, village):
    answer = answer_of(village.own, "V-1.1")
    response = send(client, answer, made_at=timezone.now(), option="1")
    assert response.status_code == 401
    assert response.json()["status"] == "signed_out"
    assert client.get("/offline/package/").status_code == 401


def test_the_app_page_worker_and_manifest(client, village):
    client.force_login(village.operator)
    page = client.get("/offline/")
    assert page.status_code == 200
    assert b'id="offline-config"' in page.content
    assert "Menunggu dikirim: %(n)s" in page.content.decode()
    worker = client.get("/offline/sw.js")
    assert worker["Content-Type"].startswith("text/javascript")
    assert worker["Service-Worker-Allowed"] == "/offline/"
    assert b"/static/layak/offline.js" in worker.content
    manifest = client.get("/offline/manifest.webmanifest").json()
    assert manifest["start_url"] == "/offline/"
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
    home = client.get("/").content.decode()
    assert 'data-testid="offline-link"' in home
    assert 'rel="manifest"' in home


def test_roles_that_do_not_answer_items_get_no_offline_link(client, personas):
    client.force_login(personas.bekasi_regent)
    assert 'data-testid="offline-link"' not in client.get("/").content.decode()


def test_the_audit_log_says_when_a_change_was_made_offline(client, personas, village):
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.1")
    made = timezone.localtime(timezone.now() - datetime.timedelta(hours=3)).replace(
        second=0, microsecond=0
    )
    send(client, answer, made_at=made, option=option(answer, "Ada dan berjalan"))
    client.force_login(personas.bekasi_admin)
    page = client.get("/audit/?action=answer.saved").content.decode()
    assert page.count('data-testid="made-offline"') == 1
    assert f"dibuat luring pada {made.day}" in page
