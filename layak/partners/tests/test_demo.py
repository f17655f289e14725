from __future__ import annotations

import pytest

from layak.partners import demo
from layak.partners.models import Commitment, Contribution, PartnerProfile
from layak.partners.testing import ensure_kla
from layak.partners.totals import involvement
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def test_demo_is_idempotent_and_mixes_statuses(personas):
    ensure_kla()
    demo.seed_demo()
    counts = (Commitment.objects.count(), Contribution.objects.count())
    demo.seed_demo()
    assert (Commitment.objects.count(), Contribution.objects.count()) == counts
    statuses = set(Contribution.objects.values_list("status", flat=True))
    assert {"accepted", "submitted", "returned"} <= statuses
    assert Contribution.objects.filter(status="returned").count() == 1
    assert PartnerProfile.objects.filter(apsai_member=True, organisation__kind="business").exists()
    bekasi = involvement(Region.objects.get(code="32.16"), 2025)
    assert bekasi.total.funds > 0 and bekasi.total.partners >= 3
    assert involvement(Region.objects.get(code="62.10"), 2025).total.funds > 0
