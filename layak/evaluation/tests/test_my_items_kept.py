"""My items is drawn once per data stamp of the person's reach and kept: every change to
what it shows (an answer filled in, submitted, returned, an item given to another office)
shows at the next load, and a load with nothing changed costs a few queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.evaluation import actions
from layak.evaluation.models import Answer

pytestmark = pytest.mark.django_db


def _row(client) -> str:
    """The Disdukcapil row of its indicator T-2 (two questions), as the page words it."""
    page = client.get("/evaluation/my-items/").content.decode()
    found = re.search(r'<td class="num" data-testid="percent">.*?</tr>', page, re.S)
    assert found, page
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0))).strip()


def test_my_items_shows_each_change_at_the_next_load(client, personas, evaluation):
    capil = personas["bekasi.disdukcapil"]
    answer = evaluation.answers["T-2.1"]
    client.force_login(capil)
    assert "2 belum diisi" in _row(client)
    # Kept: nothing changed, the same figures for a few queries.
    with CaptureQueriesContext(connection) as ctx:
        assert "2 belum diisi" in _row(client)
    assert len(ctx.captured_queries) <= 8, [q["sql"][:80] for q in ctx.captured_queries]
    # Filled in through the page: a draft at once.
    client.post(f"/evaluation/answers/{answer.pk}/save/", {"revision": 0, "number": "75"})
    assert "1 draf" in _row(client) and "1 belum diisi" in _row(client)
    client.post(f"/evaluation/answers/{answer.pk}/submit/")
    assert "50%" in _row(client) and "1 diajukan" in _row(client)
    # Returned by the district administrator: the page lists it to correct.
    answer.refresh_from_db()
    actions.answer_return(actor=personas.bekasi_admin, answer=answer, reason="Lampirkan SK")
    page = client.get("/evaluation/my-items/").content.decode()
    assert "1 butir dikembalikan untuk diperbaiki" in page and "Lampirkan SK" in page
    assert "1 dikembalikan" in _row(client)
    assert Answer.objects.get(pk=answer.pk).status == Answer.Status.RETURNED
