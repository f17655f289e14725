"""The secretariat takes a sub-activity out of the action plan, in Chromium: the page asks
first, and nothing changes until the question is answered yes."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layak.plans.models import PlanItem
from layak.plans.tests.helpers import make_plan
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_taking_an_item_out_of_the_plan_asks_first(page):
    personas = make_personas()
    world = make_plan(personas)
    clinic = world.clinic
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"/plans/items/{clinic.pk}/")
    asked: list[str] = []

    def say_no(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.once("dialog", say_no)
    page.get_by_role("button", name="Keluarkan dari rencana").click()
    assert asked == [
        "Keluarkan “Akta kelahiran di fasilitas kesehatan” dari rencana aksi? Butir ini tetap "
        "ada di riwayat beserta kemajuan yang dilaporkan."
    ]
    assert PlanItem.objects.get(pk=clinic.pk).is_active

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Keluarkan dari rencana").click()
    expect(page.get_by_text("Dikeluarkan dari rencana")).to_be_visible()
    assert not PlanItem.objects.get(pk=clinic.pk).is_active
