"""Free text about children: what looks like a name, an age or an incident is flagged on save
and the person asked to anonymise; the description is read only by those who handle the
proposal, in the pages and in the API."""

from __future__ import annotations

import pytest

from layak.audit.models import AuditEntry
from layak.participation import actions
from layak.participation.models import Proposal, Status
from layak.participation.privacy import findings
from layak.participation.tests.helpers import forum, make_proposal

pytestmark = pytest.mark.django_db

NAMED = "Adik Sari (12 tahun) dipukul ayahnya, mohon taman bermain yang aman di Desa Sukamaju."
ANONYMOUS = "Anak-anak di Desa Sukamaju meminta taman bermain yang aman dan cegah perundungan."


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        (NAMED, {"name", "age", "incident"}),
        ("Anak bernama Putri Ayu sering tidak sekolah", {"name"}),
        ("adik Rina dibully teman sekelasnya", {"name", "incident"}),
        ("Budi, 14 tahun, meninggal tenggelam di sungai", {"name", "age", "incident"}),
        ("Seorang siswi berusia 9 diperkosa tetangganya", {"age", "incident"}),
        ("A boy aged 10 was beaten at school", {"age", "incident"}),
        ("Siswa kelas 5 SD di desa kami", {"age"}),
    ],
)
def test_what_could_identify_a_child_is_flagged(text, kinds):
    assert {f.kind for f in findings(text)} == kinds


@pytest.mark.parametrize(
    "text",
    [
        ANONYMOUS,
        "Perbanyak Posyandu dan kelas ibu hamil; turunkan kekerasan terhadap anak",
        "Dalam 5 tahun terakhir belum ada ruang bermain ramah anak di Kecamatan Cikarang Utara",
        "Forum Anak Kabupaten Bekasi mengusulkan Pusat Kreativitas Anak",
        "",
    ],
)
def test_a_general_proposal_is_not_flagged(text):
    assert findings(text) == []


def test_a_proposers_own_name_in_the_text_is_flagged():
    assert [f.kind for f in findings("Usul dari Putri tentang jalan", ["Putri"])] == ["name"]
    assert findings("Usul tentang jalan Putrinya", ["Putri"]) == []


def test_the_action_refuses_until_anonymised_or_confirmed(personas, english):
    facilitator = personas["bekasi.forum"]
    with pytest.raises(actions.IdentifyingText) as refused:
        make_proposal(facilitator, description=NAMED)
    assert set(refused.value.messages) == {"description"}
    assert "Sari" in refused.value.messages["description"]
    assert not Proposal.objects.exists()
    with pytest.raises(actions.IdentifyingText):
        make_proposal(facilitator, topic="Putri minta taman", description=ANONYMOUS)
    proposal = make_proposal(facilitator, description=ANONYMOUS)
    entry = AuditEntry.objects.for_object(proposal).get()
    assert "anonymity_confirmed" not in entry.after
    confirmed = make_proposal(
        facilitator, topic="Kunjungan Kak Seto", description=ANONYMOUS, anonymity_confirmed=True
    )
    # "Kak Seto" is not flagged, but a confirmation is kept in the log whenever given.
    assert AuditEntry.objects.for_object(confirmed).get().after["anonymity_confirmed"] is True


def test_the_form_shows_the_message_beside_the_field_and_keeps_the_text(client, personas):
    client.force_login(personas["bekasi.forum"])
    url = f"/participation/forums/{forum().pk}/proposals/new/"
    data = {
        "topic": "Taman bermain aman",
        "description": NAMED,
        "region": forum().region_id,
        "proposed_on": "2025-03-15",
        "source": "musrenbang",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    form = response.context["form"]
    assert list(form.errors) == ["description"]
    assert "nama" in form.errors["description"][0]  # in Indonesian, the default
    page = response.content.decode()
    assert "Adik Sari (12 tahun) dipukul" in page  # what was typed stays
    assert 'name="anonymity_confirmed"' in page
    assert not Proposal.objects.exists()
    # Anonymised: saved.
    response = client.post(url, {**data, "description": ANONYMOUS})
    assert response.status_code == 302
    assert Proposal.objects.get().description == ANONYMOUS


def test_the_form_saves_flagged_text_once_confirmed(client, personas):
    client.force_login(personas["bekasi.forum"])
    url = f"/participation/forums/{forum().pk}/proposals/new/"
    data = {
        "topic": "Taman bermain aman",
        "description": "Usulan dibacakan Adik Sari di depan Bupati",
        "region": forum().region_id,
        "proposed_on": "2025-03-15",
        "source": "musrenbang",
    }
    assert client.post(url, data).status_code == 200
    response = client.post(url, {**data, "anonymity_confirmed": "on"})
    assert response.status_code == 302
    proposal = Proposal.objects.get()
    assert AuditEntry.objects.for_object(proposal).get().after["anonymity_confirmed"] is True
    # The history says so in words.
    page = client.get(response["Location"]).content.decode()
    assert "dinyatakan tidak mengungkap identitas anak</strong>: ya" in page.lower()
    assert "anonymity_confirmed" not in page


def test_the_public_response_is_checked_too(client, personas):
    proposal = make_proposal(personas["bekasi.forum"])
    client.force_login(personas.bekasi_admin)
    url = f"/participation/proposals/{proposal.pk}/follow-up/"
    data = {"status": Status.NOT_TAKEN, "response": "Putri sudah ditangani Dinsos", "plan_item": ""}
    response = client.post(url, data)
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["response"]
    proposal.refresh_from_db()
    assert proposal.status == Status.RECEIVED and proposal.response == ""
    data["response"] = "Anggaran tahun ini belum tersedia; diusulkan kembali tahun depan."
    assert client.post(url, data).status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Status.NOT_TAKEN


DESCRIPTION = "Anak-anak meminta jalur sepeda yang aman menuju sekolah."


def test_the_description_shows_only_to_those_who_handle_the_proposal(client, personas):
    proposal = make_proposal(personas["bekasi.forum"], description=DESCRIPTION)
    url = f"/participation/proposals/{proposal.pk}/"
    for who, sees in (
        ("bekasi.forum", True),
        ("bekasi.admin", True),
        ("bekasi.regent", False),
        ("bekasi.partner", False),
        ("bekasi.dinkes", False),
        ("verifier.jabar", False),
    ):
        client.force_login(personas[who])
        page = client.get(url).content.decode()
        assert (DESCRIPTION in page) is sees, who
        assert ("description-withheld" in page) is not sees, who
        assert proposal.topic in page, who


def test_the_api_gives_the_description_only_to_those_who_handle_it(client, personas, settings):
    from layak.api.actions import token_create
    from layak.api.tests.test_programme_api import bearer, get

    settings.API_RATE_LIMIT = 10_000
    proposal = make_proposal(personas["bekasi.forum"], description=DESCRIPTION)
    for who, sees in (
        ("bekasi.forum", True),
        ("bekasi.admin", True),
        ("bekasi.regent", False),
        ("bekasi.partner", False),
        ("bekasi.dinkes", False),
    ):
        token = bearer(token_create(actor=personas[who], name="uji", days=30)[1])
        items = get(client, "/participation/proposals", token).json()["items"]
        assert [x["id"] for x in items] == [proposal.pk], who
        assert items[0]["description"] == (DESCRIPTION if sees else None), who
        assert items[0]["topic"] == proposal.topic
