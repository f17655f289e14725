"""A district's DHIS2 script in use: the office operator makes a token on the token page, the
script (dhis2-client, unchanged but for the URL and token) sends its values asynchronously, and
the operator reads the result and its problems under "My jobs"."""

from __future__ import annotations

import pytest
from dhis2_client import DHIS2Client
from playwright.sync_api import expect

from layak.api import dhis2_ids as ids
from layak.indicators.tests.helpers import definitions, stored
from layak.testing import make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_office_sends_values_from_its_dhis2_script_and_reads_the_result(page, live_server):
    personas = make_personas()
    definitions()
    sign_in(page, personas.bekasi_dinkes.email)
    page.goto("/accounts/tokens/")
    page.locator("#id_name").fill("Skrip DHIS2 Dinkes")
    page.get_by_role("button", name="Buat token").click()
    token = page.get_by_test_id("new-token").inner_text()
    expect(page.locator("main")).to_contain_text(
        f"sebagai kata sandi dengan nama pengguna {personas.bekasi_dinkes.email}"
    )

    client = DHIS2Client(live_server.url, token=token)
    try:
        births = ids.element_uid("births")
        started = client.post(
            "/api/dataValueSets",
            params={"async": "true", "atomicMode": "NONE"},
            json={
                "period": "2025",
                "orgUnit": ids.region_uid("32.16"),
                "dataValues": [
                    {"dataElement": births, "value": "1200"},
                    {"dataElement": births, "orgUnit": ids.region_uid("62.10"), "value": "7"},
                ],
            },
        )
        task = client.get(started["response"]["relativeNotifierEndpoint"])
        assert task[0]["completed"] is True
    finally:
        client.close()
    assert stored("births", "32.16", "2025") == 1200

    page.goto("/")
    page.get_by_role("link", name="Proses saya").click()
    page.get_by_role("link", name="Impor data indikator melalui API (2 nilai)").click()
    result = page.get_by_test_id("dhis2-import-result")
    expect(result).to_contain_text("Nilai yang tanpa masalah disimpan")
    expect(page.locator("main")).to_contain_text("Baru: 1; diubah: 0; dihapus: 0; dibiarkan: 1.")
    expect(page.locator("main")).to_contain_text("Kabupaten Gunung Mas")
