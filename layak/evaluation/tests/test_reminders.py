from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from layak.evaluation import actions
from layak.evaluation.models import ReminderLog, Stage
from layak.evaluation.reminders import due_items, send_reminders
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.evaluation.tests.test_workflow import fresh, option

pytestmark = pytest.mark.django_db


def close_in(ev, kind, days):
    stage = Stage.objects.get(cycle=ev.cycle, kind=kind)
    stage.closes_at = timezone.now() + datetime.timedelta(days=days, hours=1)
    stage.save()


def test_offices_with_open_items_get_one_email_a_day_listing_them(personas, evaluation, settings):
    settings.REMINDER_LEAD_DAYS = [3]
    close_in(evaluation, Stage.Kind.SELF_ASSESSMENT, 3)
    a = evaluation.answers["T-1.1"]
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=a,
        value={"option": option(a, "SK")},
        note="",
        revision=0,
    )
    items = due_items()
    dinkes = items[personas.bekasi_dinkes.pk]
    assert [(d.text, d.count) for d in dinkes] == [("Kabupaten Bekasi", 2)]
    assert personas["bekasi.disdukcapil"].pk in items
    assert personas["gunungmas.dinkes"].pk in items
    assert personas.jabar.pk not in items
    sent = send_reminders()
    assert sent == len(items)
    to_dinkes = [m for m in mail.outbox if m.to == [personas.bekasi_dinkes.email]]
    assert len(to_dinkes) == 1 and "2 butir" in to_dinkes[0].body  # in her language
    # A second run on the same day sends nothing more.
    assert send_reminders() == 0
    assert ReminderLog.objects.filter(user=personas.bekasi_dinkes).count() == 1


def test_no_reminder_outside_the_lead_days(personas, evaluation, settings):
    settings.REMINDER_LEAD_DAYS = [1]
    close_in(evaluation, Stage.Kind.SELF_ASSESSMENT, 5)
    assert due_items() == {}


def test_province_verifiers_are_reminded_of_unverified_items(personas, evaluation, settings):
    settings.REMINDER_LEAD_DAYS = [2]
    submit_all(personas, evaluation)
    move_to(evaluation, Stage.Kind.PROVINCE)
    close_in(evaluation, Stage.Kind.PROVINCE, 2)
    items = due_items()
    assert [(d.text, d.count) for d in items[personas.jabar.pk]] == [("Kabupaten Bekasi", 4)]
    assert personas["verifier.kalteng"].pk not in items
    from layak.evaluation import verification

    verification.verify_item(
        actor=personas.jabar, answer=evaluation.answers["T-2.2"], stage="province"
    )
    assert [d.count for d in due_items()[personas.jabar.pk]] == [3]
    assert fresh(evaluation.answers["T-1.1"]).status == "accepted"
