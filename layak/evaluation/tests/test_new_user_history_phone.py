"""An item's history on a 390 px phone: each change reads as a block, nothing scrolls sideways and
the action's words are whole; at 1366 px it stays a table."""

from __future__ import annotations

import os

import pytest

from layak.evaluation import actions as ev
from layak.evaluation.models import Answer
from layak.evaluation.tests.test_new_user_assessment import join_cycle
from layak.frameworks.models import Question
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    """A screenshot for a person to look at, when ``LAYAK_SHOTS`` names a folder."""
    folder = os.environ.get("LAYAK_SHOTS")
    if folder:
        page.screenshot(path=os.path.join(folder, name), full_page=True)


def test_the_history_reads_as_blocks_on_a_phone(page):
    personas = make_personas()
    assessment = join_cycle(personas)
    answer = (
        Answer.objects.filter(
            assessment=assessment, question__kind=Question.Kind.NUMBER, question__computed=""
        )
        .order_by("question__indicator__order", "question__order")
        .first()
    )
    assert answer is not None
    for value, note in (("12", "Data Dinas Kesehatan"), ("15", "Angka perbaikan setelah rapat")):
        answer = ev.answer_save(
            actor=personas.bekasi_admin,
            answer=answer,
            value={"number": value},
            note=note,
            revision=answer.revision,
        )
    sign_in(page, personas.bekasi_admin.email)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/evaluation/answers/{answer.pk}/history/")
    table = page.get_by_test_id("revisions")
    rows = table.locator("tbody tr")
    assert rows.count() >= 2
    # Nothing scrolls sideways: the table is as wide as its box, the page as the screen.
    widths = table.evaluate(
        "t => [t.scrollWidth, t.parentElement.clientWidth, document.documentElement.scrollWidth]"
    )
    assert widths[0] <= widths[1] and widths[2] <= 390
    # Each cell is a line of its block, its column's name on its left; the headings are hidden.
    first = rows.first
    cells = first.locator("td")
    assert cells.nth(0).bounding_box()["y"] < cells.nth(1).bounding_box()["y"]
    assert (
        not table.locator("thead").is_visible()
        or table.locator("thead").bounding_box()["height"] <= 1
    )
    label = cells.nth(3).evaluate("td => getComputedStyle(td, '::before').content")
    assert label == '"Tindakan"'
    # A block is no taller than its lines need.
    assert first.bounding_box()["height"] < 400
    shot(page, "history-390.png")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"/evaluation/answers/{answer.pk}/history/")
    cells = page.get_by_test_id("revisions").locator("tbody tr").first.locator("td")
    # At 1366 px a row is one line of cells, under the column headings.
    assert cells.nth(0).bounding_box()["y"] == cells.nth(1).bounding_box()["y"]
    assert page.get_by_test_id("revisions").locator("thead").is_visible()
    shot(page, "history-1366.png")
