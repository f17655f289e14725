"""The header's search box: one search over regions, organisations, people, evaluation items,
task force meetings and RAD activities, within the person's reach, in a fixed number of
queries."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.core.tests.matrix import SIGNED_IN
from layak.organisations import actions as org_actions
from layak.organisations.roles import OrganisationKind
from layak.regions.models import Region
from layak.taskforce import actions as tf_actions
from layak.testing import Personas

pytestmark = pytest.mark.django_db

BEKASI_ROLES = [r for r in SIGNED_IN if r.startswith("bekasi.")]
GUNUNG_MAS_ROLES = [r for r in SIGNED_IN if r.startswith("gunungmas.")]


def meeting(p: Personas, code: str, title: str, date: datetime.date | None = None):
    return tf_actions.meeting_create(
        actor=p.bekasi_admin if code.startswith("32") else p.gm_admin,
        region=Region.objects.get(code=code),
        title=title,
        agenda="Persiapan evaluasi KLA",
        date=date or datetime.date(2025, 3, 13),
        start_time=datetime.time(9, 0),
        place="Aula DP3A",
        chair_name="Dedi Supriatna",
    )


def organisation(p: Personas, name: str, code: str = "32.16"):
    return org_actions.organisation_create(
        actor=p.bekasi_admin if code.startswith("32") else p.gm_admin,
        region=Region.objects.get(code=code),
        name=name,
        acronym="",
        kind=OrganisationKind.COMMUNITY,
        email="",
        phone="",
        address="",
    )


def groups(client, user, text: str, **params: str) -> dict[str, list[str]]:
    client.force_login(user)
    response = client.get("/search/", {"q": text, **params})
    assert response.status_code == 200
    return {g.kind.code: [h.title for h in g.hits] for g in response.context["groups"]}


def found(client, user, text: str) -> list[str]:
    return [title for titles in groups(client, user, text).values() for title in titles]


def test_each_kind_is_found_by_name_or_code(client, personas, evaluation):
    from layak.plans.tests.helpers import make_plan

    make_plan(personas)
    meeting(personas, "32.16", "Rapat Koordinasi Gugus Tugas Triwulan I")
    admin = personas.bekasi_admin
    assert "Cikarang Utara" in groups(client, admin, "cikarang utara")["regions"]
    assert groups(client, admin, "32.16.01")["regions"][0] == "Tarumajaya"
    assert any(
        "Dinas Kesehatan Kabupaten Bekasi" in t
        for t in groups(client, admin, "kesehatan")["organisations"]
    )
    assert groups(client, admin, "anggraini")["people"] == ["Dewi Anggraini"]
    items = groups(client, admin, "t-1.1")["items"]
    assert items and all(t.startswith("T-1.1 ") for t in items)
    assert groups(client, admin, "gugus tugas triwulan")["meetings"] == [
        "Rapat Koordinasi Gugus Tugas Triwulan I"
    ]
    assert groups(client, admin, "jemput bola")["activities"] == [
        "P1.A1.S1 Jemput bola akta kelahiran di desa"
    ]


def test_a_result_links_to_its_page(client, personas, evaluation):
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    m = meeting(personas, "32.16", "Rapat Koordinasi Gugus Tugas Triwulan I")
    client.force_login(personas.bekasi_admin)
    page = client.get("/search/", {"q": "triwulan"}).content.decode()
    assert f'href="/taskforce/meetings/{m.pk}/"' in page
    page = client.get("/search/", {"q": "jemput bola"}).content.decode()
    assert f'href="/plans/{world.plan.pk}/#item-{world.birth.pk}"' in page
    page = client.get("/search/", {"q": "T-1.1"}).content.decode()
    bekasi = evaluation.bekasi
    assert f'href="/evaluation/assessments/{bekasi.pk}/indicators/' in page
    # Each link opens for the person who searched.
    for url in (
        f"/taskforce/meetings/{m.pk}/",
        f"/plans/{world.plan.pk}/",
        "/regions/32.16.01/",
    ):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("role", BEKASI_ROLES)
def test_bekasi_people_never_find_gunung_mas_rows(client, personas, evaluation, role):
    meeting(personas, "62.10", "Rapat Gugus Tugas Gunung Mas")
    organisation(personas, "Sanggar Anak Kuala Kurun", "62.10")
    hits = found(client, personas[role], "gunung mas") + found(client, personas[role], "kurun")
    assert hits == []
    # The operator of Gunung Mas's Dinkes answers T-1.1 there; Bekasi's people see only theirs.
    items = groups(client, personas[role], "t-1.1").get("items", [])
    client.force_login(personas[role])
    details = [
        h.detail
        for g in client.get("/search/", {"q": "t-1.1"}).context["groups"]
        for h in g.hits
        if g.kind.code == "items"
    ]
    assert len(details) == len(items)
    assert all("Gunung Mas" not in d for d in details)


@pytest.mark.parametrize("role", GUNUNG_MAS_ROLES)
def test_gunung_mas_people_never_find_bekasi_rows(client, personas, role):
    meeting(personas, "32.16", "Rapat Gugus Tugas Bekasi")
    organisation(personas, "Sanggar Anak Cikarang")
    assert found(client, personas[role], "bekasi") == []
    assert found(client, personas[role], "cikarang") == []
    assert found(client, personas[role], "rina kartika") == []


def test_a_province_verifier_finds_only_its_province(client, personas, evaluation):
    meeting(personas, "32.16", "Rapat Gugus Tugas Bekasi")
    meeting(personas, "62.10", "Rapat Gugus Tugas Gunung Mas")
    assert groups(client, personas.jabar, "rapat gugus")["meetings"] == ["Rapat Gugus Tugas Bekasi"]
    kalteng = personas["verifier.kalteng"]
    assert groups(client, kalteng, "rapat gugus")["meetings"] == ["Rapat Gugus Tugas Gunung Mas"]
    assert found(client, kalteng, "bekasi") == []
    details = [
        h.detail
        for g in client.get("/search/", {"q": "t-1.1"}).context["groups"]
        for h in g.hits
        if g.kind.code == "items"
    ]
    assert details and all("Gunung Mas" in d for d in details)


def test_the_page_reads_in_english_for_an_english_reader(client, personas, english):
    client.force_login(personas.bekasi_admin)
    html = client.get("/search/", {"q": "zzzqqq"}).content.decode()
    assert "Nothing within your reach matches “zzzqqq”." in html
    assert 'placeholder="Search… (press /)"' in html


def test_an_office_finds_only_its_own_evaluation_items(client, personas, evaluation):
    dinkes = groups(client, personas.bekasi_dinkes, "T-")["items"]
    assert dinkes and all(t.startswith("T-1.") for t in dinkes)
    capil = groups(client, personas["bekasi.disdukcapil"], "T-")["items"]
    assert capil and all(t.startswith("T-2.") for t in capil)


def test_the_ministry_finds_both_districts(client, personas):
    meeting(personas, "32.16", "Rapat Gugus Tugas Bekasi")
    meeting(personas, "62.10", "Rapat Gugus Tugas Gunung Mas")
    assert sorted(groups(client, personas.ministry, "rapat gugus")["meetings"]) == [
        "Rapat Gugus Tugas Bekasi",
        "Rapat Gugus Tugas Gunung Mas",
    ]


def test_a_group_shows_ten_and_leads_to_the_filtered_list(client, personas):
    for i in range(11):
        organisation(personas, f"Sanggar Pelangi {i:02}")
    client.force_login(personas.bekasi_admin)
    response = client.get("/search/", {"q": "pelangi"})
    (group,) = [g for g in response.context["groups"] if g.kind.code == "organisations"]
    assert len(group.hits) == 10
    assert group.more_url == "/organisations/?q=pelangi"
    listed = client.get(group.more_url)
    assert listed.context["page"].paginator.count == 11
    # Exactly ten: no "more" link.
    org = listed.context["page"].object_list[0]
    org_actions.organisation_set_active(actor=personas.bekasi_admin, organisation=org, active=False)
    response = client.get("/search/", {"q": "pelangi"})
    (group,) = [g for g in response.context["groups"] if g.kind.code == "organisations"]
    assert len(group.hits) == 10 and group.more_url is None


def test_one_kind_alone_is_paged_and_page_two_keeps_the_search(client, personas):
    start = datetime.date(2025, 1, 1)
    for i in range(51):
        meeting(personas, "32.16", f"Rapat Pokja {i:02}", start + datetime.timedelta(days=i))
    client.force_login(personas.bekasi_admin)
    response = client.get("/search/", {"q": "pokja", "kind": "meetings"})
    page = response.context["page"]
    assert page.paginator.num_pages == 2
    assert len(response.context["hits"]) == 50
    html = response.content.decode()
    assert "q=pokja&amp;kind=meetings&amp;page=2" in html
    second = client.get("/search/", {"q": "pokja", "kind": "meetings", "page": "2"})
    assert [h.title for h in second.context["hits"]] == ["Rapat Pokja 00"]
    assert 'value="pokja"' in second.content.decode()


def test_nothing_found_says_so_with_a_way_back(client, personas):
    client.force_login(personas.bekasi_admin)
    html = client.get("/search/", {"q": "zzzqqq"}).content.decode()
    assert "Tidak ada yang cocok dengan “zzzqqq” dalam jangkauan Anda." in html
    assert 'href="/search/"' in html
    assert "Ketik sedikitnya 2 karakter." in client.get("/search/", {"q": "a"}).content.decode()


def test_the_header_box_is_on_every_signed_in_page_and_keeps_the_text(client, personas):
    client.force_login(personas.bekasi_admin)
    home = client.get("/").content.decode()
    assert 'data-testid="site-search"' in home and 'action="/search/"' in home
    assert 'value="rapat"' in client.get("/search/", {"q": "rapat"}).content.decode()
    client.logout()
    assert 'data-testid="site-search"' not in client.get("/accounts/login/").content.decode()


def _queries(client, text: str, **params: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/search/", {"q": text, **params}).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    "role",
    ["ministry", "verifier.jabar", "assessor", "bekasi.admin", "bekasi.dinkes", "bekasi.village"],
)
def test_the_search_costs_the_same_queries_whatever_the_data(client, personas, evaluation, role):
    client.force_login(personas[role])
    meeting(personas, "32.16", "Rapat Uji 0")
    organisation(personas, "Sanggar Uji 0")
    small = _queries(client, "uji")
    small_kind = _queries(client, "uji", kind="meetings")
    for i in range(1, 14):
        meeting(personas, "32.16", f"Rapat Uji {i}", datetime.date(2025, 4, i))
        organisation(personas, f"Sanggar Uji {i}")
    assert _queries(client, "uji") == small
    assert _queries(client, "uji", kind="meetings") == small_kind
