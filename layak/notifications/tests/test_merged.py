"""One hand-off, one notice per person: an assignment save, a bulk submit or several items in
one request give each person one notice with the count and the codes, and one email."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layak.evaluation import actions
from layak.evaluation.tests.test_workflow import fresh
from layak.notifications.models import Notice
from layak.notifications.tests.conftest import Inbox
from layak.organisations.models import Organisation
from layak.testing import Personas, make_cycle

K = Notice.Kind


def _capil_answers(personas: Personas, ev) -> None:
    capil = personas["bekasi.disdukcapil"]
    a = ev.answers
    actions.answer_save(actor=capil, answer=a["T-2.1"], value={"number": "92"}, note="", revision=0)
    cells = {"0-<5|Anak": "100", "0-<5|Berakta": "90", "5-<18|Anak": "100", "5-<18|Berakta": "70"}
    actions.answer_save(actor=capil, answer=a["T-2.2"], value={"cells": cells}, note="", revision=0)


@pytest.mark.django_db(transaction=True)
def test_one_assignment_save_of_four_items_gives_one_notice_and_one_email(
    client, personas: Personas, smtp_server: Inbox
) -> None:
    ev = make_cycle(personas, assign=False)
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    a = ev.answers
    t1 = a["T-1.1"].question.indicator_id
    t2 = a["T-2.1"].question.indicator_id
    client.force_login(personas.bekasi_admin)
    response = client.post(
        reverse("evaluation:assign", args=[ev.bekasi.pk]),
        {
            f"ind-{t1}": [dinkes.pk],
            f"sep-{t2}": "1",
            f"q-{a['T-2.1'].pk}": [dinkes.pk],
            f"q-{a['T-2.2'].pk}": [dinkes.pk],
        },
    )
    assert response.status_code == 302
    operator = personas.bekasi_dinkes
    notice = Notice.objects.get(recipient=operator, kind=K.ITEM_ASSIGNED)
    assert notice.params["count"] == "4"
    assert notice.text == (
        "4 butir Kabupaten Bekasi (Evaluasi Uji) ditugaskan kepada Dinas Kesehatan Kabupaten "
        "Bekasi oleh Rina Kartika: T-1.1, T-1.2, T-2.1, T-2.2"
    )
    assert notice.url == reverse("evaluation:my_items")  # two indicators: the list
    mails = smtp_server.to(operator.email)
    assert len(mails) == 1
    assert (
        str(mails[0]["Subject"])
        .strip()
        .startswith(
            "Layak: 4 butir Kabupaten Bekasi (Evaluasi Uji) ditugaskan kepada Dinas Kesehatan"
        )
    )


@pytest.mark.django_db
def test_one_item_assigned_opens_the_item_and_names_the_question_and_cycle(
    client, personas: Personas
) -> None:
    ev = make_cycle(personas, assign=False)
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    a = ev.answers
    t2 = a["T-2.1"].question.indicator_id
    client.force_login(personas.bekasi_admin)
    client.post(
        reverse("evaluation:assign", args=[ev.bekasi.pk]),
        {f"sep-{t2}": "1", f"q-{a['T-2.1'].pk}": [dinkes.pk]},
    )
    notice = Notice.objects.get(recipient=personas.bekasi_dinkes, kind=K.ITEM_ASSIGNED)
    page = reverse("evaluation:indicator", args=[ev.bekasi.pk, t2])
    assert notice.url == f"{page}#answer-{a['T-2.1'].pk}"
    assert notice.text.startswith("T-2.1 Kabupaten Bekasi (Evaluasi Uji) ditugaskan kepada")
    assert a["T-2.1"].question.text[:30] in notice.text


@pytest.mark.django_db
def test_bulk_submit_gives_the_administrator_one_notice(client, personas: Personas) -> None:
    ev = make_cycle(personas)
    _capil_answers(personas, ev)
    client.force_login(personas["bekasi.disdukcapil"])
    response = client.post(reverse("evaluation:bulk_submit", args=[ev.bekasi.pk]))
    assert response.status_code == 302
    notices = Notice.objects.filter(kind=K.ITEM_SUBMITTED, recipient=personas.bekasi_admin)
    assert notices.count() == 1
    notice = notices.get()
    assert notice.text.startswith(
        "2 butir Kabupaten Bekasi (Evaluasi Uji) dikirim untuk diperiksa oleh"
    )
    assert notice.text.endswith("T-2.1, T-2.2")
    t2 = ev.answers["T-2.1"].question.indicator_id
    # Both items of one indicator: the indicator page, no single item's anchor.
    assert notice.url == reverse("evaluation:indicator", args=[ev.bekasi.pk, t2])


@pytest.mark.django_db
def test_items_in_separate_requests_grow_the_unread_notice_of_the_day(
    personas: Personas,
) -> None:
    ev = make_cycle(personas)
    _capil_answers(personas, ev)
    capil = personas["bekasi.disdukcapil"]
    for code in ("T-2.1", "T-2.2"):
        actions.answer_submit(actor=capil, answer=fresh(ev.answers[code]))
    (notice,) = Notice.objects.filter(kind=K.ITEM_SUBMITTED)
    assert notice.text.startswith(
        "2 butir Kabupaten Bekasi (Evaluasi Uji) dikirim untuk diperiksa oleh"
    )
    assert notice.text.endswith("T-2.2, T-2.1")  # the newest first


@pytest.mark.django_db
def test_a_rolled_back_item_leaves_the_next_one_its_own_notice(personas: Personas) -> None:
    """In one batch, the first item's hand-off is undone: the second item is not merged into a
    notice that no longer exists."""
    from django.db import transaction
    from django.utils.translation import gettext_noop

    from layak.notifications.notify import notice_batch, notify

    def hand_off(code: str) -> int:
        return notify(
            [personas.bekasi_admin],
            K.ITEM_SUBMITTED,
            actor=personas.bekasi_dinkes,
            url=f"/evaluation/x/#answer-{code}",
            message=gettext_noop("%(item)s of %(region)s submitted for review by %(actor)s."),
            many_message=gettext_noop(
                "%(count)s items of %(region)s submitted for review by %(actor)s: %(items)s"
            ),
            params={"item": code, "region": "Kabupaten Bekasi", "actor": "Budi"},
            items=[code],
        )

    with notice_batch():
        with pytest.raises(RuntimeError), transaction.atomic():
            hand_off("T-1.1")
            raise RuntimeError
        hand_off("T-1.2")
        hand_off("T-2.1")
    notice = Notice.objects.get(kind=K.ITEM_SUBMITTED)
    assert notice.text == "2 butir Kabupaten Bekasi dikirim untuk diperiksa oleh Budi: T-1.2, T-2.1"
    assert notice.url == "/evaluation/x/"  # items on one page: the page, no single anchor


@pytest.mark.django_db
def test_bulk_accept_gives_the_office_one_notice(client, personas: Personas) -> None:
    ev = make_cycle(personas)
    _capil_answers(personas, ev)
    capil = personas["bekasi.disdukcapil"]
    client.force_login(capil)
    client.post(reverse("evaluation:bulk_submit", args=[ev.bekasi.pk]))
    client.force_login(personas.bekasi_admin)
    t2 = ev.answers["T-2.1"].question.indicator_id
    response = client.post(
        reverse("evaluation:bulk_accept", args=[ev.bekasi.pk]),
        {"indicator": t2, "answer": [ev.answers["T-2.1"].pk, ev.answers["T-2.2"].pk]},
    )
    assert response.status_code == 302
    notice = Notice.objects.get(kind=K.ITEM_ACCEPTED, recipient=capil)
    assert notice.text.startswith("2 butir Kabupaten Bekasi (Evaluasi Uji) diterima oleh")
    assert notice.text.endswith("T-2.1, T-2.2")
    assert notice.url == reverse("evaluation:indicator", args=[ev.bekasi.pk, t2])
