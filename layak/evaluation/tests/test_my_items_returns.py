"""*Tugas saya* says who sent each item back: the verifier or the district, as its latest
return was made, also for an item a verifier returned before the district did."""

from __future__ import annotations

import html
import re

import pytest

from layak.evaluation import actions, verification
from layak.evaluation.models import Stage
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.evaluation.tests.test_workflow import fresh, option

pytestmark = pytest.mark.django_db


def _returned_line(client, code: str) -> str:
    page = client.get("/evaluation/my-items/").content.decode()
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    found = re.search(rf"{re.escape(code)} · [^:]*: [^·]*", text)
    assert found, text
    return found.group(0)


def test_the_latest_return_names_who_made_it(client, personas, evaluation) -> None:
    submit_all(personas, evaluation)
    move_to(evaluation, Stage.Kind.PROVINCE)
    item = evaluation.answers["T-1.1"]
    verification.verify_return(actor=personas.jabar, answer=item, reason="SK kedaluwarsa")
    client.force_login(personas.bekasi_dinkes)
    line = _returned_line(client, "T-1.1")
    assert "dikembalikan oleh verifikator: SK kedaluwarsa" in line

    # Dinkes corrects and submits; the district sends it back once more, with its own reason.
    dinkes = personas.bekasi_dinkes
    actions.answer_save(
        actor=dinkes,
        answer=fresh(item),
        value={"option": option(item, "Perda")},
        note="Perda terbaru",
        revision=fresh(item).revision,
    )
    actions.answer_submit(actor=dinkes, answer=fresh(item))
    actions.answer_return(
        actor=personas.bekasi_admin, answer=fresh(item), reason="Lampirkan Perda yang baru"
    )
    line = _returned_line(client, "T-1.1")
    assert "dikembalikan oleh kabupaten/kota: Lampirkan Perda yang baru" in line
    assert "verifikator" not in line
