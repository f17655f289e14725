"""The assessment page is drawn once per data version of its district (``listing``): a change to
what it shows appears at once, and a reader never sees a page drawn for another reader, another
filter or another language."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from layak.accounts.actions import user_set_language
from layak.evaluation import actions, listing
from layak.evaluation.models import Stage
from layak.organisations.models import Organisation
from layak.testing import make_cycle

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(personas):
    listing.forget()
    return make_cycle(personas)


def page(client, assessment, **params) -> str:
    return str(client.get(f"/evaluation/assessments/{assessment.pk}/", params).content.decode())


def questions(html: str) -> str:
    """The question list with its filter."""
    return html[html.index('<h2 id="questions">') : html.index('id="submit-heading"')]


def row(html: str, code: str) -> str:
    """The question row of ``code`` in the list."""
    found = re.search(rf'<li data-testid="question-row">.*?>{re.escape(code)}</a>.*?</li>', html)
    assert found, code
    return found.group(0)


def test_an_answer_saved_shows_at_once_on_a_kept_page(client, personas, setup):
    client.force_login(personas.bekasi_admin)
    before = page(client, setup.bekasi)
    assert "belum diisi" in row(before, "T-1.1")
    assert questions(page(client, setup.bekasi)) == questions(before)  # kept: the same list
    # Dinkes answers its item on the indicator page's form.
    answer = setup.answers["T-1.1"]
    answer.refresh_from_db()
    client.force_login(personas.bekasi_dinkes)
    option = answer.question.options.order_by("-points").first()
    response = client.post(
        f"/evaluation/answers/{answer.pk}/save/", {"revision": answer.revision, "option": option.pk}
    )
    assert response.status_code in (200, 302)
    answer.refresh_from_db()
    assert answer.value
    client.force_login(personas.bekasi_admin)
    after = page(client, setup.bekasi)
    assert "Draf" in row(after, "T-1.1") and "belum diisi" not in row(after, "T-1.1")
    # The required answers still missing list it with its new state too.
    assert re.search(r"T-1\.1</a> — Draf</li>", after)


def test_an_assignment_changed_shows_at_once(client, personas, setup):
    client.force_login(personas.bekasi_admin)
    before = page(client, setup.bekasi)
    assert "Dinkes" not in row(before, "T-2.2")
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=setup.bekasi,
        answers=[setup.answers["T-2.2"]],
        organisations=[dinkes],
    )
    assert "Dinkes" in row(page(client, setup.bekasi), "T-2.2")


def test_each_reader_filter_and_language_gets_its_own_page(client, personas, setup):
    client.force_login(personas.bekasi_admin)
    whole = page(client, setup.bekasi)
    assert whole.count('data-testid="question-row"') == 4
    # An office sees only its own items, even right after the administrator's page was kept.
    client.force_login(personas.bekasi_dinkes)
    own = page(client, setup.bekasi)
    assert own.count('data-testid="question-row"') == 2
    assert "T-2.1" not in own
    # A filter lists only what it keeps.
    client.force_login(personas.bekasi_admin)
    narrowed = page(client, setup.bekasi, q="T-2.1")
    assert narrowed.count('data-testid="question-row"') == 1
    # The same page in English for a reader who chose it.
    user_set_language(actor=personas.bekasi_admin, language="en")
    client.force_login(personas.bekasi_admin)
    english = page(client, setup.bekasi)
    assert "Questions by cluster and indicator" in english
    assert "Pertanyaan" not in re.search(r'<h2 id="questions">.*?</h2>', english).group(0)
    assert "not filled in" in row(english, "T-2.1")


def test_the_kept_store_holds_its_newest_entries_until_they_expire():
    store = listing.Kept(2)
    for key in ("a", "b", "c"):
        store.set(key, {"key": key})
    assert store.get("a") is None  # the least recently read went first
    kept = store.get("b")
    assert kept == {"key": "b"} and store.get("b") is kept  # handed out as kept
    store.set("d", 4)
    assert store.get("c") is None and store.get("b") is kept and store.get("d") == 4
    expired = listing.Kept(2, timeout=0)
    expired.set("a", 1)
    assert expired.get("a") is None
    store.clear()
    assert store.get("b") is None


def test_a_stage_reopened_for_the_district_shows_at_once(client, personas):
    listing.forget()
    closed = make_cycle(personas, open_self=False)
    client.force_login(personas.bekasi_admin)
    assert '<span class="badge muted">ditutup pada ' in page(client, closed.bekasi)
    actions.stage_reopen(
        actor=personas.ministry,
        assessment=closed.bekasi,
        kind=Stage.Kind.SELF_ASSESSMENT,
        reason="Banjir",
        until=timezone.now() + datetime.timedelta(days=3),
    )
    assert '<span class="badge ok">dibuka</span>' in page(client, closed.bekasi)
