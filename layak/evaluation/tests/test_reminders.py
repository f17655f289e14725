from __future__ import annotations

import datetime

import pytest
from django.core import mail
from django.utils import timezone

from layak.evaluation import actions
from layak.evaluation.models import Stage
from layak.evaluation.reminders import due_items, send_reminders, stage_opened
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.evaluation.tests.test_workflow import fresh, option
from layak.notifications.models import Notice

pytestmark = pytest.mark.django_db


def close_in(ev, kind, days):
    """The stage's closing day is ``days`` local days from today, whatever the hour the test
    runs (a window ends at the midnight after its closing day)."""
    stage = Stage.objects.get(cycle=ev.cycle, kind=kind)
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    stage.closes_at = midnight + datetime.timedelta(days=days + 1)
    stage.save()


def test_offices_with_open_items_get_one_email_a_day_listing_them(
    personas, evaluation, settings, django_capture_on_commit_callbacks
):
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
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sent = send_reminders()
    assert sent == len(items)
    to_dinkes = [m for m in mail.outbox if m.to == [personas.bekasi_dinkes.email]]
    assert len(to_dinkes) == 1 and "2 butir" in to_dinkes[0].body  # in her language
    # A second run on the same day sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert send_reminders() == 0
    reminders = Notice.objects.filter(
        recipient=personas.bekasi_dinkes, kind=Notice.Kind.STAGE_CLOSING
    )
    assert reminders.count() == 1
    assert len([m for m in mail.outbox if m.to == [personas.bekasi_dinkes.email]]) == 1


def test_no_reminder_outside_the_lead_days(personas, evaluation, settings):
    settings.REMINDER_LEAD_DAYS = [1]
    close_in(evaluation, Stage.Kind.SELF_ASSESSMENT, 5)
    assert due_items() == {}


def test_reminded_every_day_within_the_lead_days_so_a_missed_day_drops_nothing(
    personas, evaluation, settings
):
    """With lead days 7, 3 and 1, a deadline 5 days away still reminds (the run on day 7 may
    have been missed), once that day; the next day reminds again."""
    settings.REMINDER_LEAD_DAYS = [7, 3, 1]
    close_in(evaluation, Stage.Kind.SELF_ASSESSMENT, 5)
    today = timezone.localdate()
    assert personas.bekasi_dinkes.pk in due_items(today)
    first = send_reminders(today)
    assert first > 0
    assert send_reminders(today) == 0
    tomorrow = today + datetime.timedelta(days=1)
    assert send_reminders(tomorrow) == first
    days = set(
        Notice.objects.filter(
            recipient=personas.bekasi_dinkes, kind=Notice.Kind.STAGE_CLOSING
        ).values_list("day", flat=True)
    )
    assert days == {today, tomorrow}


def test_stage_opening_told_once_to_its_people(personas, evaluation, settings):
    """The self-assessment opened five days ago, within the lead days: the district
    administrators hear of it once, whatever the number of runs."""
    settings.REMINDER_LEAD_DAYS = [7]
    today = timezone.localdate()
    first = stage_opened(today)
    assert first >= 2
    assert stage_opened(today + datetime.timedelta(days=1)) == 0
    told = set(
        Notice.objects.filter(kind=Notice.Kind.STAGE_OPENED).values_list("recipient", flat=True)
    )
    assert {personas.bekasi_admin.pk, personas.gm_admin.pk} <= told
    assert personas.bekasi_dinkes.pk not in told
    settings.REMINDER_LEAD_DAYS = [1]
    Notice.objects.all().delete()
    assert stage_opened(today) == 0  # opened five days ago, beyond a one-day lead


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
