"""Email through a real SMTP server on the loopback: language, plain-text part, no child data,
a failing server delays email but loses no notice, the daily digest."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from layak.evaluation import actions
from layak.notifications import email as notice_email
from layak.notifications.actions import preferences_set
from layak.notifications.daily import run_daily
from layak.notifications.models import Delivery, Notice
from layak.notifications.notify import notify
from layak.notifications.tests.conftest import Inbox
from layak.notifications.tests.test_evaluation_handoffs import submit_t11
from layak.testing import Personas

pytestmark = pytest.mark.django_db(transaction=True)
K = Notice.Kind


def _return_t11(personas: Personas, evaluation, reason: str = "Lampirkan SK yang ditandatangani"):
    answer = submit_t11(personas, evaluation)
    return actions.answer_return(actor=personas.bekasi_admin, answer=answer, reason=reason)


def _parts(message) -> tuple[str, str]:
    plain = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert plain is not None and html is not None
    return plain.get_content(), html.get_content()


def test_return_email_arrives_in_indonesian_with_plain_text_and_the_reason(
    personas: Personas, evaluation, smtp_server: Inbox
) -> None:
    _return_t11(personas, evaluation)
    received = smtp_server.to(personas.bekasi_dinkes.email)
    assert len(received) == 1
    message = received[0]
    # What happened, in the third person, as the subject; not the preference's first person.
    assert str(message["Subject"]) == (
        "Layak: T-1.1 Kabupaten Bekasi (Evaluasi Uji) dikembalikan oleh Rina Kartika: "
        "Lampirkan SK yang ditandatangani"
    )
    plain, html = _parts(message)
    assert "T-1.1 Kabupaten Bekasi (Evaluasi Uji) dikembalikan" in plain
    assert "Lampirkan SK yang ditandatangani" in plain
    assert "http://testserver/notifications/" in plain
    assert "<a href=" in html and "<a href=" not in plain
    notice = Notice.objects.get(recipient=personas.bekasi_dinkes, kind=K.ITEM_RETURNED)
    assert notice.emailed_at is not None


def test_email_in_the_recipients_own_language(
    personas: Personas, evaluation, smtp_server: Inbox
) -> None:
    dinkes = personas.bekasi_dinkes
    dinkes.language = "en"
    dinkes.save(update_fields=["language"])
    _return_t11(personas, evaluation, reason="Attach the signed decree")
    message = smtp_server.to(dinkes.email)[0]
    assert str(message["Subject"]).startswith(
        "Layak: T-1.1 of Kabupaten Bekasi (Evaluasi Uji) returned by"
    )
    plain, _html = _parts(message)
    assert "T-1.1 of Kabupaten Bekasi (Evaluasi Uji) returned" in plain and "Hello" in plain


def test_no_childs_details_in_the_email(personas: Personas, smtp_server: Inbox) -> None:
    """A notice about a children's proposal names the proposal's topic; the children who made
    it (first names and age groups) stay out of the email, even as the notice's target."""
    from layak.participation.tests.helpers import make_proposal

    proposal = make_proposal(personas["bekasi.forum"], proposers=[("Zulaikha", "13-15")])
    proposer = proposal.proposers.get()
    with transaction.atomic():
        notify(
            [personas.bekasi_dinkes],
            K.PROPOSAL_ANSWERED,
            actor=personas.bekasi_admin,
            url="/",
            message=gettext_noop("%(actor)s mentioned you in %(thread)s."),
            params={"actor": "Admin Bekasi", "thread": proposal.topic},
            target=proposer,
        )
    message = smtp_server.messages[0]
    plain, html = _parts(message)
    assert proposal.topic in plain
    for text in (plain, html, str(message["Subject"])):
        assert "Zulaikha" not in text
        assert "13-15" not in text and str(proposer) not in text


def test_failing_mail_server_keeps_the_notice_and_the_daily_run_sends_it_later(
    personas: Personas, evaluation, smtp_server: Inbox
) -> None:
    smtp_server.refuse = True
    _return_t11(personas, evaluation)
    notice = Notice.objects.get(recipient=personas.bekasi_dinkes, kind=K.ITEM_RETURNED)
    assert notice.emailed_at is None and smtp_server.messages == []
    smtp_server.refuse = False
    result = run_daily()
    assert result.emails_retried >= 1
    returned = [
        m
        for m in smtp_server.to(personas.bekasi_dinkes.email)
        if "T-1.1 Kabupaten Bekasi (Evaluasi Uji) dikembalikan" in str(m["Subject"])
    ]
    assert len(returned) == 1
    notice.refresh_from_db()
    assert notice.emailed_at is not None
    assert run_daily().emails_retried == 0  # sent once only


def test_unreachable_mail_server_does_not_break_the_hand_off(
    personas: Personas, evaluation, smtp_down: None
) -> None:
    answer = _return_t11(personas, evaluation)
    assert answer.status == "returned"
    notice = Notice.objects.get(recipient=personas.bekasi_dinkes, kind=K.ITEM_RETURNED)
    assert notice.emailed_at is None


def test_daily_digest_one_email_per_person_once(
    personas: Personas, evaluation, smtp_server: Inbox, settings
) -> None:
    settings.REMINDER_LEAD_DAYS = [1]  # no deadline reminder these days: only the digest
    dinkes = personas.bekasi_dinkes
    with transaction.atomic():
        preferences_set(actor=dinkes, choices={K.ITEM_RETURNED: Delivery.DIGEST})
    _return_t11(personas, evaluation)
    assert smtp_server.to(dinkes.email) == []
    call_command("send_reminders", stdout=io.StringIO())
    assert smtp_server.to(dinkes.email) == []  # today's notices go in tomorrow's digest
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    assert run_daily(tomorrow).digests >= 1
    received = smtp_server.to(dinkes.email)
    assert len(received) == 1
    assert "pemberitahuan baru" in str(received[0]["Subject"])
    plain, _html = _parts(received[0])
    assert "Lampirkan SK yang ditandatangani" in plain
    assert notice_email.send_digests(tomorrow) == 0  # a second run the same day: nothing
    assert len(smtp_server.to(dinkes.email)) == 1


def test_an_invitation_goes_through_the_same_smtp_server_in_indonesian(
    personas: Personas, smtp_server: Inbox
) -> None:
    from layak.organisations.actions import member_invite
    from layak.organisations.models import Organisation

    dinsos = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    member_invite(
        actor=personas.bekasi_admin,
        organisation=dinsos,
        email="wati@example.org",
        full_name="Wati Pratiwi",
        role="office_operator",
    )
    (message,) = smtp_server.to("wati@example.org")
    plain = message.get_body(preferencelist=("plain",))
    assert plain is not None
    text = plain.get_content()
    assert "Yth. Wati Pratiwi" in text
    assert "/accounts/password/reset/" in text
