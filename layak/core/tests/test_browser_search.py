"""The header's search box in Chromium, in Indonesian, at a phone's width and a laptop's: "/"
focuses it, typing and Enter lists what matches within reach, and a result leads to its
page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"phone": {"width": 390, "height": 844}, "laptop": {"width": 1366, "height": 768}}


@pytest.mark.parametrize("size", SIZES)
def test_typing_in_the_header_box_and_following_a_result(page, tmp_path, size):
    from layak.plans.tests.helpers import make_plan

    personas = make_personas()
    world = make_plan(personas)
    page.set_viewport_size(SIZES[size])
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/")
    box = page.get_by_test_id("site-search")
    expect(box).to_be_visible()
    expect(box).to_have_attribute("placeholder", "Cari… (tekan /)")

    # "/" focuses the box from anywhere on the page, and types nothing into it.
    page.locator("main h1").first.click()
    page.keyboard.press("/")
    expect(box).to_be_focused()
    expect(box).to_have_value("")
    page.keyboard.type("jemput bola")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlsplit(url).path == "/search/")
    assert int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth")) == 0
    group = page.get_by_test_id("search-activities")
    expect(group.get_by_role("heading")).to_have_text("Kegiatan RAD")
    expect(box).to_have_value("jemput bola")
    page.screenshot(path=str(tmp_path / f"search-{size}.png"), full_page=True)

    group.get_by_role("link", name="P1.A1.S1 Jemput bola akta kelahiran di desa").click()
    page.wait_for_url(lambda url: urlsplit(url).path == f"/plans/{world.plan.pk}/")
    assert urlsplit(page.url).fragment == f"item-{world.birth.pk}"
    expect(page.locator(f"#item-{world.birth.pk}")).to_contain_text("Jemput bola")

    # "/" typed inside a field stays in the field.
    page.goto("/organisations/")
    search = page.locator("#id_q")
    search.click()
    page.keyboard.type("a/b")
    expect(search).to_have_value("a/b")
    expect(box).not_to_be_focused()

    # Nothing found says so, with a way back.
    box.fill("zzzqqq")
    box.press("Enter")
    expect(page.get_by_test_id("search-nothing")).to_contain_text(
        "Tidak ada yang cocok dengan “zzzqqq” dalam jangkauan Anda."
    )
