"""Every list has a search box kept in its form and pages of 50 whose links keep the search;
an empty result says so with a link that clears the search; another district's rows are
never found."""

from __future__ import annotations

import datetime

import pytest

from layak.core.tests.test_search import meeting, organisation

pytestmark = pytest.mark.django_db

CLEAR = 'data-testid="clear-search"'


def get(client, user, url: str, **params: str):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == 200
    return response


def test_organisations_are_searched_and_page_two_keeps_the_search(client, personas):
    for i in range(51):
        organisation(personas, f"Sanggar Pelangi {i:02}")
    organisation(personas, "Sanggar Pelangi Kurun", "62.10")
    first = get(client, personas.bekasi_admin, "/organisations/", q="pelangi")
    assert first.context["page"].paginator.count == 51
    html = first.content.decode()
    assert 'value="pelangi"' in html
    assert "q=pelangi&amp;" in html and "page=2" in html
    second = get(client, personas.bekasi_admin, "/organisations/", q="pelangi", page="2")
    assert len(second.context["page"].object_list) == 1
    assert "Kurun" not in second.content.decode()
    assert (
        "Kurun" in get(client, personas.gm_admin, "/organisations/", q="pelangi").content.decode()
    )


def test_an_empty_search_says_so_and_clears(client, personas):
    html = get(client, personas.bekasi_admin, "/organisations/", q="zzzqqq").content.decode()
    assert "Tidak ada organisasi yang cocok." in html
    assert CLEAR in html and 'href="/organisations/"' in html
    assert CLEAR not in get(client, personas.bekasi_admin, "/organisations/").content.decode()


def test_people_are_searched_by_name_within_reach(client, personas):
    names = [
        m.user.full_name
        for m in get(client, personas.bekasi_admin, "/organisations/members/", q="anggraini")
        .context["page"]
        .object_list
    ]
    assert names == ["Dewi Anggraini"]
    gm = get(client, personas.bekasi_admin, "/organisations/members/", q="yuliana")
    assert list(gm.context["page"].object_list) == []
    assert CLEAR in gm.content.decode()


def test_meetings_are_searched_and_page_two_keeps_the_search(client, personas):
    start = datetime.date(2025, 1, 1)
    for i in range(51):
        meeting(personas, "32.16", f"Rapat Pokja {i:02}", start + datetime.timedelta(days=i))
    meeting(personas, "32.16", "Rapat Evaluasi Tahunan")
    meeting(personas, "62.10", "Rapat Pokja Gunung Mas")
    first = get(client, personas.bekasi_admin, "/taskforce/meetings/", q="pokja")
    assert first.context["page"].paginator.count == 51
    html = first.content.decode()
    assert 'value="pokja"' in html and "q=pokja&amp;" in html
    second = get(client, personas.bekasi_admin, "/taskforce/meetings/", q="pokja", page="2")
    assert [m.title for m in second.context["page"].object_list] == ["Rapat Pokja 00"]
    empty = get(client, personas.bekasi_admin, "/taskforce/meetings/", q="gunung mas")
    assert "Tidak ada rapat yang cocok." in empty.content.decode()
    assert CLEAR in empty.content.decode()


def test_plans_and_their_items_are_searched(client, personas):
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    listed = get(client, personas.bekasi_admin, "/plans/", q="uji")
    assert [p.title for p in listed.context["page"].object_list] == ["RAD KLA Uji"]
    none = get(client, personas.bekasi_admin, "/plans/", q="zzzqqq").content.decode()
    assert "Tidak ada rencana aksi yang cocok." in none and CLEAR in none
    assert list(get(client, personas.gm_admin, "/plans/", q="uji").context["page"]) == []
    url = f"/plans/{world.plan.pk}/"
    rows = get(client, personas.bekasi_admin, url, q="JEMPUT").context["rows"]
    assert [n.item.ref for _depth, n in rows] == ["P1.A1.S1"]
    by_indicator = get(client, personas.bekasi_admin, url, q="kl-2").context["rows"]
    assert [n.item.ref for _depth, n in by_indicator] == ["P2"]
    html = get(client, personas.bekasi_admin, url, q="zzzqqq").content.decode()
    assert "Tidak ada butir yang cocok." in html and CLEAR in html
    assert 'value="zzzqqq"' in html


