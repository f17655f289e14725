"""A kecamatan operator answers for two villages; the district's DEKELA share changes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.evaluation.models import Assessment, Stage
from layak.frameworks.models import Indicator
from layak.testing import make_personas, make_village_cycle, move_stages, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_kecamatan_operator_answers_for_two_villages_and_dekela_share_changes(page):
    personas = make_personas()
    ev = make_village_cycle(personas)
    indicator = Indicator.objects.get(version=ev.version, code="V-1").pk

    sign_in(page, personas["bekasi.kecamatan"].email)
    for assessment in ev.assessments[:2]:
        page.goto(f"/evaluation/assessments/{assessment.pk}/indicators/{indicator}/")
        for code in ("V-1.1", "V-1.2"):
            card = page.get_by_test_id(f"answer-{code}")
            card.get_by_label("Ada dan berjalan").check()
            expect(
                page.get_by_test_id(f"answer-{code}").locator(".message.success")
            ).to_be_visible()
            page.get_by_test_id(f"answer-{code}").locator("form[action$='/submit/'] button").click()
            expect(page.get_by_test_id(f"answer-{code}").get_by_test_id("status")).to_have_text(
                "Diajukan"
            )
        page.goto(f"/evaluation/assessments/{assessment.pk}/")
        page.on("dialog", lambda dialog: dialog.accept())
        page.locator("form[action$='/submit/'] button").click()
        expect(page.locator(".message.success")).to_be_visible()
    sign_out(page)
    assert Assessment.objects.filter(cycle=ev.cycle, status="submitted").count() == 2

    # The district verifies and determines both villages.
    move_stages(ev.cycle, Stage.Kind.DISTRICT)
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/evaluation/regions/32.16/")
    expect(page.get_by_test_id("dekela-share")).to_have_text("0%")
    for assessment in ev.assessments[:2]:
        page.goto(f"/evaluation/assessments/{assessment.pk}/verify/district/")
        page.on("dialog", lambda dialog: dialog.accept())
        page.locator("form[action$='agree-rest/'] button").click()
        page.wait_for_load_state()
        page.goto(f"/evaluation/assessments/{assessment.pk}/scores/")
        page.locator("form[action$='determine/'] button").click()
        expect(page.get_by_test_id("final")).to_contain_text("Layak")
    page.goto("/evaluation/regions/32.16/")
    expect(page.get_by_test_id("dekela-share")).not_to_have_text("0%")
    share = page.get_by_test_id("dekela-share").inner_text()
    assert re.match(r"1[,.]07%", share), share  # 2 of the 187 villages of Kabupaten Bekasi
