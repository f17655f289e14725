"""A district administrator starts a kecamatan evaluation from its pages, adds its kecamatan
(a wrong code is named with the reason, and what was typed stays), verifies and determines one
from the cycle overview, which then shows the determined result; the ministry searches the
assessment list. In Indonesian, the default language."""

from __future__ import annotations

import dataclasses
import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.evaluation import actions
from layak.evaluation.models import Answer, Assessment, Cycle, Stage
from layak.frameworks.actions import version_publish
from layak.frameworks.spec import build_version
from layak.testing import make_personas, move_stages, sign_in, sign_out, tiny_village_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = os.environ.get("LAYAK_SCREENSHOTS", "")


def shot(page, name: str) -> None:
    """Keep a screenshot when LAYAK_SCREENSHOTS names a folder (to look at the pages)."""
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def kecamatan_instrument(personas):
    spec = dataclasses.replace(
        tiny_village_spec(),
        framework_code="kecamatan-uji",
        framework_name="Kecamatan Layak Anak (uji)",
        region_level=3,
    )
    return version_publish(actor=personas.ministry, version=build_version(spec))


def answer_everything(user, assessment) -> None:
    """The kecamatan operator answers and submits every item, then the whole evaluation."""
    for answer in Answer.objects.filter(assessment=assessment).select_related("question"):
        option = str(answer.question.options.get(label="Ada dan berjalan").pk)
        answer = actions.answer_save(
            actor=user, answer=answer, value={"option": option}, note="", revision=answer.revision
        )
        actions.answer_submit(actor=user, answer=answer)
    actions.assessment_submit(actor=user, assessment=assessment)


def test_a_district_runs_a_kecamatan_evaluation_from_its_pages(page):
    personas = make_personas()
    kecamatan_instrument(personas)
    operator = personas["bekasi.kecamatan"]
    own = operator.memberships.get().organisation.region
    today = timezone.localdate()

    sign_in(page, personas.bekasi_admin.email)
    page.goto("/evaluation/")
    page.get_by_test_id("start-kelana").click()
    expect(page.locator("h1")).to_have_text("Siklus baru")
    page.get_by_label("Nama").fill("Evaluasi KELANA Bekasi 2026")
    page.get_by_label("Instrumen").select_option(index=1)
    for i, kind in enumerate(Stage.order_for(3)):
        opens = today + datetime.timedelta(days=20 * i - 1)
        page.locator(f"[name={kind}_opens]").fill(opens.isoformat())
        page.locator(f"[name={kind}_closes]").fill(
            (opens + datetime.timedelta(days=18)).isoformat()
        )
    shot(page, "1-kelana-form")
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("h1")).to_have_text("Evaluasi KELANA Bekasi 2026")
    expect(page.locator("#regions-heading")).to_have_text("Kecamatan peserta")
    cycle = Cycle.objects.get(name="Evaluasi KELANA Bekasi 2026")

    codes = page.get_by_test_id("add-regions").get_by_label("Kode kecamatan")
    codes.fill(f"{own.code}, 99.99")
    page.get_by_role("button", name="Tambahkan ke siklus").click()
    expect(page.get_by_test_id("add-regions")).to_contain_text(
        "Tidak ada yang ditambahkan. Kode berikut tidak dapat ditambahkan: "
        "99.99 (tidak ada wilayah dengan kode ini)."
    )
    expect(page.get_by_test_id("add-regions").get_by_label("Kode kecamatan")).to_have_value(
        f"{own.code}, 99.99"
    )
    assert not Assessment.objects.filter(cycle=cycle).exists()
    codes = page.get_by_test_id("add-regions").get_by_label("Kode kecamatan")
    codes.fill(own.code)
    page.get_by_role("button", name="Tambahkan ke siklus").click()
    expect(page.locator(".message.success")).to_contain_text(f"1 wilayah ditambahkan: {own.name}")
    expect(page.get_by_test_id("standing-status")).to_have_text("Evaluasi mandiri berjalan")
    shot(page, "2-kelana-cycle")
    sign_out(page)

    # The kecamatan answers and submits; the district's verification stage opens.
    (assessment,) = Assessment.objects.filter(cycle=cycle)
    answer_everything(operator, assessment)
    move_stages(cycle, Stage.Kind.DISTRICT)

    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"/evaluation/cycles/{cycle.pk}/")
    # The district's verification is open: the status names it.
    expect(page.get_by_test_id("standing-status")).to_have_text("Verifikasi oleh kabupaten/kota")
    # A kecamatan's answers are done once submitted: its district verifies them.
    expect(page.get_by_test_id("assessment-row")).to_contain_text("2 / 2")
    page.goto(f"/evaluation/assessments/{assessment.pk}/verify/district/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='agree-rest/'] button").click()
    page.wait_for_load_state()
    page.goto(f"/evaluation/cycles/{cycle.pk}/")
    expect(page.get_by_test_id("standing-status")).to_have_text("Verifikasi oleh kabupaten/kota")
    page.get_by_test_id("determine-link").click()
    page.locator("form#determine button").click()
    expect(page.get_by_test_id("final")).to_contain_text("Layak")
    page.goto(f"/evaluation/cycles/{cycle.pk}/")
    expect(page.get_by_test_id("standing-status")).to_have_text("Ditetapkan")
    expect(page.get_by_test_id("standing-total")).to_have_text("100,00")
    expect(page.get_by_test_id("standing-predicate")).to_have_text("Layak")
    expect(page.get_by_test_id("determine-link")).to_have_count(0)
    shot(page, "3-kelana-determined")
    sign_out(page)

    # The ministry finds it in the list of every assessment by searching.
    sign_in(page, personas.ministry.email)
    page.goto("/evaluation/")
    page.get_by_label("Nama atau kode wilayah").fill(own.name)
    page.get_by_role("button", name="Cari").click()
    expect(page.get_by_test_id("assessment-row")).to_have_count(1)
    expect(page.get_by_test_id("assessment-row")).to_contain_text("Ditetapkan")
    shot(page, "4-ministry-search")
