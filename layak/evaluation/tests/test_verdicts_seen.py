"""A verifier's decision reaches the district: the item's card shows each stage's points and
reason, its history lists every decision, and a changed score is a notice to the district's
secretariat and the item's office. In Indonesian, the decision made on the verification page."""

from __future__ import annotations

import re

import pytest

from layak.evaluation.models import Stage
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.notifications.models import Notice

pytestmark = pytest.mark.django_db
K = Stage.Kind


def _words(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def _card(client, answer) -> str:
    page = client.get(
        f"/evaluation/assessments/{answer.assessment_id}/indicators/{answer.question.indicator_id}/"
    ).content.decode()
    found = re.search(
        rf'<article class="card answer" id="answer-{answer.pk}".*?</article>', page, re.S
    )
    assert found, page
    return _words(found.group(0))


def test_the_district_sees_the_provinces_decision_on_the_card_history_and_notices(
    client, personas, evaluation
):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    t11, t21 = ev.answers["T-1.1"], ev.answers["T-2.1"]
    client.force_login(personas.jabar)
    url = f"/evaluation/answers/{{}}/verify/{K.PROVINCE}/"
    client.post(
        url.format(t11.pk), {"decision": "adjust", "points": "15", "reason": "Baru SK, belum Perda"}
    )
    client.post(url.format(t21.pk), {"decision": "agree"})

    client.force_login(personas.bekasi_admin)
    card = _card(client, t11)
    province = "Verifikasi administrasi provinsi"
    assert f"{province}: 15,00 / 30,00 poin · disesuaikan — Baru SK, belum Perda" in card
    assert "Evaluasi mandiri: 30,00 / 30,00 poin" in card  # the card's own points, named
    assert f"{province}: 30,00 / 30,00 poin · disetujui" in _card(client, t21)
    # Not yet verified at the province: no line.
    assert province not in _card(client, ev.answers["T-1.2"])
    history = _words(client.get(f"/evaluation/answers/{t11.pk}/history/").content.decode())
    assert f"{province} disesuaikan 30,00 15,00" in history
    assert "Baru SK, belum Perda" in history and str(personas.jabar) in history
    # A changed score is told to the secretariat and the item's office; an agreement is not.
    told = Notice.objects.filter(kind=Notice.Kind.SCORE_ADJUSTED)
    assert set(told.values_list("recipient", flat=True)) >= {
        personas.bekasi_admin.pk,
        personas.bekasi_dinkes.pk,
    }
    assert personas["bekasi.disdukcapil"].pk not in set(told.values_list("recipient", flat=True))
    notices = _words(client.get("/notifications/").content.decode())
    assert "diubah oleh" in notices and "Baru SK, belum Perda" in notices


def test_the_address_a_refused_decision_leaves_opens_the_item_again(client, personas, evaluation):
    """A refused decision is shown at the form's address; opened again (reload, a new tab),
    that address leads to the item on its verification page, not to an error."""
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    item = ev.answers["T-1.1"]
    url = f"/evaluation/answers/{item.pk}/verify/{K.PROVINCE}/"
    client.force_login(personas.jabar)
    refused = client.post(url, {"decision": "adjust", "points": "15", "reason": ""})
    assert refused.status_code == 400 and "Berikan alasan perubahan nilai." in refused.text
    again = client.get(url)
    assert again.status_code == 302
    assert again.url.endswith(f"&at={item.pk}#item-{item.pk}")
    assert again.url.startswith(f"/evaluation/assessments/{ev.bekasi.pk}/verify/province/")
    client.force_login(personas.bekasi_dinkes)  # not a verifier: refused as before
    assert client.get(url).status_code in (403, 404)


def test_items_agreed_all_at_once_list_the_decision_in_their_history(client, personas, evaluation):
    """ "Agree with every remaining item" on the verification page: each item's history names
    the stage, the decision, its points and the verifier, as for an item decided alone."""
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    client.force_login(personas.jabar)
    done = client.post(f"/evaluation/assessments/{ev.bekasi.pk}/verify/{K.PROVINCE}/agree-rest/")
    assert done.status_code in (200, 302)
    client.force_login(personas.bekasi_admin)
    province = "Verifikasi administrasi provinsi"
    for code in ("T-1.1", "T-2.1"):
        item = ev.answers[code]
        history = _words(client.get(f"/evaluation/answers/{item.pk}/history/").content.decode())
        assert f"{province} disetujui 30,00 30,00" in history, code
        assert str(personas.jabar) in history
