""" "Agree with the previous level on every item not verified yet" is offered only when some
item can be agreed; posted with only items back with the region, it says why nothing was."""

from __future__ import annotations

import pytest

from layak.evaluation.models import Stage
from layak.evaluation.tests.test_verification import move_to, submit_all

pytestmark = pytest.mark.django_db
K = Stage.Kind


def test_agree_rest_is_not_offered_when_only_returned_items_remain(client, personas, evaluation):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    client.force_login(personas.jabar)
    page = f"/evaluation/assessments/{ev.bekasi.pk}/verify/province/"
    rest = f"{page}agree-rest/"
    assert rest in client.get(page).content.decode()

    client.post(
        f"/evaluation/answers/{ev.answers['T-2.1'].pk}/verify/province/",
        {"decision": "return", "reason": "Data belum lengkap"},
    )
    # Three others remain: offered, and they are agreed.
    assert rest in client.get(page).content.decode()
    body = client.post(rest, follow=True).content.decode()
    assert "3 butir disetujui." in body

    # Only the item back with the district remains: not offered.
    body = client.get(page).content.decode()
    assert rest not in body and "1 di antaranya sedang dikembalikan" in body
    # Posted anyway: nothing is agreed, and the page says why.
    body = client.post(rest, follow=True).content.decode()
    assert "0 butir disetujui." not in body
    assert "Tidak ada butir yang dapat disetujui: 1 butir sedang dikembalikan ke wilayah." in body
