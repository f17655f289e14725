"""URL cases of this app for the URL x role matrix (see layak/core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case, as_post
from layak.testing import Personas

TOPIC = "Ruang bermain ramah anak di setiap kecamatan (matriks)"


def forum(p: Personas) -> dict[str, object]:
    from layak.organisations.models import Organisation

    return {"pk": Organisation.objects.get(name="Forum Anak Kabupaten Bekasi").pk}


def proposal(p: Personas) -> dict[str, object]:
    from layak.participation.models import Proposal

    return {"pk": Proposal.objects.get(topic=TOPIC).pk}


def facilitator(p: Personas) -> dict[str, object]:
    from layak.participation.models import Facilitator

    return {"pk": Facilitator.objects.get(forum__name="Forum Anak Kabupaten Bekasi").pk}


# Forum Anak Kabupaten Bekasi: read by everyone who reaches Bekasi; its records are kept by its
# facilitator, the district administrator and the ministry.
FORUM_VIEW = {"gunungmas.admin": 404}
FORUM_EDIT = {r: 403 for r in SIGNED_IN} | {
    "ministry": 200,
    "bekasi.admin": 200,
    "bekasi.forum": 200,
    "gunungmas.admin": 404,
}
# The follow-up is the government's: never the forum's facilitator.
FOLLOW_UP = {r: 403 for r in SIGNED_IN} | {
    "ministry": 200,
    "bekasi.admin": 200,
    "gunungmas.admin": 404,
}

CASES: dict[str, Case] = {
    "participation:list": Case(),
    "participation:forum": Case(kwargs=forum, only=FORUM_VIEW),
    "participation:decree_add": Case(kwargs=forum, only=FORUM_EDIT),
    "participation:facilitator_add": Case(kwargs=forum, only=FORUM_EDIT),
    "participation:facilitator_set_active": Case(
        method="post", kwargs=facilitator, data={"active": "1"}, only=as_post(FORUM_EDIT)
    ),
    "participation:proposal_create": Case(kwargs=forum, only=FORUM_EDIT),
    # Public: the forum shows it to children without an account.
    "participation:you_said": Case(kwargs=forum, anon=200),
    "participation:proposal": Case(kwargs=proposal, only=FORUM_VIEW),
    "participation:proposal_edit": Case(kwargs=proposal, only=FORUM_EDIT),
    "participation:proposal_follow_up": Case(kwargs=proposal, only=FOLLOW_UP),
    "participation:proposal_set_active": Case(
        method="post", kwargs=proposal, data={"active": "1"}, only=as_post(FORUM_EDIT)
    ),
}


def setup(personas: Personas) -> None:
    """Rows the cases need, created once per test in the matrix world."""
    import datetime

    from layak.organisations.models import Organisation
    from layak.participation import actions

    forum = Organisation.objects.get(name="Forum Anak Kabupaten Bekasi")
    assert forum.region is not None
    facilitator = personas["bekasi.forum"]
    actions.proposal_create(
        actor=facilitator,
        forum=forum,
        data=actions.ProposalData(
            topic=TOPIC,
            region=forum.region,
            proposed_on=datetime.date(2025, 3, 15),
            source="musrenbang",
            proposers=[("Putri", "13-15")],
        ),
    )
    actions.facilitator_add(actor=facilitator, forum=forum, name="Bu Wartini", affiliation="DP3A")
    actions.decree_add(
        actor=facilitator,
        forum=forum,
        number="400.3/Kep.31-DP3A/2025",
        issued_on=datetime.date(2025, 2, 3),
        period_start=datetime.date(2025, 2, 3),
    )
