"""The district secretariat hears of partner records waiting for validation and of children's
forum proposals received."""

from __future__ import annotations

import pytest

from layak.notifications.models import DEFAULT_DELIVERY, Delivery, Notice
from layak.participation.tests.helpers import make_proposal
from layak.partners import actions as partner_actions
from layak.partners.testing import bekasi_business, ensure_kla, make_commitment, make_contribution
from layak.testing import Personas

pytestmark = pytest.mark.django_db
K = Notice.Kind


def test_submitted_commitment_and_contribution_reach_the_secretariat(personas: Personas) -> None:
    ensure_kla()
    partner = personas["bekasi.partner"]
    commitment = make_commitment(partner, bekasi_business())
    assert not Notice.objects.filter(kind=K.PARTNER_SUBMITTED).exists()  # a draft is quiet
    partner_actions.commitment_submit(actor=partner, commitment=commitment)
    notice = Notice.objects.get(kind=K.PARTNER_SUBMITTED)
    assert notice.recipient == personas.bekasi_admin
    assert notice.text == (
        f"{bekasi_business().name} mengirim komitmen “{commitment.title}” untuk divalidasi."
    )
    assert notice.url == commitment.get_absolute_url()
    assert notice.delivery == Delivery.DIGEST
    partner_actions.commitment_accept(actor=personas.bekasi_admin, commitment=commitment)
    contribution = make_contribution(partner, commitment)
    partner_actions.contribution_submit(actor=partner, contribution=contribution)
    latest = Notice.objects.filter(kind=K.PARTNER_SUBMITTED).first()
    assert latest is not None and "mengirim kontribusi" in latest.text
    assert set(
        Notice.objects.filter(kind=K.PARTNER_SUBMITTED).values_list("recipient", flat=True)
    ) == {personas.bekasi_admin.pk}


def test_a_proposal_received_reaches_the_secretariat_without_the_childrens_names(
    personas: Personas,
) -> None:
    proposal = make_proposal(personas["bekasi.forum"], proposers=[("Zulaikha", "13-15")])
    notice = Notice.objects.get(kind=K.PROPOSAL_RECEIVED)
    assert notice.recipient == personas.bekasi_admin
    assert proposal.topic in notice.text and notice.text.startswith(proposal.forum.name)
    assert "Zulaikha" not in notice.text and "Zulaikha" not in str(notice.params)
    assert notice.url == proposal.get_absolute_url()
    assert DEFAULT_DELIVERY[K.PROPOSAL_RECEIVED] == notice.delivery == Delivery.EMAIL_NOW
