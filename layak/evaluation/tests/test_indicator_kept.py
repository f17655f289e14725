"""The indicator page's cards are drawn once per data version of the district
(``layak.evaluation.views.indicator``): a change to what a card shows appears at once, a reader
never gets cards drawn for someone with other rights, and a refused save's typed text is shown
but never kept."""

from __future__ import annotations

import datetime
import re
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layak.discussions.actions import message_post
from layak.evaluation import actions, listing
from layak.evaluation.models import Answer, Stage
from layak.evidence.actions import evidence_attach, evidence_upload
from layak.frameworks.models import Indicator
from layak.organisations.models import Organisation
from layak.testing import make_cycle, make_membership, make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DAY = datetime.timedelta(days=1)


@pytest.fixture
def setup(personas):
    listing.forget()
    return make_cycle(personas)


def office(slug: str) -> Organisation:
    names = {
        "dinkes": "Dinas Kesehatan Kabupaten Bekasi",
        "dp3a": "Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi",
        "capil": "Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bekasi",
    }
    return Organisation.objects.get(name=names[slug])


def operator(slug: str):
    """An operator of the office ``slug`` of Bekasi."""
    user = make_user(email=f"{slug}@bekasi.example.org")
    make_membership(user, office(slug), "office_operator")
    return user


def url(setup, code: str) -> str:
    indicator = Indicator.objects.get(version=setup.version, code=code)
    return f"/evaluation/assessments/{setup.bekasi.pk}/indicators/{indicator.pk}/"


def page(client, setup, code: str = "T-1", **params) -> str:
    response = client.get(url(setup, code), params)
    assert response.status_code == 200
    return str(response.content.decode())


def card(html: str, code: str) -> str:
    """The card of question ``code``."""
    found = re.search(
        rf'<article [^>]*data-testid="answer-{re.escape(code)}">.*?</article>', html, re.S
    )
    assert found, code
    return found.group(0)


def writable(html: str, code: str) -> bool:
    return 'hx-trigger="change' in card(html, code)


def fresh(code: str, setup) -> Answer:
    return Answer.objects.get(pk=setup.answers[code].pk)


def answer_in_full(setup, actor) -> None:
    """T-1.1 answered "Perda" with its required document, ready to submit."""
    answer = fresh("T-1.1", setup)
    perda = answer.question.options.get(label="Perda")
    actions.answer_save(
        actor=actor, answer=answer, value={"option": str(perda.pk)}, note="Perda 2025", revision=0
    )
    document, _created = evidence_upload(
        actor=actor, region=setup.bekasi.region, data=BytesIO(PDF), name="perda.pdf", size=len(PDF)
    )
    evidence_attach(
        actor=actor,
        answer=fresh("T-1.1", setup),
        evidence=document,
        requirement=answer.question.evidence_requirements.get(),
    )


def tokens(html: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))


def test_a_second_request_gives_the_same_page_with_fewer_queries(client, personas, setup):
    client.force_login(personas.bekasi_dinkes)
    with CaptureQueriesContext(connection) as first:
        before = page(client, setup)
    with CaptureQueriesContext(connection) as second:
        again = page(client, setup)
    assert len(second.captured_queries) < len(first.captured_queries) - 3
    # The same page, each form with this request's own CSRF field.
    mask = r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]+"'
    assert re.sub(mask, "", again) == re.sub(mask, "", before)
    assert len(tokens(card(again, "T-1.1") + card(again, "T-1.2"))) == 1
    assert tokens(card(again, "T-1.1")) != tokens(card(before, "T-1.1"))
    assert "csrf-field" not in again
    assert writable(again, "T-1.1") and writable(again, "T-1.2")


def test_changes_by_someone_else_show_at_once(client, personas, setup):
    dp3a = operator("dp3a")
    client.force_login(personas.bekasi_dinkes)
    assert "Belum diisi" in card(page(client, setup), "T-1.1")
    # DP3A, given the same items, answers on its own: Dinkes's kept cards show it at once.
    answer = fresh("T-1.1", setup)
    perda = answer.question.options.get(label="Perda")
    actions.answer_save(
        actor=dp3a, answer=answer, value={"option": str(perda.pk)}, note="Perda 2025", revision=0
    )
    shown = card(page(client, setup), "T-1.1")
    assert f'value="{perda.pk}" checked' in shown and "Perda 2025" in shown
    # Its document.
    document, _created = evidence_upload(
        actor=dp3a, region=setup.bekasi.region, data=BytesIO(PDF), name="perda.pdf", size=len(PDF)
    )
    requirement = answer.question.evidence_requirements.get()
    evidence_attach(
        actor=dp3a, answer=fresh("T-1.1", setup), evidence=document, requirement=requirement
    )
    assert "perda.pdf" in card(page(client, setup), "T-1.1")
    # Submitted to the district.
    actions.answer_submit(actor=dp3a, answer=fresh("T-1.1", setup))
    shown = card(page(client, setup), "T-1.1")
    assert "status-submitted" in shown and not writable(page(client, setup), "T-1.1")
    # Accepted, then returned by the administrator.
    actions.answer_accept(actor=personas.bekasi_admin, answer=fresh("T-1.1", setup))
    assert "status-accepted" in card(page(client, setup), "T-1.1")
    actions.answer_return(
        actor=personas.bekasi_admin, answer=fresh("T-1.1", setup), reason="Lampirkan halaman 2"
    )
    shown = card(page(client, setup), "T-1.1")
    assert "status-returned" in shown and "Lampirkan halaman 2" in shown
    assert writable(page(client, setup), "T-1.1")
    # Another office is given the item too.
    capil = office("capil")
    assert (capil.acronym or capil.name) not in card(page(client, setup), "T-1.2")
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=setup.bekasi,
        answers=[fresh("T-1.2", setup)],
        organisations=[office("dinkes"), office("dp3a"), capil],
    )
    assert (capil.acronym or capil.name) in card(page(client, setup), "T-1.2")
    # A message in the item's discussion.
    message_post(actor=personas.bekasi_admin, item=fresh("T-1.2", setup), body="Mohon dicek")
    assert 'data-testid="discussion-count">1<' in card(page(client, setup), "T-1.2")