def test_progress_reports_are_searched_by_office(client, personas):
    from layak.plans import actions
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    actions.report_create(
        actor=personas.bekasi_dinkes,
        plan=world.plan,
        organisation=world.dinkes,
        year=2025,
        period=1,
    )
    found = get(client, personas.bekasi_admin, "/plans/reports/", q="kesehatan")
    assert [r.organisation.name for r in found.context["page"]] == [world.dinkes.name]
    none = get(client, personas.bekasi_admin, "/plans/reports/", q="kependudukan")
    assert list(none.context["page"]) == []
    assert "Tidak ada laporan yang cocok." in none.content.decode()


def test_partners_are_searched_within_reach(client, personas):
    found = get(client, personas.bekasi_admin, "/partners/", q="sinar cikarang")
    assert [p.name for p in found.context["page"]] == ["PT Sinar Cikarang Sejahtera"]
    other = get(client, personas.gm_admin, "/partners/", q="sinar cikarang")
    assert list(other.context["page"]) == [] and CLEAR in other.content.decode()


def test_data_elements_are_searched_by_code_or_name(client, personas):
    from layak.indicators.tests.helpers import definitions

    definitions()
    found = get(client, personas.bekasi_admin, "/data/elements/", q="under5_measured")
    assert [e.code for e in found.context["elements"]] == ["under5_measured"]
    assert 'value="under5_measured"' in found.content.decode()
    none = get(client, personas.bekasi_admin, "/data/elements/", q="zzzqqq").content.decode()
    assert "Tidak ada elemen data yang cocok." in none and CLEAR in none


def test_events_are_searched_within_reach(client, personas):
    from layak.afse.tests.helpers import dinkes, make_event

    make_event(personas.bekasi_dinkes, topic="Sosialisasi gizi seimbang")
    make_event(personas.bekasi_dinkes, topic="Sosialisasi imunisasi")
    make_event(personas["gunungmas.dinkes"], dinkes("Gunung Mas"), topic="Sosialisasi gizi anak")
    found = get(client, personas.bekasi_admin, "/afse/", q="GIZI")
    assert [e.topic for e in found.context["page"]] == ["Sosialisasi gizi seimbang"]
    none = get(client, personas.bekasi_admin, "/afse/", q="zzzqqq").content.decode()
    assert "Tidak ada kegiatan yang cocok." in none and CLEAR in none


def test_forums_are_searched_within_reach(client, personas):
    found = get(client, personas.bekasi_admin, "/participation/", q="forum anak")
    assert [f.name for f in found.context["page"]] == ["Forum Anak Kabupaten Bekasi"]
    none = get(client, personas.bekasi_admin, "/participation/", q="gunung mas").content.decode()
    assert "Tidak ada Forum Anak yang cocok." in none and CLEAR in none


def _grow(personas, start: int, n: int) -> None:
    from layak.organisations.models import Organisation
    from layak.taskforce import actions

    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    for i in range(start, start + n):
        organisation(personas, f"Sanggar Uji {i:02}")
        m = meeting(personas, "32.16", f"Rapat Uji {i:02}", datetime.date(2025, 1, 1 + i))
        actions.follow_up_add(
            actor=personas.bekasi_admin,
            meeting=m,
            description=f"Tindak lanjut uji {i}",
            owner=dinkes,
            due_date=datetime.date(2025, 6, 1),
        )


