"""Forum Anak decrees and facilitators, children's proposals and their follow-up, and the public
"you said, we did" page."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.audit.models import AuditEntry
from layak.participation import actions
from layak.participation.actions import ParticipationError, check_proposer_name
from layak.participation.models import ForumDecree, Proposal, Status
from layak.participation.tests.helpers import forum, make_plan_item, make_proposal
from layak.regions.models import Region
from layak.testing import make_organisation

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize("name", ["Putri", "A.R.", "Nur'aini", "Dimas-Eka", "Ñoño"])
def test_a_first_name_or_initials_is_accepted(name):
    assert check_proposer_name(f" {name} ") == name


@pytest.mark.parametrize(
    "name",
    ["Putri Ayu", "Putri  Lestari Wulandari", "Abcdefghijklmnopqrstu", "0812345678", "a@b.id", ""],
)
def test_more_than_a_first_name_is_refused(name):
    with pytest.raises(ParticipationError):
        check_proposer_name(name)


def test_the_facilitator_records_a_proposal_and_the_log_keeps_no_names(personas):
    proposal = make_proposal(personas["bekasi.forum"])
    assert [(p.name, p.age_group) for p in proposal.proposers.all()] == [
        ("Putri", "13-15"),
        ("A.R.", "10-12"),
    ]
    entry = AuditEntry.objects.for_object(proposal).get()
    assert entry.action == "participation.proposal_added"
    assert "Putri" not in str(entry.after) and "A.R." not in str(entry.after)


def test_a_proposal_naming_a_child_in_full_is_refused(personas, english):
    with pytest.raises(ParticipationError, match="first name or initials"):
        make_proposal(personas["bekasi.forum"], proposers=[("Putri Ayu Lestari", "13-15")])
    with pytest.raises(ParticipationError, match="age group"):
        make_proposal(personas["bekasi.forum"], proposers=[("Putri", "18+")])
    assert not Proposal.objects.exists()


def test_the_form_refuses_a_full_name(client, personas):
    client.force_login(personas["bekasi.forum"])
    response = client.post(
        f"/participation/forums/{forum().pk}/proposals/new/",
        {
            "topic": "Jalan aman ke sekolah",
            "region": forum().region_id,
            "proposed_on": "2025-03-15",
            "source": "musrenbang",
            "name_0": "Putri Ayu",
            "age_0": "13-15",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name_0"]
    assert not Proposal.objects.exists()


def test_proposals_are_addressed_within_the_forums_district(personas, english):
    gm = Region.objects.get(code="62.10")
    with pytest.raises(ParticipationError, match="addressed to"):
        make_proposal(personas["bekasi.forum"], region=gm)
    kecamatan = Region.objects.get(code="32.16.09")
    assert make_proposal(personas["bekasi.forum"], region=kecamatan).region == kecamatan


def test_an_office_cannot_record_a_proposal_for_the_forum(client, personas, english):
    with pytest.raises(ParticipationError, match="cannot change"):
        make_proposal(personas.bekasi_dinkes)
    client.force_login(personas.bekasi_dinkes)
    assert client.get(f"/participation/forums/{forum().pk}/proposals/new/").status_code == 403
    assert client.get(f"/participation/forums/{forum().pk}/").status_code == 200


def test_another_district_gets_404(client, personas):
    proposal = make_proposal(personas["bekasi.forum"])
    client.force_login(personas.gm_admin)
    assert client.get(f"/participation/forums/{forum().pk}/").status_code == 404
    assert client.get(f"/participation/proposals/{proposal.pk}/").status_code == 404
    assert client.get(f"/participation/proposals/{proposal.pk}/follow-up/").status_code == 404


def test_a_facilitator_cannot_record_the_follow_up(client, personas, english):
    proposal = make_proposal(personas["bekasi.forum"])
    with pytest.raises(ParticipationError, match="addressed to records"):
        actions.proposal_follow_up(
            actor=personas["bekasi.forum"],
            proposal=proposal,
            status=Status.PLANNED,
            response="Masuk RAD",
        )
    client.force_login(personas["bekasi.forum"])
    url = f"/participation/proposals/{proposal.pk}/follow-up/"
    assert client.get(url).status_code == 403
    assert client.post(url, {"status": "done", "response": "x"}).status_code == 403
    proposal.refresh_from_db()
    assert proposal.status == Status.RECEIVED


def test_the_administrator_takes_a_proposal_into_the_plan(personas, english):
    proposal = make_proposal(personas["bekasi.forum"])
    admin = personas.bekasi_admin
    with pytest.raises(ParticipationError, match="why"):
        actions.proposal_follow_up(
            actor=admin, proposal=proposal, status=Status.NOT_TAKEN, response=" "
        )
    other = make_plan_item("62.10", personas.gm_admin)
    with pytest.raises(ParticipationError, match="another district"):
        actions.proposal_follow_up(
            actor=admin, proposal=proposal, status=Status.PLANNED, response="Ya", plan_item=other
        )
    item = make_plan_item("32.16", admin)
    with pytest.raises(ParticipationError, match="taken into the plan or done"):
        actions.proposal_follow_up(
            actor=admin,
            proposal=proposal,
            status=Status.CONSIDERING,
            response="",
            plan_item=item,
        )
    actions.proposal_follow_up(
        actor=admin,
        proposal=proposal,
        status=Status.PLANNED,
        response="Masuk RAD KLA 2026 melalui DPUPR.",
        plan_item=item,
    )
    proposal.refresh_from_db()
    assert (proposal.status, proposal.plan_item, proposal.followed_up_by) == (
        Status.PLANNED,
        item,
        admin,
    )
    assert (
        AuditEntry.objects.for_object(proposal)
        .filter(action="participation.proposal_followed_up")
        .exists()
    )
    # Once answered, the facilitator can no longer change it.
    with pytest.raises(ParticipationError, match="answered"):
        actions.proposal_update(
            actor=personas["bekasi.forum"],
            proposal=proposal,
            data=actions.ProposalData(
                topic="x", region=proposal.region, proposed_on=D(2025, 3, 1), source="other"
            ),
        )


def test_a_new_decree_supersedes_the_old_one_which_is_kept(personas, english):
    f = forum()
    first = actions.decree_add(
        actor=personas["bekasi.forum"],
        forum=f,
        number="400.3/Kep.12-DP3A/2023",
        issued_on=D(2023, 2, 1),
        period_start=D(2023, 2, 1),
        period_end=D(2025, 1, 31),
    )
    second = actions.decree_add(
        actor=personas.bekasi_admin,
        forum=f,
        number="400.3/Kep.31-DP3A/2025",
        issued_on=D(2025, 2, 3),
        period_start=D(2025, 2, 3),
        period_end=D(2027, 2, 2),
    )
    first.refresh_from_db()
    assert (first.is_current, first.superseded_by) == (False, second)
    assert second.is_current and first.attachments_locked
    assert ForumDecree.objects.filter(forum=f).count() == 2
    with pytest.raises(ParticipationError, match="older"):
        actions.decree_add(
            actor=personas.bekasi_admin,
            forum=f,
            number="lama",
            issued_on=D(2024, 1, 1),
            period_start=D(2024, 1, 1),
        )
    with pytest.raises(ParticipationError, match="cannot change"):
        actions.decree_add(
            actor=personas.bekasi_dinkes,
            forum=f,
            number="x",
            issued_on=D(2026, 1, 1),
            period_start=D(2026, 1, 1),
        )


def test_facilitators_by_name_or_by_account(personas, english):
    f = forum()
    by_name = actions.facilitator_add(
        actor=personas["bekasi.forum"], forum=f, name="Bu Wartini", affiliation="DP3A"
    )
    by_account = actions.facilitator_add(
        actor=personas.bekasi_admin, forum=f, user=personas["bekasi.forum"]
    )
    assert by_account.name == personas["bekasi.forum"].full_name
    with pytest.raises(ParticipationError, match="facilitator role"):
        actions.facilitator_add(actor=personas.bekasi_admin, forum=f, user=personas.bekasi_dinkes)
    actions.facilitator_set_active(actor=personas.bekasi_admin, facilitator=by_name, active=False)
    by_name.refresh_from_db()
    assert not by_name.is_active


def test_only_forums_can_hold_participation_records(personas, english):
    office = make_organisation(name="Kantor Uji")
    with pytest.raises(ParticipationError, match="not a children's forum"):
        actions.decree_add(
            actor=personas.bekasi_admin,
            forum=office,
            number="x",
            issued_on=D(2025, 1, 1),
            period_start=D(2025, 1, 1),
        )


def test_the_public_page_shows_only_this_forums_proposals_and_nothing_personal(client, personas):
    admin = personas.bekasi_admin
    item = make_plan_item("32.16", admin, name="Pembangunan Ruang Bermain Ramah Anak")
    planned = make_proposal(
        personas["bekasi.forum"],
        topic="Taman bermain di Cikarang",
        description="Usul dari Putri dan kawan-kawan",
        proposers=[("Putri", "13-15"), ("Z.Q.", "10-12")],
        # Flagged (a proposer's name), kept by the facilitator: still never public.
        anonymity_confirmed=True,
    )
    actions.proposal_follow_up(
        actor=admin,
        proposal=planned,
        status=Status.PLANNED,
        response="Dimasukkan ke RAD KLA 2026.",
        plan_item=item,
    )
    declined = make_proposal(personas["bekasi.forum"], topic="Wifi gratis di sekolah")
    actions.proposal_follow_up(
        actor=admin,
        proposal=declined,
        status=Status.NOT_TAKEN,
        response="Kewenangan provinsi; diteruskan ke Diskominfo Provinsi.",
    )
    withdrawn = make_proposal(personas["bekasi.forum"], topic="Salah input")
    actions.proposal_set_active(actor=personas["bekasi.forum"], proposal=withdrawn, active=False)
    # Another forum's proposal, in another district.
    make_proposal(personas["gunungmas.forum"], on=forum("Gunung Mas"), topic="Sungai bersih")

    response = client.get(f"/participation/forums/{forum().pk}/you-said/")
    assert response.status_code == 200
    page = response.content.decode()
    for shown in [
        "Taman bermain di Cikarang",
        "Dimasukkan ke RAD KLA 2026.",
        "Pembangunan Ruang Bermain Ramah Anak",
        "Wifi gratis di sekolah",
        "Kewenangan provinsi",
    ]:
        assert shown in page
    for hidden in ["Putri", "Z.Q.", "A.R.", "Sungai bersih", "Salah input", "Usul dari"]:
        assert hidden not in page
    assert "/evidence/" not in page


def test_the_public_page_is_only_for_forums(client, personas):
    office = make_organisation(name="Kantor Uji")
    assert client.get(f"/participation/forums/{office.pk}/you-said/").status_code == 404
    assert client.get("/participation/forums/999999/you-said/").status_code == 404


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_cost_a_fixed_number_of_queries(client, personas):
    f = forum()
    make_proposal(personas["bekasi.forum"])
    actions.decree_add(
        actor=personas.bekasi_admin,
        forum=f,
        number="SK awal",
        issued_on=D(2025, 1, 1),
        period_start=D(2025, 1, 1),
    )
    kecamatan_forum = make_organisation(
        "32.16.09", name="Forum Anak Kecamatan Cikarang Utara", kind="forum_anak"
    )
    actions.decree_add(
        actor=personas.bekasi_admin,
        forum=kecamatan_forum,
        number="1",
        issued_on=D(2025, 1, 1),
        period_start=D(2025, 1, 1),
    )
    urls = ["/participation/", f"/participation/forums/{f.pk}/"]
    client.force_login(personas.bekasi_admin)
    small = {url: _queries(client, url) for url in urls}
    client.logout()
    public = _queries(client, f"/participation/forums/{f.pk}/you-said/")
    for i in range(12):
        make_proposal(personas["bekasi.forum"], topic=f"Usulan {i}")
        other = make_organisation("32.16.01", name=f"Forum Anak Desa {i}", kind="forum_anak")
        actions.decree_add(
            actor=personas.bekasi_admin,
            forum=other,
            number=str(i),
            issued_on=D(2025, 1, 1),
            period_start=D(2025, 1, 1),
        )
        actions.decree_add(
            actor=personas.bekasi_admin,
            forum=f,
            number=f"SK {i}",
            issued_on=D(2025, 1, 1),
            period_start=D(2025, 1, 1),
        )
    assert _queries(client, f"/participation/forums/{f.pk}/you-said/") == public
    client.force_login(personas.bekasi_admin)
    for url in urls:
        assert _queries(client, url) == small[url], url


def test_demo_data_loads_twice_without_duplicates(personas):
    from layak.participation.demo import seed_demo

    seed_demo()
    counts = (Proposal.objects.count(), ForumDecree.objects.count())
    seed_demo()
    assert (Proposal.objects.count(), ForumDecree.objects.count()) == counts
    assert counts[0] == 12
    assert Proposal.objects.filter(forum=forum("Gunung Mas"), status=Status.NOT_TAKEN).exists()
    assert ForumDecree.objects.filter(forum=forum(), superseded_at=None).count() == 1


def test_the_facilitator_attaches_the_decree_scan_and_a_superseded_decree_is_locked(
    client, personas
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from layak.evaluation.tests.test_workflow import PDF
    from layak.evidence.models import Attachment

    f = forum()
    old = actions.decree_add(
        actor=personas["bekasi.forum"],
        forum=f,
        number="SK 2023",
        issued_on=D(2023, 1, 2),
        period_start=D(2023, 1, 2),
    )
    client.force_login(personas["bekasi.forum"])

    def attach(decree: ForumDecree, content: bytes) -> None:
        client.post(
            "/evidence/attachments/add/",
            {
                "owner": "participation.forumdecree",
                "object": decree.pk,
                "file": SimpleUploadedFile("sk.pdf", content, "application/pdf"),
            },
        )

    attach(old, PDF)
    assert Attachment.objects.filter(object_id=old.pk, is_active=True).count() == 1
    actions.decree_add(
        actor=personas["bekasi.forum"],
        forum=f,
        number="SK 2025",
        issued_on=D(2025, 1, 2),
        period_start=D(2025, 1, 2),
    )
    attach(old, PDF + b"%2\n")
    assert Attachment.objects.filter(object_id=old.pk, is_active=True).count() == 1
    page = client.get(f"/participation/forums/{f.pk}/").content.decode()
    assert "SK 2023" in page and "SK 2025" in page


def test_childrens_names_show_only_to_the_forum_and_the_government_answering(client, personas):
    proposal = make_proposal(personas["bekasi.forum"])
    names = [p.name for p in proposal.proposers.all()]
    assert names
    url = f"/participation/proposals/{proposal.pk}/"
    for who, sees in (
        ("bekasi.forum", True),
        ("bekasi.admin", True),
        ("bekasi.regent", False),
        ("bekasi.dinkes", False),
        ("verifier.jabar", False),
    ):
        client.force_login(personas[who])
        page = client.get(url).content.decode()
        assert all((name in page) is sees for name in names), who
