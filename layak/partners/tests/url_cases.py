"""URL cases of this app for the URL x role matrix (see layak/core/tests/test_url_matrix.py).

The rows are Bekasi's: PT Sinar Cikarang Sejahtera (the Bekasi partner persona's business) with a
contact, a submitted commitment and a draft contribution. Offices and the forum never see a
partner's records (404); readers and verifiers read them (403 on writes); Gunung Mas's
administrator gets 404."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case, as_post
from layak.partners.models import Commitment, Contact, Contribution
from layak.testing import Personas


def _partner(p: Personas) -> dict[str, object]:
    from layak.partners.testing import bekasi_business

    return {"pk": bekasi_business().pk}


def _contact(p: Personas) -> dict[str, object]:
    return {"pk": Contact.objects.get(name="Rudi Hartawan").pk}


def _commitment(p: Personas) -> dict[str, object]:
    return {"pk": Commitment.objects.get(title="Matrix: posyandu").pk}


def _contribution(p: Personas) -> dict[str, object]:
    return {"pk": Contribution.objects.get(commitment__title="Matrix: posyandu").pk}


# Who reads a Bekasi partner's rows: everyone reaching Bekasi and the partner itself.
VIEW = {"bekasi.dinkes": 404, "bekasi.forum": 404, "gunungmas.admin": 404}
# Who edits them: the partner's contributor, the district administrator and the ministry.
EDIT = {
    **{r: 403 for r in SIGNED_IN},
    **VIEW,
    "ministry": 200,
    "bekasi.admin": 200,
    "bekasi.partner": 200,
}
# Who validates them: the district administrator and the ministry.
REVIEW = {**{r: 403 for r in SIGNED_IN}, **VIEW, "ministry": 302, "bekasi.admin": 302}
# Region-wide readers only (organisation-scoped roles get 403).
TOTALS = {
    "bekasi.dinkes": 403,
    "bekasi.partner": 403,
    "bekasi.forum": 403,
    "gunungmas.admin": 404,
}
MANAGERS = {r: 403 for r in SIGNED_IN} | {
    "ministry": 200,
    "bekasi.admin": 200,
    "gunungmas.admin": 200,
}

CASES: dict[str, Case] = {
    "partners:list": Case(),
    "partners:review": Case(only=MANAGERS),
    "partners:totals": Case(data={"region": "32.16", "year": "2026"}, only=TOTALS),
    "partners:detail": Case(kwargs=_partner, only=VIEW),
    "partners:profile_edit": Case(kwargs=_partner, only=EDIT),
    "partners:contact_create": Case(kwargs=_partner, only=EDIT),
    "partners:commitment_create": Case(kwargs=_partner, only=EDIT),
    "partners:contact_edit": Case(kwargs=_contact, only=EDIT),
    "partners:contact_set_active": Case(
        method="post", kwargs=_contact, data={"active": "1"}, only=as_post(EDIT)
    ),
    "partners:commitment_detail": Case(kwargs=_commitment, only=VIEW),
    # A submitted commitment cannot be edited: its editors are sent back to it.
    "partners:commitment_edit": Case(kwargs=_commitment, only=as_post(EDIT)),
    "partners:commitment_submit": Case(method="post", kwargs=_commitment, only=as_post(EDIT)),
    "partners:commitment_review": Case(
        method="post", kwargs=_commitment, data={"decision": "return", "reason": "x"}, only=REVIEW
    ),
    "partners:commitment_withdraw": Case(method="post", kwargs=_commitment, only=as_post(EDIT)),
    "partners:contribution_create": Case(kwargs=_commitment, only=EDIT),
    "partners:contribution_detail": Case(kwargs=_contribution, only=VIEW),
    "partners:contribution_edit": Case(kwargs=_contribution, only=EDIT),
    "partners:contribution_submit": Case(method="post", kwargs=_contribution, only=as_post(EDIT)),
    "partners:contribution_review": Case(
        method="post", kwargs=_contribution, data={"decision": "accept"}, only=REVIEW
    ),
    "partners:contribution_withdraw": Case(method="post", kwargs=_contribution, only=as_post(EDIT)),
}


def setup(personas: Personas) -> None:
    """Rows the cases need, created once per test in the matrix world."""
    from layak.partners import actions
    from layak.partners.testing import (
        bekasi_business,
        ensure_kla,
        make_commitment,
        make_contribution,
    )

    ensure_kla()
    partner = personas["bekasi.partner"]
    business = bekasi_business()
    actions.contact_create(
        actor=partner, organisation=business, name="Rudi Hartawan", phone="0812-1111-2222"
    )
    commitment = make_commitment(partner, business, title="Matrix: posyandu")
    make_contribution(partner, commitment)
    actions.commitment_submit(actor=partner, commitment=commitment)
