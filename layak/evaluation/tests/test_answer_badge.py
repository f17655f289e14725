"""An answer card says "Belum diisi" until something is answered, then "Draf", with the same
words as the filters above the list."""

from __future__ import annotations

import re

import pytest

from layak.evaluation import actions

pytestmark = pytest.mark.django_db


def badge(html: str, code: str) -> str:
    card = html[html.index(f'data-testid="answer-{code}"') :]
    return re.search(r'data-testid="status">([^<]+)<', card).group(1).strip()


def test_the_badge_says_not_filled_in_until_answered(client, personas, evaluation):
    t11 = evaluation.answers["T-1.1"]
    url = f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/{t11.question.indicator_id}/"
    client.force_login(personas.bekasi_dinkes)
    assert badge(client.get(url).content.decode(), "T-1.1") == "Belum diisi"
    sk = t11.question.options.get(label="SK")
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=t11,
        value={"option": sk.pk},
        note="",
        revision=t11.revision,
    )
    assert badge(client.get(url).content.decode(), "T-1.1") == "Draf"
