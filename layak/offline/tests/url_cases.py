"""URL cases of the offline work for the URL x role matrix (see core/tests/test_url_matrix.py).

The JSON endpoints answer a signed-out phone with 401 (the page keeps the work); a write sent
without its time and id is 400 for whoever may make it; 403 for a role that does not carry the
action, 404 outside the person's items."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import Personas


def t11(p: Personas) -> dict[str, object]:
    from layak.evaluation.models import Answer

    answer = Answer.objects.get(assessment__region__code="32.16", question__code="T-1.1")
    return {"pk": answer.pk}


# T-1.1 of Bekasi is assigned to its DP3A and Dinkes: the district administrator, the ministry
# and Dinkes may change it; a partner or the forum of Bekasi reaches only its own items.
EDIT = {r: 403 for r in SIGNED_IN} | {
    "ministry": 400,
    "bekasi.admin": 400,
    "bekasi.dinkes": 400,
    "bekasi.partner": 404,
    "bekasi.forum": 404,
    "gunungmas.admin": 404,
}
# Field verification: who verifies reaches Bekasi's items (the verify_item rules then decide);
# a partner or the forum does not see the item at all.
VERIFY = {r: 403 for r in SIGNED_IN} | {
    "ministry": 400,
    "verifier.jabar": 400,
    "assessor": 400,
    "bekasi.admin": 400,
    "bekasi.partner": 404,
    "bekasi.forum": 404,
    "gunungmas.admin": 404,
}

CASES: dict[str, Case] = {
    "offline:app": Case(),
    "offline:package": Case(anon=401),
    "offline:answer": Case(method="post", kwargs=t11, anon=401, only=EDIT),
    "offline:photo": Case(method="post", kwargs=t11, anon=401, only=EDIT),
    "offline:score": Case(method="post", kwargs=t11, anon=401, only=VERIFY),
    "offline:field_photo": Case(method="post", kwargs=t11, anon=401, only=VERIFY),
    "offline:worker": Case(anon=200),
    "offline:manifest": Case(anon=200),
}


def setup(personas: Personas) -> None:
    """Nothing beyond the shared world."""
