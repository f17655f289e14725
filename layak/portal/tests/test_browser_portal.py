"""A visitor without an account reads a district's public page."""

from __future__ import annotations

import pytest
from django.utils import timezone

from layak.portal.tests.helpers import current_decree, publish
from layak.testing import make_personas

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_signed_out_visitor_reads_the_public_district_page(page):
    personas = make_personas()
    current_decree(personas, on=timezone.localdate())
    publish(personas, "taskforce")
    page.goto("/public/")
    page.get_by_test_id("lang-en").click()
    page.get_by_role("link", name="Jawa Barat").click()
    page.get_by_role("link", name="Kabupaten Bekasi").click()
    section = page.get_by_test_id("section-taskforce")
    assert "Dinas Kesehatan Kabupaten Bekasi" in section.inner_text()
    assert "Rahmat Hidayat" not in page.content()
    assert page.get_by_test_id("section-evaluation").count() == 0
    assert page.get_by_test_id("you-said").is_visible()
