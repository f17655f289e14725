"""The layout in Chromium, in Indonesian, at a phone's width (390 px) and a laptop's (1366 px):
no page scrolls sideways (tables scroll inside their own box), the menu folds behind a button
on a phone, inputs are large enough for a finger, breadcrumbs are separated."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}


def sideways(page) -> int:
    """How far the page scrolls sideways, in CSS pixels."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def world():
    from layak.plans import actions
    from layak.plans.tests.helpers import make_plan

    personas = make_personas()
    plan = make_plan(personas)
    report = actions.report_create(
        actor=personas.bekasi_dinkes,
        plan=plan.plan,
        organisation=plan.dinkes,
        year=2025,
        period=1,
    )
    return personas, plan, report


def test_at_phone_width_nothing_scrolls_sideways_and_inputs_are_large(page, tmp_path):
    personas, plan, report = world()
    page.set_viewport_size(PHONE)
    sign_in(page, personas.bekasi_dinkes.email)
    for url in (
        "/",
        "/plans/",
        f"/plans/{plan.plan.pk}/",
        f"/plans/reports/{report.pk}/",
        "/participation/",
        "/taskforce/",
        "/dashboards/",
    ):
        page.goto(url)
        assert sideways(page) == 0, url
        page.screenshot(path=str(tmp_path / f"phone{url.replace('/', '-')}.png"), full_page=True)

    # The plan's table is wider than the phone: it scrolls inside its own box.
    page.goto(f"/plans/{plan.plan.pk}/")
    box = page.locator("main .table-wrap").first
    assert box.evaluate("e => e.scrollWidth > e.clientWidth")
    assert box.evaluate("e => getComputedStyle(e).overflowX") == "auto"

    # The progress report's amounts: full width and at least 44 px high.
    page.goto(f"/plans/reports/{report.pk}/")
    inputs = page.locator("main input[inputmode=decimal]")
    assert inputs.count() >= 2
    for i in range(inputs.count()):
        size = inputs.nth(i).bounding_box()
        assert size is not None
        assert size["height"] >= 44 and size["width"] >= 300, size


def test_the_menu_folds_behind_a_button_on_a_phone_only(page):
    personas, _plan, _report = world()
    page.set_viewport_size(PHONE)
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/plans/")
    menu = page.get_by_role("navigation", name="Navigasi utama")
    toggle = page.get_by_test_id("menu-toggle")
    expect(toggle).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(menu).to_be_hidden()
    toggle.click()
    expect(menu).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    menu.get_by_role("link", name="Dasbor").click()
    page.wait_for_url("**/dashboards/**")
    expect(page.get_by_role("navigation", name="Navigasi utama")).to_be_hidden()

    page.set_viewport_size(LAPTOP)
    expect(page.get_by_test_id("menu-toggle")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Navigasi utama")).to_be_visible()
    assert sideways(page) == 0


# What a reader sees in the breadcrumbs: each crumb with the separator drawn before it, loose
# text between crumbs only if it takes up room, and the gaps between crumbs in pixels.
SEEN = """nav => {
  const parts = [], gaps = [];
  let previous = null;
  for (const node of nav.childNodes) {
    if (node.nodeType === 3) {
      const range = document.createRange();
      range.selectNodeContents(node);
      if (node.textContent.trim() && range.getBoundingClientRect().width > 0)
        parts.push("[" + node.textContent.trim() + "]");
    } else if (node.nodeType === 1) {
      const before = getComputedStyle(node, "::before").content;
      parts.push((before.includes("›") ? "› " : "") + node.textContent.trim());
      const box = node.getBoundingClientRect();
      if (previous) gaps.push(box.left - previous.right);
      previous = box;
    }
  }
  return [parts.join(" "), gaps];
}"""


def test_breadcrumbs_are_separated_once(page):
    personas, plan, _report = world()
    page.set_viewport_size(LAPTOP)
    sign_in(page, personas.bekasi_admin.email)
    # A template that types "›" between its crumbs, and one with nothing between them.
    page.goto(f"/plans/{plan.plan.pk}/edit/")
    text, gaps = page.get_by_role("navigation", name="Jejak navigasi").evaluate(SEEN)
    assert text == "Rencana Aksi Daerah (RAD KLA) › RAD KLA Uji · Kabupaten Bekasi", text
    assert gaps and min(gaps) >= 4, gaps
    page.goto("/regions/32.16.09/")
    crumbs = page.get_by_role("navigation", name="Jejak navigasi")
    text, gaps = crumbs.evaluate(SEEN)
    links = crumbs.get_by_role("link").all_inner_texts()
    assert len(links) >= 2
    assert text == " › ".join(links), text
    assert min(gaps) >= 4, gaps
