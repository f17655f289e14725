"""Pages: scoping of a second business, Gunung Mas's administrator, query counts of lists."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from layak.organisations.models import Organisation
from layak.partners import actions
from layak.partners.models import Contribution
from layak.partners.testing import bekasi_business, ensure_kla, make_commitment, make_contribution
from layak.testing import make_membership, make_organisation, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_businesses(personas):
    ensure_kla()
    other = make_organisation(kind=Organisation.Kind.BUSINESS, name="PT Tirta Jababeka Mandiri")
    contributor = make_user(email="kontributor@tirta.example")
    make_membership(contributor, other, "partner_contributor")
    theirs = make_commitment(contributor, other, title="Taman bermain")
    their_contribution = make_contribution(contributor, theirs)
    mine = make_commitment(personas["bekasi.partner"], bekasi_business(), title="Posyandu")
    return other, contributor, theirs, their_contribution, mine


def test_a_business_gets_404_on_another_business(client, personas, two_businesses):
    other, _contributor, theirs, their_contribution, mine = two_businesses
    client.force_login(personas["bekasi.partner"])
    for url in (
        reverse("partners:detail", args=[other.pk]),
        reverse("partners:profile_edit", args=[other.pk]),
        reverse("partners:commitment_detail", args=[theirs.pk]),
        reverse("partners:commitment_edit", args=[theirs.pk]),
        reverse("partners:contribution_detail", args=[their_contribution.pk]),
        reverse("partners:contribution_create", args=[theirs.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("partners:commitment_submit", args=[theirs.pk])).status_code == 404
    listing = client.get(reverse("partners:list")).content.decode()
    assert "PT Tirta Jababeka Mandiri" not in listing
    assert client.get(reverse("partners:commitment_detail", args=[mine.pk])).status_code == 200


def test_gunung_mas_admin_gets_404_on_bekasi_rows(client, personas, two_businesses):
    _other, _c, theirs, their_contribution, _mine = two_businesses
    client.force_login(personas.gm_admin)
    assert client.get(reverse("partners:commitment_detail", args=[theirs.pk])).status_code == 404
    url = reverse("partners:contribution_detail", args=[their_contribution.pk])
    assert client.get(url).status_code == 404
    totals = reverse("partners:totals") + "?region=32.16&year=2026"
    assert client.get(totals).status_code == 404


def test_the_totals_page_takes_region_and_year(client, personas, two_businesses):
    _other, contributor, theirs, their_contribution, _mine = two_businesses
    admin = personas.bekasi_admin
    actions.commitment_submit(actor=contributor, commitment=theirs)
    actions.commitment_accept(actor=admin, commitment=theirs)
    actions.contribution_submit(actor=contributor, contribution=their_contribution)
    actions.contribution_accept(actor=admin, contribution=their_contribution)
    client.force_login(personas.jabar)
    year = their_contribution.date.year
    page = client.get(reverse("partners:totals"), {"region": "32.16", "year": year})
    assert page.status_code == 200
    assert "Rp 25.000.000" in page.content.decode()
    page = client.get(reverse("partners:totals"), {"region": "32.16", "year": year - 3})
    assert "Rp 25.000.000" not in page.content.decode()


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def grow(personas, n: int) -> None:
    admin = personas.bekasi_admin
    for _ in range(n):
        org = make_organisation("32.16.01", kind=Organisation.Kind.COMMUNITY)
        actions.profile_save(actor=admin, organisation=org, description="Komunitas")
        commitment = make_commitment(admin, org, code="K2")
        contribution = make_contribution(admin, commitment)
        actions.commitment_submit(actor=admin, commitment=commitment)
        actions.contribution_submit(actor=admin, contribution=contribution)


@pytest.mark.parametrize(
    "url",
    [
        "/partners/",
        "/partners/?cluster=K2&apsai=no&q=Org",
        "/partners/review/",
        "/partners/totals/?region=32.16&year=2026",
    ],
)
def test_list_pages_cost_a_fixed_number_of_queries(client, personas, url):
    ensure_kla()
    client.force_login(personas.bekasi_admin)
    grow(personas, 2)
    small = queries(client, url)
    grow(personas, 12)
    assert queries(client, url) == small


def test_pages_with_many_contributions_cost_the_same(client, personas):
    ensure_kla()
    admin = personas.bekasi_admin
    commitment = make_commitment(admin, bekasi_business())
    make_contribution(admin, commitment)
    client.force_login(admin)
    detail = reverse("partners:commitment_detail", args=[commitment.pk])
    partner = reverse("partners:detail", args=[bekasi_business().pk])
    small = (queries(client, detail), queries(client, partner))
    for _ in range(10):
        make_contribution(admin, commitment, kind=Contribution.Kind.PEOPLE, amount=0, people=2)
    make_commitment(admin, bekasi_business(), title="Kedua")
    assert (queries(client, detail), queries(client, partner)) == small
