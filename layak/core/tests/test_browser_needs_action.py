"""An office operator's home page, in Chromium: what waits for them comes first, an evaluation
item the district returned (with its reason) and a RAD KLA progress report due, and each entry
leads to the page where they act."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from layak.core.tests.test_actions_list import submit_answer
from layak.evaluation import actions as answers
from layak.plans.tests.helpers import make_plan
from layak.testing import make_cycle, make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_office_follows_its_home_page_to_the_work_waiting(page, tmp_path):
    personas = make_personas()
    world = make_plan(personas)
    ev = make_cycle(personas)
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    answer = submit_answer(dinkes, ev.answers["T-1.2"])
    answers.answer_return(actor=admin, answer=answer, reason="SK belum ditandatangani bupati")

    sign_in(page, dinkes.email)
    page.goto("/")
    work = page.get_by_test_id("needs-action")
    expect(work.get_by_role("heading", name=re.compile("Menunggu tindakan Anda"))).to_be_visible()
    expect(work.get_by_test_id("chip-evaluation_returned")).to_have_text(
        "Butir evaluasi dikembalikan · 1"
    )
    returned = work.get_by_test_id("action-evaluation_returned")
    expect(returned).to_contain_text("SK belum ditandatangani bupati")
    due = work.get_by_test_id("action-report_due").first
    expect(due).to_contain_text("Laporan kemajuan Triwulan 1 2025 Dinas Kesehatan Kabupaten Bekasi")
    expect(due).to_contain_text("lewat batas waktu 14 Apr 2025, 23.59 WIB")
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"home-{width}.png"), full_page=True)

    # The returned item's entry opens its indicator at the answer, where the office corrects it.
    returned.get_by_role("link", name=re.compile("Perbaiki T-1.2")).click()
    page.wait_for_url(re.compile(rf"/evaluation/assessments/{ev.bekasi.pk}/indicators/\d+/"))
    expect(page.locator(f"#answer-{answer.pk}")).to_contain_text("SK belum ditandatangani bupati")

    # The report due leads to the plan's reports, where the office starts it.
    page.goto("/")
    page.get_by_test_id("action-report_due").first.get_by_role("link").click()
    page.wait_for_url(re.compile(rf"/plans/reports/\?plan={world.plan.pk}$"))
    start = page.get_by_test_id("start-report")
    start.get_by_label("Tahun").select_option("2025")
    start.get_by_label("Periode").select_option("1")
    start.get_by_role("button", name="Mulai laporan").click()
    page.wait_for_url(re.compile(r"/plans/reports/\d+/$"))

    # Started, the report is still due until it is submitted; its entry now opens it.
    page.goto("/")
    link = page.get_by_test_id("action-report_due").first.get_by_role("link")
    expect(link).to_have_attribute("href", re.compile(r"^/plans/reports/\d+/$"))

    # The secretariat's home page: its own list first, what it manages after.
    sign_out(page)
    sign_in(page, admin.email)
    page.goto("/")
    expect(page.get_by_test_id("needs-action")).to_be_visible()
    for width, height in ((390, 844), (1366, 900)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(tmp_path / f"admin-{width}.png"), full_page=True)