def test_each_reader_gets_cards_drawn_for_their_own_rights(client, personas, setup):
    # Dinkes's cards are kept first: its items are open for it to change.
    client.force_login(personas.bekasi_dinkes)
    assert writable(page(client, setup), "T-1.1")
    # DP3A, given only T-1.1 now, sees that card alone, open for it too.
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=setup.bekasi,
        answers=[fresh("T-1.2", setup)],
        organisations=[office("dinkes")],
    )
    client.force_login(personas.bekasi_dinkes)
    mine = page(client, setup)
    assert writable(mine, "T-1.1") and writable(mine, "T-1.2")
    client.force_login(operator("dp3a"))
    theirs = page(client, setup)
    assert writable(theirs, "T-1.1") and 'data-testid="answer-T-1.2"' not in theirs
    # Disdukcapil sees none of T-1, though its cards were kept for others.
    client.force_login(operator("capil"))
    assert client.get(url(setup, "T-1")).status_code == 404
    # The regent reads every item and changes none.
    client.force_login(personas["bekasi.regent"])
    read = page(client, setup)
    assert not writable(read, "T-1.1") and not writable(read, "T-1.2")
    # Submitted: the administrator may accept it, Dinkes may not.
    answer_in_full(setup, personas.bekasi_dinkes)
    actions.answer_submit(actor=personas.bekasi_dinkes, answer=fresh("T-1.1", setup))
    client.force_login(personas.bekasi_dinkes)
    assert "answers/{}/accept/".format(setup.answers["T-1.1"].pk) not in page(client, setup)
    client.force_login(personas.bekasi_admin)
    assert "answers/{}/accept/".format(setup.answers["T-1.1"].pk) in page(client, setup)
    client.force_login(personas.bekasi_dinkes)
    assert "answers/{}/accept/".format(setup.answers["T-1.1"].pk) not in page(client, setup)


def test_a_refused_save_shows_what_was_typed_and_is_never_kept(client, personas, setup):
    client.force_login(operator("capil"))
    answer = setup.answers["T-2.1"]
    assert 'value=""' in card(page(client, setup, "T-2"), "T-2.1")
    # Without JavaScript, a number that is not one is shown again as typed, with its message.
    response = client.post(
        f"/evaluation/answers/{answer.pk}/save/", {"revision": 0, "number": "sembilan puluh"}
    )
    refused = response.content.decode()
    assert 'value="sembilan puluh"' in card(refused, "T-2.1")
    assert 'data-testid="field-error"' in card(refused, "T-2.1")
    # The page read again shows what is stored, never what was typed.
    again = page(client, setup, "T-2")
    assert "sembilan puluh" not in again and 'data-testid="field-error"' not in again
    assert 'value=""' in card(again, "T-2.1")
    # Refused again after the page was kept: the typed text still shows.
    response = client.post(
        f"/evaluation/answers/{answer.pk}/save/", {"revision": 0, "number": "sembilan"}
    )
    assert 'value="sembilan"' in card(response.content.decode(), "T-2.1")
    assert "sembilan" not in page(client, setup, "T-2")


def test_a_window_changed_or_passed_shows_at_once(client, personas, setup):
    client.force_login(personas.bekasi_dinkes)
    assert writable(page(client, setup), "T-1.1")
    # The ministry moves the windows: the self-assessment has closed.
    now = timezone.now()
    windows = {
        kind: (now - (50 - 10 * n) * DAY, now - (40 - 10 * n) * DAY)
        for n, kind in enumerate(Stage.ORDER)
    }
    actions.cycle_set_windows(actor=personas.ministry, cycle=setup.cycle, windows=windows)
    closed = page(client, setup)
    assert "Evaluasi mandiri sudah tertutup untuk perubahan." in closed
    assert not writable(closed, "T-1.1")
    # Reopened for Bekasi.
    actions.stage_reopen(
        actor=personas.ministry,
        assessment=setup.bekasi,
        kind=Stage.Kind.SELF_ASSESSMENT,
        reason="Banjir",
        until=now + 3 * DAY,
    )
    assert writable(page(client, setup), "T-1.1")


def test_a_deadline_passing_shows_at_once(client, personas, setup):
    client.force_login(personas.bekasi_dinkes)
    assert writable(page(client, setup), "T-1.1")
    # The clock passes the deadline (nothing recorded: the window is as it was).
    Stage.objects.filter(cycle=setup.cycle, kind=Stage.Kind.SELF_ASSESSMENT).update(
        closes_at=timezone.now() - datetime.timedelta(seconds=1)
    )
    closed = page(client, setup)
    assert "Evaluasi mandiri sudah tertutup untuk perubahan." in closed
    assert not writable(closed, "T-1.1")