@pytest.mark.parametrize(
    ("who", "url"),
    [
        ("bekasi.admin", "/organisations/"),
        ("bekasi.admin", "/organisations/members/"),
        ("bekasi.admin", "/taskforce/meetings/"),
        ("verifier.jabar", "/taskforce/"),
        ("bekasi.admin", "/taskforce/r/32.16/decrees/"),
        ("bekasi.dinkes", "/taskforce/follow-ups/mine/"),
        ("bekasi.admin", "/plans/"),
        ("bekasi.admin", "/plans/reports/"),
        ("bekasi.admin", "/partners/"),
        ("bekasi.admin", "/partners/review/"),
        ("bekasi.admin", "/data/elements/"),
        ("bekasi.admin", "/afse/"),
        ("bekasi.admin", "/participation/"),
    ],
)
def test_a_searched_list_costs_the_same_queries_whatever_the_data(client, personas, who, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas[who])

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, {"q": "uji"}).status_code == 200
        return len(ctx.captured_queries)

    _grow(personas, 0, 2)
    small = queries()
    _grow(personas, 2, 20)
    assert queries() == small


def test_task_forces_are_searched_by_region_name(client, personas):
    found = get(client, personas.jabar, "/taskforce/", q="bekasi")
    assert [r.name for r in found.context["page"]] == ["Kabupaten Bekasi"]
    none = get(client, personas.jabar, "/taskforce/", q="gunung mas").content.decode()
    assert "Tidak ada wilayah yang cocok." in none and CLEAR in none


def test_my_follow_ups_are_searched_and_the_status_links_keep_the_search(client, personas):
    from layak.organisations.models import Organisation
    from layak.taskforce import actions

    m = meeting(personas, "32.16", "Rapat Koordinasi")
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    for description in ("Data imunisasi anak", "Laporan gizi buruk"):
        actions.follow_up_add(
            actor=personas.bekasi_admin,
            meeting=m,
            description=description,
            owner=dinkes,
            due_date=datetime.date(2025, 6, 1),
        )
    found = get(client, personas.bekasi_dinkes, "/taskforce/follow-ups/mine/", q="imunisasi")
    assert [f.description for f in found.context["page"]] == ["Data imunisasi anak"]
    assert "status=all&amp;q=imunisasi" in found.content.decode()
    none = get(client, personas.bekasi_dinkes, "/taskforce/follow-ups/mine/", q="zzzqqq")
    assert "Tidak ada tindak lanjut yang cocok." in none.content.decode()


def test_a_forums_proposals_are_searched(client, personas):
    from layak.participation.tests.helpers import forum, make_proposal

    make_proposal(personas["bekasi.forum"], topic="Taman bermain ramah anak")
    make_proposal(personas["bekasi.forum"], topic="Jalur sepeda ke sekolah")
    url = f"/participation/forums/{forum().pk}/"
    found = get(client, personas.bekasi_admin, url, q="sepeda")
    assert [p.topic for p in found.context["page"]] == ["Jalur sepeda ke sekolah"]
    none = get(client, personas.bekasi_admin, url, q="zzzqqq").content.decode()
    assert "Tidak ada usulan yang cocok." in none and CLEAR in none


def test_partner_records_to_validate_are_searched(client, personas):
    from layak.partners import actions
    from layak.partners.testing import bekasi_business, ensure_kla, make_commitment

    ensure_kla()
    partner = personas["bekasi.partner"]
    for title in ("Posyandu ramah anak", "Taman baca anak"):
        commitment = make_commitment(partner, bekasi_business(), title=title)
        actions.commitment_submit(actor=partner, commitment=commitment)
    found = get(client, personas.bekasi_admin, "/partners/review/", q="taman baca")
    assert [c.title for c in found.context["commitments"]] == ["Taman baca anak"]
    assert 'value="taman baca"' in found.content.decode()
    none = get(client, personas.bekasi_admin, "/partners/review/", q="zzzqqq").content.decode()
    assert "Tidak ada komitmen yang cocok." in none and CLEAR in none
