"""The district's involvement figures against numbers computed by hand."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.organisations.models import Organisation
from layak.partners import actions
from layak.partners.models import Contribution
from layak.partners.testing import bekasi_business, ensure_kla, make_commitment, make_contribution
from layak.partners.totals import involvement
from layak.regions.models import Region
from layak.testing import make_membership, make_organisation, make_user

pytestmark = pytest.mark.django_db


def accept(admin, *items):
    for item in items:
        if hasattr(item, "commitment"):
            actions.contribution_submit(actor=item.created_by, contribution=item)
            actions.contribution_accept(actor=admin, contribution=item)
        else:
            actions.commitment_submit(actor=item.created_by, commitment=item)
            actions.commitment_accept(actor=admin, commitment=item)


@pytest.fixture
def figures(personas):
    """2025 in Bekasi, by hand:

    - PT SCS (business): K3 commitment 2025–2026, accepted; contributions in 2025: 25 M funds to
      120 children (accepted), 10 people to 40 children (accepted), 5 M (only submitted), and
      a 7 M one dated 2026-01 (accepted, another year).
    - PT SCS again: K4 commitment of 2025, accepted, a 3 M contribution to 30 children.
    - Radio (media, a kecamatan-level partner): K1 commitment 2024–2025 accepted, 4 people to 0
      children.
    - LPA (community): K5 commitment 2025, only submitted; its contribution does not count.
    - A Gunung Mas business: accepted commitment and contribution in 2025 (another district).
    """
    ensure_kla()
    admin, gm_admin = personas.bekasi_admin, personas.gm_admin
    scs = bekasi_business()
    d = datetime.date
    period = {"starts_on": d(2025, 1, 1), "ends_on": d(2026, 12, 31)}
    k3 = make_commitment(admin, scs, code="K3", **period)
    funds = make_contribution(
        admin, k3, date=d(2025, 3, 1), amount=25_000_000, children_reached=120
    )
    people = make_contribution(
        admin, k3, date=d(2025, 4, 1), kind="people", amount=0, people=10, children_reached=40
    )
    pending = make_contribution(admin, k3, date=d(2025, 5, 1), amount=5_000_000)
    later = make_contribution(admin, k3, date=d(2026, 1, 15), amount=7_000_000)
    k4 = make_commitment(admin, scs, code="K4", starts_on=d(2025, 1, 1), ends_on=d(2025, 12, 31))
    k4_funds = make_contribution(
        admin, k4, date=d(2025, 8, 17), amount=3_000_000, children_reached=30
    )
    radio_org = make_organisation(
        "32.16.09", kind=Organisation.Kind.MEDIA, name="Radio Komunitas Cikarang"
    )
    radio = make_commitment(
        admin, radio_org, code="K1", starts_on=d(2024, 1, 1), ends_on=d(2025, 2, 1)
    )
    radio_people = make_contribution(
        admin, radio, date=d(2025, 1, 20), kind="people", amount=0, people=4, children_reached=0
    )
    lpa = make_commitment(
        admin,
        Organisation.objects.get(name="Lembaga Perlindungan Anak Kabupaten Bekasi"),
        code="K5",
        starts_on=d(2025, 1, 1),
        ends_on=d(2025, 12, 31),
    )
    lpa_contribution = make_contribution(admin, lpa, date=d(2025, 6, 1), amount=1_000_000)
    gm_business = Organisation.objects.get(name="PT Kahayan Kurun Lestari")
    gm = make_commitment(gm_admin, gm_business, code="K3", **period)
    gm_contribution = make_contribution(gm_admin, gm, date=d(2025, 6, 1), amount=9_000_000)

    accept(admin, k3, funds, people, later, k4, k4_funds, radio, radio_people)
    actions.commitment_submit(actor=admin, commitment=lpa)
    actions.contribution_submit(actor=admin, contribution=lpa_contribution)
    actions.contribution_submit(actor=admin, contribution=pending)
    accept(gm_admin, gm, gm_contribution)
    assert Contribution.objects.filter(status="accepted").count() == 6


def test_totals_by_kind(figures):
    bekasi = Region.objects.get(code="32.16")
    result = involvement(bekasi, 2025)
    kinds = {row.code: row.figures for row in result.by_kind}
    assert kinds["business"].partners == 1
    assert kinds["business"].contributions == 3
    assert kinds["business"].funds == Decimal(28_000_000)
    assert kinds["business"].people == 10
    assert kinds["business"].children == 190
    assert kinds["media"].partners == 1 and kinds["media"].people == 4
    assert kinds["media"].funds == 0
    assert kinds["community"].partners == 0 and kinds["community"].contributions == 0
    assert result.total.partners == 2
    assert result.total.contributions == 4
    assert result.total.funds == Decimal(28_000_000)
    assert result.total.people == 14
    assert result.total.children == 190


def test_totals_by_cluster(figures):
    result = involvement(Region.objects.get(code="32.16"), 2025)
    clusters = {row.code: row.figures for row in result.by_cluster}
    # The groups of KLA 2024, the current instrument: Kelembagaan, clusters I–V, KELANA/DEKELA.
    assert list(clusters) == ["KL", "K1", "K2", "K3", "K4", "K5", "KD"]
    assert clusters["KD"].partners == 0
    assert clusters["K3"].partners == 1 and clusters["K3"].funds == Decimal(25_000_000)
    assert clusters["K3"].contributions == 2 and clusters["K3"].children == 160
    assert clusters["K4"].partners == 1 and clusters["K4"].funds == Decimal(3_000_000)
    assert clusters["K1"].people == 4
    assert clusters["K5"].partners == 0


def test_another_year_counts_apart(figures):
    result = involvement(Region.objects.get(code="32.16"), 2026)
    assert result.total.partners == 1  # the K3 commitment runs into 2026; the others ended
    assert result.total.contributions == 1
    assert result.total.funds == Decimal(7_000_000)
    gm = involvement(Region.objects.get(code="62.10"), 2025)
    assert gm.total.funds == Decimal(9_000_000) and gm.total.partners == 1


def test_a_returned_commitment_drops_its_contributions(figures, personas):
    from layak.partners.models import Commitment

    k4 = Commitment.objects.get(cluster__code="K4")
    actions.commitment_return(actor=personas.bekasi_admin, commitment=k4, reason="Cek ulang")
    result = involvement(Region.objects.get(code="32.16"), 2025)
    assert result.total.funds == Decimal(25_000_000)


def test_totals_cost_a_fixed_number_of_queries(figures, personas):
    bekasi = Region.objects.get(code="32.16")
    with CaptureQueriesContext(connection) as small:
        involvement(bekasi, 2025)
    org = make_organisation(kind=Organisation.Kind.UNIVERSITY, name="Universitas Uji")
    contributor = make_user()
    make_membership(contributor, org, "partner_contributor")
    for _ in range(5):
        c = make_commitment(contributor, org, code="K4")
        accept(personas.bekasi_admin, c, make_contribution(contributor, c))
    with CaptureQueriesContext(connection) as large:
        involvement(bekasi, 2025)
    assert len(large.captured_queries) == len(small.captured_queries) <= 6
