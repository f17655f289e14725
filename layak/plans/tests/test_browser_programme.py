"""The task force's year in one flow, in Chromium: the secretariat records the decree and a
member, holds a meeting with attendance and a follow-up; an office reports quarterly RAD
progress that the secretariat returns and then accepts; a business records a CSR contribution
that the partners' totals, from which the district answers KLA 2024's partner-involvement
indicator, count once accepted; and the year's meetings list the meeting held."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.evaluation import actions as ev
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, Stage
from layak.frameworks.models import Indicator
from layak.partners.models import Commitment, Contribution
from layak.partners.testing import bekasi_business, cluster
from layak.plans.models import ProgressReport
from layak.plans.tests.helpers import make_plan
from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def english(page):
    page.get_by_test_id("lang-en").click()
    page.wait_for_load_state()


def test_the_task_force_year_feeds_the_evaluation(page, tmp_path):
    personas = make_personas()
    world = make_plan(personas)  # loads the bundled instruments too
    cycle = ev.cycle_create(
        actor=personas.ministry,
        name="Evaluasi KLA uji",
        instrument=world.plan.version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (assessment,) = ev.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[world.plan.region]
    )
    today = timezone.localdate()
    last_year = today.year - 1  # the evaluation counts the year before it opens
    this_year = today.year
    receipt = tmp_path / "Kuitansi CSR.pdf"
    receipt.write_bytes(PDF)

    # 1. The secretariat records the decree with its chair.
    sign_in(page, personas.bekasi_admin.email)
    english(page)
    page.goto("/programme/")
    page.get_by_role("link", name="Task force", exact=True).click()
    page.get_by_role("link", name="Record a decree").click()
    page.locator("#id_number").fill("HK.02.02/Kep.15-DP3A/2024")
    page.locator("#id_signed_on").fill(f"{last_year - 1}-01-15")
    page.locator("#id_signatory").fill("Bupati Bekasi")
    page.locator("#id_period_start").fill(f"{last_year - 1}-01-15")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/taskforce/decrees/\d+/$"))
    page.get_by_role("link", name="Add a member").click()
    page.locator("#id_name").fill("H. Endang Suherman")
    page.locator("#id_role").select_option("chair")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_test_id("decree-members")).to_contain_text("H. Endang Suherman")

    # 2. A coordination meeting last year, with attendance and a follow-up for Dinkes.
    page.goto("/taskforce/")
    page.get_by_role("link", name="New meeting").click()
    page.locator("#id_title").fill("Rapat Koordinasi Gugus Tugas KLA")
    page.locator("#id_agenda").fill("Rencana aksi dan evaluasi KLA")
    page.locator("#id_date").fill(f"{last_year}-03-13")
    page.locator("#id_start_time").fill("09:00")
    page.locator("#id_place").fill("Aula DP3A")
    page.locator("#id_chair_member").select_option(label="H. Endang Suherman · Chair")
    page.get_by_role("button", name="Save", exact=True).click()
    page.wait_for_url(re.compile(r"/taskforce/meetings/\d+/$"))
    chair = page.get_by_test_id("attendance").locator("tr", has_text="H. Endang Suherman")
    chair.locator("select").select_option("M")
    chair.locator("input[type=checkbox]").check()
    page.get_by_role("button", name="Save the attendance").click()
    expect(page.get_by_test_id("attendance-totals")).to_contain_text("1 male")
    page.get_by_test_id("add-follow-up").locator("summary").click()
    page.locator("#id_fu-description").fill("Rekap akta kelahiran di fasilitas kesehatan")
    page.locator("#id_fu-owner").select_option(label="Dinkes — Dinas Kesehatan Kabupaten Bekasi")
    page.locator("#id_fu-due_date").fill((today - datetime.timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Add the follow-up").click()
    expect(page.get_by_test_id("follow-ups")).to_contain_text("overdue")
    sign_out(page)

    # 3. Dinkes sees the overdue follow-up at home and reports the quarter's RAD progress.
    sign_in(page, personas.bekasi_dinkes.email)
    english(page)
    expect(page.get_by_test_id("needs-action")).to_contain_text("Rekap akta kelahiran")
    page.goto("/plans/reports/")
    start = page.get_by_test_id("start-report")
    start.get_by_label("Year").select_option(str(this_year))
    start.get_by_label("Period").select_option("1")
    start.get_by_role("button", name="Start the report").click()
    page.wait_for_url(re.compile(r"/plans/reports/\d+/$"))
    entry = page.get_by_test_id("entry-P1.A1.S2")
    entry.get_by_label("Output realised in this period").fill("60")
    entry.get_by_label("Budget realised in this period (rupiah)").fill("12500000")
    entry.get_by_label("What was done").fill("Akta diterbitkan di 3 puskesmas")
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
    report_url = page.url
    sign_out(page)

    # 4. The secretariat returns it with a reason.
    sign_in(page, personas.bekasi_admin.email)
    english(page)
    page.goto("/")
    page.get_by_test_id("needs-action").get_by_role(
        "link", name=f"Accept or return the progress report Q1 {this_year}"
    ).click()
    page.get_by_label("Reason").fill("Lampirkan daftar akta yang diterbitkan")
    page.get_by_role("button", name="Return to the office").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Returned")
    sign_out(page)

    # 5. Dinkes corrects, attaches the list and submits again; the secretariat accepts.
    sign_in(page, personas.bekasi_dinkes.email)
    english(page)
    page.goto(report_url)
    expect(page.get_by_role("alert")).to_contain_text("Lampirkan daftar akta")
    page.get_by_test_id("entry-P1.A1.S2").get_by_label("Output realised in this period").fill("64")
    page.get_by_role("button", name="Save", exact=True).click()
    page.locator(".attach-form input[type=file]").set_input_files(str(receipt))
    page.get_by_role("button", name="Attach").click()
    expect(page.get_by_role("link", name="Kuitansi CSR.pdf")).to_be_visible()
    page.get_by_role("button", name="Save and submit").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Submitted")
    sign_out(page)
    sign_in(page, personas.bekasi_admin.email)
    english(page)
    page.goto(report_url)
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("report-status")).to_have_text("Accepted")
    page.goto(f"/plans/{world.plan.pk}/?year={this_year}")
    row = page.get_by_test_id("plan-items").locator("tr", has_text="P1.A1.S2")
    expect(row).to_contain_text("64")
    expect(row).to_contain_text("behind")  # 64 of 400: a quarter expects 100
    sign_out(page)
    assert ProgressReport.objects.get().status == "accepted"

    # 6. The business records last year's CSR commitment and contribution and submits them.
    business = bekasi_business()
    sign_in(page, personas["bekasi.partner"].email)
    english(page)
    page.goto(f"/partners/{business.pk}/")
    page.get_by_role("link", name="New commitment").click()
    page.get_by_label("Title").fill("Akta kelahiran gratis bagi anak buruh pabrik")
    page.get_by_label("Cluster").select_option(str(cluster("K1").pk))
    page.get_by_label("From").fill(f"{last_year}-01-01")
    page.get_by_label("Until").fill(f"{last_year}-12-31")
    page.get_by_label("Funds pledged (rupiah)").fill("150000000")
    page.get_by_role("button", name="Save").click()
    commitment = Commitment.objects.get()
    page.get_by_role("link", name="Record a contribution").click()
    page.get_by_label("Date").fill(f"{last_year}-06-30")
    page.get_by_label("Kind of resource").select_option("funds")
    page.get_by_label("Description").fill("Dana CSR layanan akta keliling")
    page.get_by_label("Amount (rupiah)").fill("50000000")
    page.get_by_role("button", name="Save").click()
    contribution = Contribution.objects.get()
    page.wait_for_url(re.compile(rf"/partners/contributions/{contribution.pk}/$"))
    page.get_by_role("button", name="Submit to the secretariat").click()
    page.goto(f"/partners/commitments/{commitment.pk}/")
    page.get_by_role("button", name="Submit to the secretariat").click()
    expect(page.get_by_test_id("status").first).to_have_text("Submitted")
    sign_out(page)

    # 7. The secretariat validates both. KLA 2024, the current instrument, has the district
    # answer indicator 3 (partner involvement) itself from the partners' totals, which count a
    # partner and its funds only once accepted; the year's meetings list the meeting held.
    sign_in(page, personas.bekasi_admin.email)
    english(page)
    page.goto("/programme/")
    page.get_by_role("link", name="Totals by cluster and partner kind").click()
    page.get_by_label("Regency/city code").fill(world.plan.region.code)
    page.get_by_label("Year").fill(str(last_year))
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Kabupaten Bekasi {last_year}")
    totals_url = page.url
    by_kind = page.get_by_test_id("by-kind")
    expect(by_kind).not_to_contain_text("Rp 50,000,000")  # submitted, not yet accepted
    page.goto(f"/partners/commitments/{commitment.pk}/")
    page.get_by_role("button", name="Accept").click()
    page.goto(f"/partners/contributions/{contribution.pk}/")
    page.get_by_role("button", name="Accept").click()
    expect(page.get_by_test_id("status").first).to_have_text("Accepted")
    page.goto(totals_url)
    expect(page.get_by_test_id("total-partners")).to_have_text("1")
    expect(page.get_by_test_id("total-funds")).to_have_text("Rp 50,000,000")  # in English
    k1 = cluster("K1")
    expect(
        page.get_by_test_id("by-cluster").locator("tr", has_text=f"{k1.code} {k1.name}")
    ).to_contain_text("Rp 50,000,000")
    # The evaluation's indicator 3 of KLA 2024 is the district's to answer, not computed.
    kl3 = Indicator.objects.get(version=world.plan.version, code="KL-3")
    counted = Answer.objects.filter(
        assessment=assessment, question__computed__in=["partner_count", "gt_meetings"]
    )
    assert not counted.exists()
    page.goto(f"/evaluation/assessments/{assessment.pk}/indicators/{kl3.pk}/")
    card = page.get_by_test_id("answer-KL-3.1a")
    expect(card).to_contain_text("Dunia Usaha")
    expect(card.get_by_test_id("computed")).to_have_count(0)
    # The task force's meetings of that year: the one held, with its chair present.
    page.goto(f"/taskforce/meetings/?region={world.plan.region.code}&year={last_year}")
    meeting = page.locator("tr", has_text="Rapat Koordinasi Gugus Tugas KLA")
    expect(meeting).to_have_count(1)
    expect(meeting.locator("td.num").first).to_have_text(re.compile(r"^1 / \d+$"))
