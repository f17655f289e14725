"""A village evaluation run by the regency, in Indonesian, through the pages: the district
administrator starts a DEKELA cycle and adds the villages of a kecamatan; the kecamatan
operator answers for its villages and submits; the district returns an item, the operator
corrects it, the district finds it first, agrees with the rest and determines; the district's
DEKELA share follows."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.evaluation.models import Assessment, Cycle
from layak.frameworks.actions import version_publish
from layak.frameworks.spec import build_version
from layak.testing import make_personas, sign_in, sign_out, tiny_village_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card(page, code):
    return page.get_by_test_id(f"answer-{code}")


def set_windows(page, cycle_pk, district_open: bool) -> None:
    """The district moves its cycle on through the stage windows page."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    page.goto(f"/evaluation/cycles/{cycle_pk}/windows/")
    if district_open:
        dates = [today - 4 * day, today - day, today, today + 5 * day]
    else:
        dates = [today - day, today + 5 * day, today + 6 * day, today + 9 * day]
    for name, value in zip(
        ["self_opens", "self_closes", "district_opens", "district_closes"], dates, strict=True
    ):
        page.locator(f"input[name={name}]").fill(value.isoformat())
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".message.success")).to_be_visible()


def test_the_district_runs_a_village_evaluation_through_the_pages(page):
    personas = make_personas()
    version_publish(actor=personas.ministry, version=build_version(tiny_village_spec()))
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    # The district starts the DEKELA cycle and adds two villages of Cikarang Utara.
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/evaluation/")
    page.get_by_test_id("start-dekela").click()
    page.get_by_label("Nama").fill("DEKELA Bekasi 2026")
    page.get_by_label("Instrumen").select_option(index=1)
    page.locator("input[name=self_opens]").fill((today - day).isoformat())
    page.locator("input[name=self_closes]").fill((today + 5 * day).isoformat())
    page.locator("input[name=district_opens]").fill((today + 6 * day).isoformat())
    page.locator("input[name=district_closes]").fill((today + 9 * day).isoformat())
    page.get_by_role("button", name="Simpan").click()
    cycle = Cycle.objects.get(name="DEKELA Bekasi 2026")
    expect(page.locator("h1")).to_have_text("DEKELA Bekasi 2026")
    page.get_by_test_id("add-regions").locator("input[name=codes]").fill(
        "32.16.09.2001, 32.16.09.2002"
    )
    page.get_by_role("button", name="Tambahkan ke siklus").click()
    expect(page.locator(".message.success")).to_contain_text("2 wilayah ditambahkan")
    sign_out(page)
    villages = list(Assessment.objects.filter(cycle=cycle).order_by("region__code"))
    assert len(villages) == 2

    # The kecamatan operator answers for both villages, from its list, and submits each.
    sign_in(page, personas["bekasi.kecamatan"].email)
    for assessment in villages:
        page.goto("/evaluation/my-items/")
        page.locator(f"a[href^='/evaluation/assessments/{assessment.pk}/indicators/']").click()
        for code in ("V-1.1", "V-1.2"):
            card(page, code).get_by_label("Ada dan berjalan").check()
            expect(card(page, code).locator(".message.success")).to_be_visible()
            card(page, code).locator("form[action$='/submit/'] button").click()
            expect(card(page, code).get_by_test_id("status")).to_have_text("Diajukan")
        page.goto(f"/evaluation/assessments/{assessment.pk}/")
        page.once("dialog", lambda dialog: dialog.accept())
        page.get_by_role("button", name="Ajukan ke kabupaten/kota").click()
        expect(page.locator(".message.success")).to_contain_text("kabupaten/kota")
    sign_out(page)
    assert Assessment.objects.filter(cycle=cycle, status="submitted").count() == 2

    # The district opens its verification and returns one item of the first village.
    first = villages[0]
    sign_in(page, personas.bekasi_admin.email)
    set_windows(page, cycle.pk, district_open=True)
    page.goto(f"/evaluation/assessments/{first.pk}/verify/district/")
    item = page.get_by_test_id("verify-V-1.2")
    item.get_by_label("Kembalikan ke kecamatan atau desa/kelurahan").check()
    item.locator("input[name=reason]").fill("Lampirkan Perdes yang sudah ditandatangani")
    item.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_test_id("verify-V-1.2").get_by_test_id("state")).to_have_attribute(
        "data-state", "returned"
    )
    sign_out(page)

    # The kecamatan sees it with the reason, corrects and submits it again.
    sign_in(page, personas["bekasi.kecamatan"].email)
    page.goto("/evaluation/my-items/")
    expect(page.get_by_test_id("returned-items")).to_contain_text("Perdes yang sudah")
    page.get_by_test_id("returned-items").get_by_role("link", name="V-1.2").click()
    card(page, "V-1.2").locator("textarea[name=note]").fill("Perdes 3/2026 terlampir")
    card(page, "V-1.2").get_by_role("button", name="Simpan draf").click()
    expect(card(page, "V-1.2").locator(".message.success")).to_be_visible()
    card(page, "V-1.2").locator("form[action$='/submit/'] button").click()
    expect(card(page, "V-1.2").get_by_test_id("status")).to_have_text("Diajukan")
    sign_out(page)

    # The district finds it first, waiting for a re-check, agrees and determines both.
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/evaluation/verify/")
    expect(page.get_by_test_id("corrected").first).to_have_text("1")
    for assessment in villages:
        page.goto(f"/evaluation/assessments/{assessment.pk}/verify/district/")
        if assessment == first:
            expect(page.locator("article.card.answer").first).to_have_attribute(
                "data-testid", "verify-V-1.2"
            )
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("form[action$='agree-rest/'] button").click()
        expect(page.locator(".message.success")).to_be_visible()
        page.goto(f"/evaluation/assessments/{assessment.pk}/")
        page.get_by_test_id("determine-link").click()
        page.once("dialog", lambda dialog: dialog.accept())
        page.locator("form#determine button").click()
        expect(page.get_by_test_id("final")).to_contain_text("Layak")
    page.goto("/evaluation/regions/32.16/")
    share = page.get_by_test_id("dekela-share").inner_text()
    assert re.match(r"1[,.]07%", share), share  # 2 of the 187 villages of Kabupaten Bekasi
    page.goto(f"/evaluation/cycles/{cycle.pk}/")
    expect(page.get_by_test_id("standing-status").first).to_have_text("Ditetapkan")
