"""URL cases of discussions for the URL x role matrix (see layak/core/tests/test_url_matrix.py).

The thread is Bekasi's answer T-1.1 (assigned to Dinkes and DP3A), with one message of Dinkes."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case, as_post
from layak.testing import Personas

# Whoever sees the answer reads its thread.
READ = {"bekasi.partner": 404, "bekasi.forum": 404, "gunungmas.admin": 404}
# Whoever works on it (edit or verify) writes; the regent's office reads only.
WRITE = {r: 302 for r in SIGNED_IN} | READ | {"bekasi.regent": 403}
# Only the author changes a message.
AUTHOR = {r: 403 for r in SIGNED_IN} | READ | {"bekasi.dinkes": 200}


def _answer():
    from layak.evaluation.models import Answer

    return Answer.objects.get(assessment__region__code="32.16", question__code="T-1.1")


def thread(p: Personas) -> dict[str, object]:
    return {"kind": "answer", "pk": _answer().pk}


def message(p: Personas) -> dict[str, object]:
    from layak.discussions.models import Message

    return {"pk": Message.objects.get(body="Pesan matriks").pk}


CASES: dict[str, Case] = {
    "discussions:thread": Case(kwargs=thread, only=READ),
    "discussions:post": Case(method="post", kwargs=thread, data={"body": "Uji"}, only=WRITE),
    "discussions:message_edit": Case(kwargs=message, only=AUTHOR),
    "discussions:message_withdraw": Case(method="post", kwargs=message, only=as_post(AUTHOR)),
}


def setup(personas: Personas) -> None:
    from layak.discussions.actions import message_post

    message_post(actor=personas.bekasi_dinkes, item=_answer(), body="Pesan matriks")
