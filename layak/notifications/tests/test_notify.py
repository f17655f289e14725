"""Rules of ``notify``: recipients, preferences, on-commit email, the daily once."""

from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.db import transaction
from django.utils.translation import gettext_noop, override

from layak.notifications.actions import preferences_set
from layak.notifications.models import Delivery, Notice
from layak.notifications.notify import notify
from layak.testing import Personas

pytestmark = pytest.mark.django_db(transaction=True)

K = Notice.Kind
MSG = gettext_noop("%(actor)s returned %(item)s of %(region)s: %(reason)s")


def _send(personas: Personas, recipients, kind=K.ITEM_RETURNED, **kw):
    with transaction.atomic():
        return notify(
            recipients,
            kind,
            actor=personas.bekasi_admin,
            url="/evaluasi/",
            message=MSG,
            params={
                "actor": "Admin",
                "item": "T-1.1",
                "region": "Bekasi",
                "reason": "Bukti kurang",
            },
            **kw,
        )


def test_actor_skipped_duplicates_merged(personas: Personas) -> None:
    dinkes = personas.bekasi_dinkes
    n = _send(personas, [dinkes, dinkes, personas.bekasi_admin])
    assert n == 1
    notice = Notice.objects.get()
    assert notice.recipient == dinkes
    assert notice.actor == personas.bekasi_admin
    assert notice.read_at is None


def test_returned_emails_at_once_by_default(personas: Personas) -> None:
    _send(personas, [personas.bekasi_dinkes])
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [personas.bekasi_dinkes.email]
    assert Notice.objects.get().emailed_at is not None


def test_in_app_only_sends_no_email(personas: Personas) -> None:
    with transaction.atomic():
        preferences_set(actor=personas.bekasi_dinkes, choices={K.ITEM_RETURNED: Delivery.IN_APP})
    _send(personas, [personas.bekasi_dinkes])
    assert mail.outbox == []
    assert Notice.objects.get().delivery == Delivery.IN_APP


def test_rolled_back_hand_off_leaves_no_notice_and_no_email(personas: Personas) -> None:
    with pytest.raises(RuntimeError), transaction.atomic():
        notify(
            [personas.bekasi_dinkes],
            K.ITEM_RETURNED,
            actor=None,
            url="/",
            message=MSG,
            params={"actor": "A", "item": "B", "region": "R", "reason": "C"},
        )
        raise RuntimeError("the hand-off failed")
    assert not Notice.objects.exists()
    assert mail.outbox == []


def test_email_waits_for_commit(personas: Personas) -> None:
    with transaction.atomic():
        notify(
            [personas.bekasi_dinkes],
            K.ITEM_RETURNED,
            actor=None,
            url="/",
            message=MSG,
            params={"actor": "A", "item": "B", "region": "R", "reason": "C"},
        )
        assert mail.outbox == []
    assert len(mail.outbox) == 1


def test_message_rendered_in_readers_language(personas: Personas) -> None:
    _send(personas, [personas.bekasi_dinkes], kind=K.ITEM_ASSIGNED)
    notice = Notice.objects.get()
    notice.message = gettext_noop("Notification preferences")
    with override("id"):
        assert notice.text == "Preferensi pemberitahuan"
    with override("en"):
        assert notice.text == "Notification preferences"


def test_same_day_reminder_once_per_person_and_thing(personas: Personas) -> None:
    today = datetime.date(2026, 12, 6)
    target = personas.bekasi_dinkes  # any model instance
    assert (
        _send(personas, [personas.bekasi_dinkes], kind=K.STAGE_CLOSING, day=today, target=target)
        == 1
    )
    assert (
        _send(personas, [personas.bekasi_dinkes], kind=K.STAGE_CLOSING, day=today, target=target)
        == 0
    )
    tomorrow = today + datetime.timedelta(days=1)
    assert (
        _send(personas, [personas.bekasi_dinkes], kind=K.STAGE_CLOSING, day=tomorrow, target=target)
        == 1
    )


def test_unknown_kind_refused(personas: Personas) -> None:
    with pytest.raises(ValueError):
        _send(personas, [personas.bekasi_dinkes], kind="nonsense")
