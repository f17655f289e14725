"""The preferences page lists only the kinds a person's roles can receive, and says when the
daily digest goes out."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from layak.notifications.daily import DAILY_RUN_AT
from layak.notifications.models import Delivery, Notice, Preference
from layak.testing import Personas

pytestmark = pytest.mark.django_db
K = Notice.Kind


def _rows(client, user) -> set[str]:
    client.force_login(user)
    page = client.get(reverse("notifications:preferences")).content.decode()
    return {kind for kind in K.values if f'data-testid="pref-{kind}"' in page}


def test_an_office_operator_sees_only_the_kinds_that_reach_an_office(
    client, personas: Personas
) -> None:
    rows = _rows(client, personas.bekasi_dinkes)
    assert K.ITEM_ASSIGNED in rows and K.ITEM_RETURNED in rows and K.FOLLOWUP_ASSIGNED in rows
    assert K.MENTION in rows and K.JOB_FINISHED in rows
    for kind in (K.ITEM_CORRECTED, K.ITEM_SUBMITTED, K.PARTNER_VALIDATED, K.PROPOSAL_RECEIVED):
        assert kind not in rows
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Butir yang diperbaiki menunggu diperiksa ulang" not in page


def test_the_district_administrator_sees_the_secretariat_kinds(client, personas: Personas) -> None:
    rows = _rows(client, personas.bekasi_admin)
    for kind in (K.ITEM_SUBMITTED, K.ITEM_CORRECTED, K.PARTNER_SUBMITTED, K.PROPOSAL_RECEIVED):
        assert kind in rows
    assert K.PARTNER_VALIDATED not in rows and K.PROPOSAL_ANSWERED not in rows


def test_a_partner_and_a_forum_facilitator_see_their_own_kinds(client, personas: Personas) -> None:
    partner = _rows(client, personas["bekasi.partner"])
    assert {K.PARTNER_VALIDATED, K.PARTNER_RETURNED} <= partner
    assert K.ITEM_ASSIGNED not in partner and K.PROPOSAL_ANSWERED not in partner
    forum = _rows(client, personas["bekasi.forum"])
    assert K.PROPOSAL_ANSWERED in forum and K.PARTNER_RETURNED not in forum


def test_saving_the_shorter_list_keeps_choices_of_kinds_not_shown(
    client, personas: Personas
) -> None:
    operator = personas.bekasi_dinkes
    Preference.objects.create(user=operator, kind=K.ITEM_CORRECTED, delivery=Delivery.DIGEST)
    client.force_login(operator)
    data = {kind: Delivery.IN_APP for kind in _rows(client, operator)}
    assert client.post(reverse("notifications:preferences"), data).status_code == 302
    assert Preference.objects.get(user=operator, kind=K.ITEM_CORRECTED).delivery == Delivery.DIGEST
    assert Preference.objects.get(user=operator, kind=K.ITEM_ASSIGNED).delivery == Delivery.IN_APP


def test_the_page_says_when_the_digest_goes_out(client, personas: Personas) -> None:
    client.force_login(personas.bekasi_dinkes)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert f"Ringkasan harian dikirim setiap pagi pukul {DAILY_RUN_AT} WIB" in page
    # The time told is the timer's.
    timer = Path(settings.BASE_DIR, "deploy/systemd/layak-reminders.timer").read_text()
    assert f"OnCalendar=*-*-* {DAILY_RUN_AT}:00 Asia/Jakarta" in timer
