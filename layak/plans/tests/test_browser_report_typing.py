"""In Chromium, in Indonesian: an office's RAD progress report refused for a badly written
number keeps what was typed with the message beside the field and stores nothing; corrected,
it is submitted; once accepted, the plan's items table fits a 1366 px screen."""

from __future__ import annotations

import re
from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.frameworks.actions import bundled_load
from layak.plans import demo
from layak.plans.models import ProgressReport
from layak.plans.tests.helpers import make_plan
from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page, width: int) -> None:
    """Nothing on the page, the items table included, scrolls sideways."""
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    wrap = page.locator(".table-wrap", has=page.get_by_test_id("plan-items"))
    assert wrap.evaluate("el => el.scrollWidth <= el.clientWidth"), wrap.evaluate(
        "el => [el.scrollWidth, el.clientWidth]"
    )


def test_a_refused_number_keeps_the_typed_report_and_the_plan_fits_the_screen(page, tmp_path):
    personas = make_personas()
    world = make_plan(personas)
    this_year = timezone.localdate().year
    page.set_viewport_size({"width": 1366, "height": 900})

    # 1. Dinkes starts the quarter's report and types a budget written the English way.
    sign_in(page, personas.bekasi_dinkes.email)
    page.goto("/plans/reports/")
    start = page.get_by_test_id("start-report")
    start.get_by_label("Tahun").select_option(str(this_year))
    start.get_by_label("Periode").select_option("1")
    start.get_by_role("button", name="Mulai laporan").click()
    page.wait_for_url(re.compile(r"/plans/reports/\d+/$"))
    report_url = page.url
    entry = page.get_by_test_id("entry-P1.A1.S2")
    output = entry.get_by_label("Realisasi keluaran pada periode ini")
    budget = entry.get_by_label("Realisasi anggaran pada periode ini (rupiah)")
    done = entry.get_by_label("Yang telah dilakukan")
    output.fill("60")
    budget.fill("192,500.000")
    done.fill("TEKS BARU YANG SAYA KETIK")
    page.get_by_role("button", name="Simpan dan ajukan").click()

    # The page comes back with everything typed and the message under the budget.
    expect(budget).to_have_value("192,500.000")
    expect(done).to_have_value("TEKS BARU YANG SAYA KETIK")
    expect(output).to_have_value("60")
    expect(budget).to_have_attribute("aria-invalid", "true")
    message = entry.locator(".field.has-error")
    expect(message).to_have_count(1)
    expect(message).to_contain_text("Realisasi anggaran")
    expect(message).to_contain_text("192,5 atau 192.500")
    expect(page.get_by_test_id("report-status")).to_have_text("Draf")
    report = ProgressReport.objects.get()
    stored = report.entries.get()
    assert (report.status, stored.output, stored.budget, stored.done) == ("draft", None, None, "")
    page.screenshot(path=str(tmp_path / "report-refused-1366.png"), full_page=True)

    # 2. The link at the top leads to the field; corrected, the report is submitted as typed.
    page.get_by_role("link", name="P1.A1.S2 · Realisasi anggaran pada periode ini (rupiah)").click()
    expect(budget).to_be_focused()
    budget.fill("192.500.000")
    page.get_by_role("button", name="Simpan dan ajukan").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Diajukan")
    stored.refresh_from_db()
    assert (stored.output, stored.budget, stored.done) == (
        D(60),
        D(192500000),
        "TEKS BARU YANG SAYA KETIK",
    )
    card = page.get_by_test_id("entry-P1.A1.S2")
    expect(card).to_contain_text("Target " + str(this_year) + ": 400")
    expect(card).to_contain_text("60 / yang diharapkan saat ini 100")
    expect(card).to_contain_text("Rp 192.500.000")
    sign_out(page)

    # 3. The secretariat accepts; the plan's table fits 1366 px with its action column.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(report_url)
    page.get_by_role("button", name="Terima").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Diterima")
    page.goto(f"/plans/{world.plan.pk}/?year={this_year}")
    realised = page.get_by_test_id("realised-P1.A1.S2")
    expect(realised).to_contain_text("60 (15%)")
    expect(realised).to_contain_text("tertinggal")  # 60 of 400: a quarter expects 100
    row = page.get_by_test_id("plan-items").locator("tr", has_text="P1.A1.S2")
    expect(row).to_contain_text("Rp 75.000.000")
    actions = page.locator(f"#item-{world.activity.pk}")
    expect(actions.get_by_role("link", name="Tambahkan bagian")).to_be_in_viewport()
    _fits(page, 1366)
    page.screenshot(path=str(tmp_path / "plan-1366.png"), full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "plan-390.png"), full_page=True)


def test_a_full_plan_fits_a_laptop_screen(page, tmp_path):
    """The demo's RAD KLA of Bekasi: an item per indicator, a year of reports, items behind."""
    personas = make_personas()
    bundled_load()
    plan = demo.seed_district("32.16")
    assert plan is not None
    page.set_viewport_size({"width": 1366, "height": 900})
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"/plans/{plan.pk}/?year=2025")
    table = page.get_by_test_id("plan-items")
    expect(table.locator(".badge.warn").first).to_be_visible()  # items behind their targets
    last = table.locator("tbody tr").last
    last.scroll_into_view_if_needed()
    expect(last.get_by_role("link", name="Ubah")).to_be_in_viewport()
    _fits(page, 1366)
    page.screenshot(path=str(tmp_path / "demo-plan-1366.png"), full_page=True)
