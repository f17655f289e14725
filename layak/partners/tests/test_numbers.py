"""Partners' amounts and counts are read by the one number reader (layak.core.numbers), in
Indonesian: ``250.000`` rupiah is two hundred and fifty thousand."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from layak.partners.models import Contribution
from layak.partners.testing import bekasi_business, ensure_kla, make_commitment

pytestmark = pytest.mark.django_db


def test_a_contribution_of_funds_in_indonesian(client, personas):
    ensure_kla()
    partner = personas["bekasi.partner"]
    commitment = make_commitment(partner, bekasi_business())
    client.force_login(partner)
    url = reverse("partners:contribution_create", args=[commitment.pk])
    form = {
        "date": "2026-03-02",
        "kind": Contribution.Kind.FUNDS,
        "description": "Bantuan dana makanan tambahan",
        "amount": "250.000,5",
        "people": "0",
        "children_reached": "1.200",
    }
    refused = client.post(url, form).content.decode()
    assert "Tulis bilangan bulat" not in refused  # the amount is refused, not the count
    assert "angka desimal" in refused and 'value="250.000,5"' in refused
    assert not Contribution.objects.filter(commitment=commitment).exists()
    form["amount"] = "250.000"
    assert client.post(url, form).status_code == 302
    contribution = Contribution.objects.get(commitment=commitment)
    assert contribution.amount == D(250000) and contribution.children_reached == 1200
    page = client.get(reverse("partners:contribution_detail", args=[contribution.pk]))
    assert "Rp 250.000" in page.content.decode()


def test_the_api_reads_amounts_with_the_same_reader(client, personas, settings):
    """JSON numbers are taken as they are; text in machine format (1200.5); "250.000", which
    an Indonesian reads as two hundred and fifty thousand, is refused rather than stored as
    250."""
    import json

    from layak.api.actions import token_create

    settings.API_RATE_LIMIT = 10_000
    ensure_kla()
    partner = personas["bekasi.partner"]
    commitment = make_commitment(partner, bekasi_business())
    key = token_create(actor=partner, name="uji", days=1)[1]

    def post(amount: object):
        body = {
            "commitment": commitment.pk,
            "date": "2026-03-02",
            "description": "Bantuan dana",
            "kind": "funds",
            "amount": amount,
        }
        return client.post(
            "/api/v1/partners/contributions",
            json.dumps(body),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {key}",
        )

    refused = post("250.000")
    assert refused.status_code == 422, refused.content
    assert not Contribution.objects.exists()
    assert post("250000").status_code == 201
    assert post(125000).status_code == 201
    assert sorted(Contribution.objects.values_list("amount", flat=True)) == [
        D(125000),
        D(250000),
    ]
