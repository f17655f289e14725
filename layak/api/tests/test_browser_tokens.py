from __future__ import annotations

import pytest
from playwright.sync_api import expect

from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_person_creates_uses_and_revokes_an_api_token(page, live_server):
    personas = make_personas()
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/accounts/profile/")
    page.get_by_role("link", name="Token API").click()
    page.locator("#id_name").fill("Sinkronisasi data")
    page.get_by_role("button", name="Buat token").click()
    token = page.get_by_test_id("new-token").inner_text()
    assert token.startswith("lyk_")
    api = page.context.request
    response = api.get(
        f"{live_server.url}/api/v1/organisations", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 200 and response.json()["items"]
    page.goto("/accounts/tokens/")
    page.get_by_role("button", name="Cabut").click()
    expect(page.locator(".badge", has_text="dicabut")).to_be_visible()
    # The shown value never appears again.
    assert token not in page.content()
    response = api.get(
        f"{live_server.url}/api/v1/organisations", headers={"Authorization": f"Bearer {token}"}
    )
    assert response.status == 401
