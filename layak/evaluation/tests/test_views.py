from __future__ import annotations

import pytest

from layak.evaluation.models import Answer, Assignment
from layak.evaluation.views.answers import STATES_CHANGED
from layak.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_assign_by_indicator_and_by_question(client, personas, evaluation):
    client.force_login(personas.bekasi_admin)
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    dinsos = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    answers = evaluation.answers
    t1 = answers["T-1.1"].question.indicator_id
    t2 = answers["T-2.1"].question.indicator_id
    response = client.post(
        f"/evaluation/assessments/{evaluation.bekasi.pk}/assign/",
        {
            f"ind-{t1}": [dinkes.pk],
            f"sep-{t2}": "1",
            f"q-{answers['T-2.1'].pk}": [dinsos.pk],
            f"q-{answers['T-2.2'].pk}": [dinkes.pk, dinsos.pk],
        },
    )
    assert response.status_code == 302

    def orgs(code):
        return set(
            Assignment.objects.filter(answer=answers[code], is_active=True).values_list(
                "organisation__acronym", flat=True
            )
        )

    assert orgs("T-1.1") == orgs("T-1.2") == {"Dinkes"}
    assert orgs("T-2.1") == {"Dinsos"}
    assert orgs("T-2.2") == {"Dinkes", "Dinsos"}
    # Taken-back assignments are kept, inactive.
    assert Assignment.objects.filter(answer=answers["T-1.1"], is_active=False).exists()
    page = client.get(f"/evaluation/assessments/{evaluation.bekasi.pk}/assign/").content.decode()
    assert f'name="sep-{t2}" value="1" checked' in page


def test_htmx_save_returns_the_card_and_a_conflict_shows_both_versions(
    client, personas, evaluation
):
    type(personas.ministry).objects.update(language="en")
    answer = evaluation.answers["T-2.1"]
    capil = personas["bekasi.disdukcapil"]
    client.force_login(capil)
    url = f"/evaluation/answers/{answer.pk}/save/"
    response = client.post(url, {"revision": 0, "number": "75"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="answer-' in body and "Saved." in body and "15.00 / 30.00" in body
    # A second person opened revision 0 too.
    client.force_login(personas.bekasi_admin)
    body = client.post(
        url, {"revision": 0, "number": "20"}, HTTP_HX_REQUEST="true"
    ).content.decode()
    assert "after you opened it" in body
    assert "Your unsaved answer was" in body and "20%" in body
    assert 'value="75"' in body  # the other person's version is shown
    assert Answer.objects.get(pk=answer.pk).value == {"number": "75"}


def test_bad_numbers_are_refused_and_nothing_is_lost(client, personas, evaluation):
    answer = evaluation.answers["T-2.1"]
    client.force_login(personas["bekasi.disdukcapil"])
    url = f"/evaluation/answers/{answer.pk}/save/"
    client.post(url, {"revision": 0, "number": "75"}, HTTP_HX_REQUEST="true")
    for bad in ("tujuh puluh", "-3", "140"):
        body = client.post(
            url, {"revision": 1, "number": bad}, HTTP_HX_REQUEST="true"
        ).content.decode()
        assert 'role="alert"' in body
    assert Answer.objects.get(pk=answer.pk).value == {"number": "75"}


def test_my_items_shows_the_offices_progress(client, personas, evaluation):
    client.force_login(personas.bekasi_dinkes)
    body = client.get("/evaluation/my-items/").content.decode()
    assert "T-1" in body and "T-2" not in body


def test_a_save_is_refused_to_whoever_may_not_change_the_answer(client, personas, evaluation):
    """The province's verifier sees Bekasi's answer but may not change it (403); another
    district's administrator does not see it at all (404); either way nothing is written."""
    answer = evaluation.answers["T-2.1"]
    url = f"/evaluation/answers/{answer.pk}/save/"
    client.force_login(personas.jabar)
    assert client.post(url, {"revision": 0, "number": "75"}).status_code == 403
    client.force_login(personas["gunungmas.admin"])
    assert client.post(url, {"revision": 0, "number": "75"}).status_code == 404
    assert Answer.objects.get(pk=answer.pk).value == {}
    client.force_login(personas["bekasi.disdukcapil"])
    assert client.post(url, {"revision": 0, "number": "75"}).status_code == 302
    assert Answer.objects.get(pk=answer.pk).value == {"number": "75"}


def test_a_card_that_changes_its_answers_state_tells_the_page_to_count_again(
    client, personas, evaluation
):
    """The indicator page's counts of items by state are drawn again when a card's answer is
    first filled in, submitted, accepted or returned (``HX-Trigger``), not on every autosave."""
    answer = evaluation.answers["T-2.1"]
    client.force_login(personas["bekasi.disdukcapil"])
    save = f"/evaluation/answers/{answer.pk}/save/"
    first = client.post(save, {"revision": 0, "number": "75"}, HTTP_HX_REQUEST="true")
    assert first.headers.get("HX-Trigger") == STATES_CHANGED  # not filled in → draft
    again = client.post(save, {"revision": 1, "number": "80"}, HTTP_HX_REQUEST="true")
    assert again.status_code == 200 and "HX-Trigger" not in again.headers  # still a draft
    submit = f"/evaluation/answers/{answer.pk}/submit/"
    sent = client.post(submit, HTTP_HX_REQUEST="true")
    assert sent.headers.get("HX-Trigger") == STATES_CHANGED
    assert Answer.objects.get(pk=answer.pk).status == Answer.Status.SUBMITTED
