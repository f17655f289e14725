"""A business records its CSR and the secretariat validates it, in Chromium."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.evaluation.tests.test_workflow import PDF
from layak.partners.models import Commitment, Contribution
from layak.partners.testing import bekasi_business, cluster, ensure_kla
from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def english(page, email: str) -> None:
    sign_in(page, email)
    page.get_by_test_id("lang-en").click()


def test_partner_records_csr_and_the_secretariat_validates_it(page, tmp_path):
    personas = make_personas()
    ensure_kla()
    business = bekasi_business()
    year = timezone.localdate().year
    receipt = tmp_path / "Kuitansi CSR posyandu.pdf"
    receipt.write_bytes(PDF)

    # The business's contributor records a commitment and a funds contribution with evidence.
    english(page, personas["bekasi.partner"].email)
    page.goto(f"/partners/{business.pk}/")
    page.get_by_role("link", name="New commitment").click()
    page.get_by_label("Title").fill("Posyandu ramah anak Cikarang Selatan")
    k3 = cluster("K3")
    page.get_by_label("Cluster").select_option(str(k3.pk))
    page.get_by_label("From").fill(f"{year}-01-01")
    page.get_by_label("Until").fill(f"{year}-12-31")
    page.get_by_label("Funds pledged (rupiah)").fill("300000000")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_test_id("status").first).to_have_text("Draft")
    commitment = Commitment.objects.get()
    page.get_by_role("link", name="Record a contribution").click()
    page.get_by_label("Kind of resource").select_option("funds")
    page.get_by_label("Description").fill("Dana CSR untuk makanan tambahan balita")
    page.get_by_label("Amount (rupiah)").fill("75000000")
    page.get_by_label("Children reached").fill("240")
    page.get_by_role("button", name="Save").click()
    contribution = Contribution.objects.get()
    page.wait_for_url(re.compile(rf"/partners/contributions/{contribution.pk}/$"))
    page.locator("input[type=file]").set_input_files(str(receipt))
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("link", name="Kuitansi CSR posyandu.pdf")).to_be_visible()
    page.get_by_role("button", name="Submit to the secretariat").click()
    expect(page.get_by_test_id("status").first).to_have_text("Submitted")
    page.goto(f"/partners/commitments/{commitment.pk}/")
    page.get_by_role("button", name="Submit to the secretariat").click()
    expect(page.get_by_test_id("status").first).to_have_text("Submitted")
    sign_out(page)

    # The secretariat returns the contribution with a reason.
    english(page, personas.bekasi_admin.email)
    page.goto("/partners/review/")
    page.get_by_role("link", name="Open to decide").click()
    page.get_by_label("Why is it returned to the partner?").fill(
        "Nilai tidak sesuai kuitansi: Rp 80.000.000"
    )
    page.get_by_role("button", name="Return").click()
    expect(page.get_by_test_id("status").first).to_have_text("Returned")
    sign_out(page)

    # The contributor corrects and resubmits.
    english(page, personas["bekasi.partner"].email)
    page.goto(f"/partners/contributions/{contribution.pk}/")
    expect(
        page.get_by_text(re.compile("^Returned by the secretariat: Nilai tidak"))
    ).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Amount (rupiah)").fill("80000000")
    page.get_by_role("button", name="Save").click()
    page.get_by_role("button", name="Submit to the secretariat").click()
    expect(page.get_by_test_id("status").first).to_have_text("Submitted")
    sign_out(page)

    # The secretariat accepts the commitment from the queue, then the contribution.
    english(page, personas.bekasi_admin.email)
    page.goto("/partners/review/")
    page.get_by_role("button", name="Accept").click()
    page.goto(f"/partners/contributions/{contribution.pk}/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("status").first).to_have_text("Accepted")
    page.goto(f"/partners/totals/?region=32.16&year={year}")
    expect(page.get_by_test_id("total-funds")).to_have_text("Rp 80,000,000")  # in English
    expect(page.get_by_test_id("total-partners")).to_have_text("1")
