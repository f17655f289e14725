"""In a real browser, in Indonesian: every edit form with a date or time input shows the stored
date and time, and saving it after changing nothing keeps them (once, saving a decree after
changing only its number turned "12 Feb 2024 – 31 Des 2028" into "until replaced")."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from layak.testing import Personas, make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _rows(p: Personas) -> list[tuple[str, str, Any]]:
    """(editor, edit URL, the record) for each edit form with a date or time input."""
    from layak.afse.models import Event
    from layak.afse.tests import url_cases as afse_cases
    from layak.participation.models import Proposal
    from layak.participation.tests import url_cases as participation_cases
    from layak.partners.models import Contribution
    from layak.partners.testing import (
        bekasi_business,
        ensure_kla,
        make_commitment,
        make_contribution,
    )
    from layak.plans.models import Plan
    from layak.plans.tests.helpers import make_plan
    from layak.taskforce.models import Decree
    from layak.taskforce.tests import url_cases as taskforce_cases

    taskforce_cases.setup(p)
    afse_cases.setup(p)
    participation_cases.setup(p)
    plan = make_plan(p).plan
    Plan.objects.filter(pk=plan.pk).update(
        regulation_number="Perbup 12/2025", regulation_date=datetime.date(2025, 2, 12)
    )
    ensure_kla()
    commitment = make_commitment(p["bekasi.partner"], bekasi_business(), title="Draf")
    contribution = make_contribution(p["bekasi.partner"], commitment)
    decree = Decree.objects.get(number=taskforce_cases.NUMBER)
    member = decree.members.get(name="Matriks Sekretaris")
    meeting = decree.meetings.get()
    follow_up = meeting.follow_ups.get()
    admin, partner = "bekasi.admin", "bekasi.partner"
    return [
        (admin, reverse("taskforce:decree_edit", args=[decree.pk]), decree),
        (admin, reverse("taskforce:member_edit", args=[member.pk]), member),
        (admin, reverse("taskforce:meeting_edit", args=[meeting.pk]), meeting),
        (admin, reverse("taskforce:follow_up_edit", args=[follow_up.pk]), follow_up),
        (admin, reverse("plans:edit", args=[plan.pk]), plan),
        (admin, reverse("afse:edit", args=[Event.objects.get().pk]), Event.objects.get()),
        (partner, reverse("partners:commitment_edit", args=[commitment.pk]), commitment),
        (
            partner,
            reverse("partners:contribution_edit", args=[contribution.pk]),
            Contribution.objects.get(pk=contribution.pk),
        ),
        (
            "bekasi.forum",
            reverse("participation:proposal_edit", args=[Proposal.objects.get().pk]),
            Proposal.objects.get(),
        ),
        (admin, reverse("taskforce:member_create", args=[decree.pk]), None),
    ]


def _dates(record: Any) -> dict[str, Any]:
    """The record's stored dates and times, read afresh."""
    model = apps.get_model(record._meta.label)
    fresh = model.objects.get(pk=record.pk)
    return {
        f.attname: getattr(fresh, f.attname)
        for f in model._meta.concrete_fields
        if f.get_internal_type() in ("DateField", "TimeField")
    }


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    return str(value.isoformat())


def test_date_and_time_inputs_keep_their_values_in_indonesian(page):
    personas = make_personas()
    rows = _rows(personas)
    signed_in = ""
    for role, url, record in rows:
        if role != signed_in:
            page.context.clear_cookies()
            sign_in(page, personas[role].email)
            signed_in = role
        page.goto(url)
        assert page.locator("html").get_attribute("lang") == "id"
        form = page.locator("main form[method=post]:has(input[type=date])").first
        inputs = form.locator("input[type=date], input[type=time]")
        assert inputs.count() > 0, url
        if record is None:
            # A new member: the "since" date starts at the decree's start, shown by the browser.
            since = form.locator("input[type=date]").first
            assert since.input_value() != "", url
            continue
        stored = _dates(record)
        for i in range(inputs.count()):
            field = inputs.nth(i)
            name = field.get_attribute("name") or ""
            if name in stored:
                # What the browser holds is the stored value: nothing shows empty.
                assert field.input_value() == _iso(stored[name]), (url, name)
        form.locator("button[type=submit]").first.click()
        page.wait_for_url(lambda now, url=url: not now.endswith(url))  # saved, not refused
        assert _dates(record) == stored, url
