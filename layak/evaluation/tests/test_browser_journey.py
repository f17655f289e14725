"""The whole evaluation of a regency, in Indonesian, from a cycle the ministry creates through the
pages to the final determination, as each person does it in Chromium; at the end the final
total and predicate read the same on the page, in the API, in the PDF and in the XLSX."""

from __future__ import annotations

import datetime
import io
import re
from decimal import Decimal as D

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect
from pypdf import PdfReader

from layak.evaluation.models import Answer, Assessment, Score
from layak.evaluation.tests.test_workflow import PDF
from layak.frameworks.actions import version_publish
from layak.frameworks.models import Indicator
from layak.frameworks.spec import (
    BandSpec,
    EvidenceSpec,
    GroupSpec,
    IndicatorSpec,
    InstrumentSpec,
    OptionSpec,
    QuestionSpec,
    ScoreBandSpec,
    build_version,
)
from layak.organisations.models import Organisation
from layak.testing import make_personas, sign_in, sign_out

# The button that agrees with the previous level on every item still waiting, whatever the
# filter shows.
AGREE_REST = (
    "Setuju dengan tingkat sebelumnya untuk setiap butir yang belum diverifikasi, "
    "di semua indikator"
)
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STAGES = ["self", "province", "ministry", "field", "final"]


def journey_spec() -> InstrumentSpec:
    """Every kind of question, a computed one with a required document among them."""
    return InstrumentSpec(
        framework_code="perjalanan",
        framework_name="Instrumen perjalanan",
        label="Versi 2026",
        scale_max=D(100),
        bands=[
            BandSpec("NONE", "Tidak mendapat predikat", D(0), D(49), 0),
            BandSpec("PRATAMA", "Pratama", D(50), D(60), 1),
            BandSpec("MADYA", "Madya", D(61), D(70), 2),
            BandSpec("NINDYA", "Nindya", D(71), D(80), 3),
            BandSpec("UTAMA", "Utama", D(81), D(90), 4),
            BandSpec("KLA", "KLA", D(91), D(100), 5),
        ],
        groups=[GroupSpec("KL", "Kelembagaan", 0), GroupSpec("K1", "Hak sipil", 1)],
        indicators=[
            IndicatorSpec("J-1", "KL", "Kelembagaan", 1),
            IndicatorSpec("J-2", "K1", "Akta dan informasi", 2),
        ],
        questions=[
            QuestionSpec(
                "J-1.1",
                "J-1",
                "single",
                "Bentuk peraturan KLA",
                D(20),
                options=[OptionSpec("Perda", D(20)), OptionSpec("Perbup", D(10))],
                evidence=[EvidenceSpec("Dokumen peraturan", required=True)],
            ),
            QuestionSpec(
                "J-1.2",
                "J-1",
                "multiple",
                "Unsur Gugus Tugas",
                D(10),
                options=[OptionSpec("Pemerintah", D(5)), OptionSpec("Dunia usaha", D(5))],
            ),
            QuestionSpec(
                "J-1.3",
                "J-1",
                "number",
                "Mitra dunia usaha yang terlibat",
                D(10),
                computed="partner_count",
                score_bands=[ScoreBandSpec(D(1), None, D(10)), ScoreBandSpec(None, D(1), D(0))],
                evidence=[EvidenceSpec("Daftar mitra", required=True)],
            ),
            QuestionSpec(
                "J-1.4",
                "J-1",
                "yes_no",
                "Ada anggaran responsif anak?",
                D(10),
                options=[OptionSpec("Ya", D(10)), OptionSpec("Tidak", D(0))],
            ),
            QuestionSpec("J-1.5", "J-1", "evidence", "Unggah SK Gugus Tugas", D(10)),
            QuestionSpec(
                "J-2.1",
                "J-2",
                "percentage",
                "Cakupan akta kelahiran (%)",
                D(20),
                score_bands=[
                    ScoreBandSpec(D(90), None, D(20)),
                    ScoreBandSpec(D(50), D(90), D(10)),
                    ScoreBandSpec(None, D(50), D(0)),
                ],
            ),
            QuestionSpec(
                "J-2.2",
                "J-2",
                "table",
                "Anak dengan KIA menurut umur",
                D(10),
                table_rows=["0-<5", "5-<18"],
                table_columns=["Anak", "Ber-KIA"],
                table_ratio=["Ber-KIA", "Anak"],
                score_bands=[ScoreBandSpec(D(80), None, D(10)), ScoreBandSpec(None, D(80), D(5))],
            ),
            QuestionSpec(
                "J-2.3",
                "J-2",
                "number",
                "Pusat informasi sahabat anak",
                D(10),
                score_bands=[
                    ScoreBandSpec(D(1000), None, D(10)),
                    ScoreBandSpec(None, D(1000), D(5)),
                ],
            ),
            QuestionSpec("J-2.4", "J-2", "text", "Praktik baik", D(0), required=False),
        ],
    )


def card(page, code):
    return page.get_by_test_id(f"answer-{code}")


def saved(page, code):
    expect(card(page, code).locator(".message.success")).to_be_visible()


def submit(page, code):
    card(page, code).get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(card(page, code).get_by_test_id("status")).to_have_text("Diajukan")


def windows(page, cycle_pk, open_stage):
    """The ministry moves the cycle on through the stage windows page: every stage before
    ``open_stage`` closed yesterday at the latest, ``open_stage`` open from today."""
    today = timezone.localdate()
    day = datetime.timedelta(days=1)
    at = STAGES.index(open_stage)
    start = today - day * (2 * at + 2)
    page.goto(f"/evaluation/cycles/{cycle_pk}/windows/")
    for i, kind in enumerate(STAGES):
        if i < at:
            opens, closes = start + day * (2 * i), start + day * (2 * i + 1)
        elif i == at:
            opens, closes = today, today + day * 5
        else:
            opens = today + day * (6 + 2 * (i - at))
            closes = opens + day
        page.locator(f"input[name={kind}_opens]").fill(opens.isoformat())
        page.locator(f"input[name={kind}_closes]").fill(closes.isoformat())
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".message.success")).to_be_visible()


def test_a_new_cycle_from_creation_to_final_determination(page, tmp_path):
    personas = make_personas()
    version = version_publish(actor=personas.ministry, version=build_version(journey_spec()))
    instrument_label = str(version)
    doc = tmp_path / "Perbup KLA Bekasi.pdf"
    doc.write_bytes(PDF)
    partners = tmp_path / "Daftar mitra.pdf"
    partners.write_bytes(PDF + b"% mitra\n")
    sk = tmp_path / "SK Gugus Tugas.pdf"
    sk.write_bytes(PDF + b"% sk\n")
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    # The ministry creates the cycle and adds Kabupaten Bekasi, through the pages.
    sign_in(page, personas.ministry.email)
    page.goto("/evaluation/cycles/new/?level=2")
    page.get_by_label("Nama").fill("Evaluasi KLA Perjalanan")
    page.get_by_label("Instrumen").select_option(label=instrument_label)
    for i, kind in enumerate(STAGES):
        opens = today - day if i == 0 else today + day * (10 * i)
        page.locator(f"input[name={kind}_opens]").fill(opens.isoformat())
        page.locator(f"input[name={kind}_closes]").fill((opens + day * 8).isoformat())
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator(".message.success")).to_be_visible()
    cycle_pk = int(re.search(r"/cycles/(\d+)/", page.url).group(1))
    # The deadline shown is the closing day entered, with the time zone.
    closing = (today - day + day * 8).strftime("%-d")
    expect(page.locator("body")).to_contain_text(f"{closing} ")
    expect(page.locator("body")).to_contain_text("WIB")
    page.get_by_test_id("add-regions").locator("input[name=codes]").fill("32.16")
    page.get_by_test_id("add-regions").get_by_role("button").click()
    expect(page.locator(".message.success").first).to_be_visible()
    sign_out(page)
    assessment = Assessment.objects.get(cycle_id=cycle_pk, region__code="32.16")
    base = f"/evaluation/assessments/{assessment.pk}"
    j1 = Indicator.objects.get(version=version, code="J-1").pk
    j2 = Indicator.objects.get(version=version, code="J-2").pk
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi").pk
    capil = Organisation.objects.get(
        name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bekasi"
    ).pk

    # The secretariat gives J-1 to Dinkes and J-2 to Disdukcapil.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/assign/")
    page.locator(f"input[name='ind-{j1}'][value='{dinkes}']").check()
    page.locator(f"input[name='ind-{j2}'][value='{capil}']").check()
    page.get_by_role("button", name="Simpan penugasan").click()
    page.wait_for_url(re.compile(rf"{base}/$"))
    sign_out(page)

    # Dinkes answers J-1: a choice with its document, several choices, the computed count
    # (never typed, but its list of partners is attached), yes/no and an evidence-only item.
    sign_in(page, personas.bekasi_dinkes.email)
    page.goto("/evaluation/my-items/")
    page.get_by_role("link", name=re.compile("J-1")).click()
    card(page, "J-1.1").get_by_label("Perbup").check()
    saved(page, "J-1.1")
    card(page, "J-1.1").locator("input[type=file]").set_input_files(str(doc))
    card(page, "J-1.1").get_by_role("button", name="Unggah", exact=True).click()
    expect(card(page, "J-1.1").get_by_test_id("evidence-list")).to_contain_text("Perbup KLA")
    submit(page, "J-1.1")
    card(page, "J-1.2").get_by_label("Pemerintah").check()
    saved(page, "J-1.2")
    card(page, "J-1.2").get_by_label("Dunia usaha").check()
    saved(page, "J-1.2")
    submit(page, "J-1.2")
    expect(card(page, "J-1.3").get_by_test_id("computed")).to_be_visible()
    expect(card(page, "J-1.3").locator("input[name=number]")).to_be_disabled()
    card(page, "J-1.3").locator("input[type=file]").set_input_files(str(partners))
    card(page, "J-1.3").get_by_role("button", name="Unggah", exact=True).click()
    expect(card(page, "J-1.3").get_by_test_id("evidence-list")).to_contain_text("Daftar mitra")
    submit(page, "J-1.3")
    card(page, "J-1.4").get_by_role("radio", name="Ya (10,00)").check()
    saved(page, "J-1.4")
    submit(page, "J-1.4")
    card(page, "J-1.5").locator("input[type=file]").set_input_files(str(sk))
    card(page, "J-1.5").get_by_role("button", name="Unggah", exact=True).click()
    expect(card(page, "J-1.5").get_by_test_id("points")).to_contain_text("10,00 / 10,00")
    submit(page, "J-1.5")
    sign_out(page)

    # Disdukcapil answers J-2, in Indonesian numbers; a refused value keeps what was typed.
    sign_in(page, personas["bekasi.disdukcapil"].email)
    page.goto(f"{base}/indicators/{j2}/")
    number = card(page, "J-2.1").locator("input[name=number]")
    card(page, "J-2.1").locator("textarea[name=note]").fill("Data Disdukcapil Juni")
    number.fill("150")
    number.press("Tab")
    expect(card(page, "J-2.1").get_by_test_id("field-error")).to_contain_text("100")
    expect(card(page, "J-2.1").locator("input[name=number]")).to_have_value("150")
    expect(card(page, "J-2.1").locator("textarea[name=note]")).to_have_value(
        "Data Disdukcapil Juni"
    )
    # Leaving the page now asks first; staying keeps what was typed.
    asked = []

    def stay(dialog):
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Beranda").first.click()
    expect(card(page, "J-2.1").locator("input[name=number]")).to_have_value("150")
    assert asked == ["beforeunload"]
    expect(card(page, "J-2.1").locator("input[name=number]")).to_have_value("150")
    card(page, "J-2.1").locator("input[name=number]").fill("92,5")
    card(page, "J-2.1").get_by_role("button", name="Simpan draf").click()
    saved(page, "J-2.1")
    expect(card(page, "J-2.1").locator("input[name=number]")).to_have_value("92,5")
    submit(page, "J-2.1")
    table = card(page, "J-2.2")
    for name, value in (
        ("cell-0-0", "100"),
        ("cell-0-1", "90"),
        ("cell-1-0", "100"),
        ("cell-1-1", "80"),
    ):
        table.locator(f"input[name={name}]").fill(value)
    table.get_by_role("button", name="Simpan draf").click()
    saved(page, "J-2.2")
    submit(page, "J-2.2")
    card(page, "J-2.3").locator("input[name=number]").fill("1.200")
    card(page, "J-2.3").get_by_role("button", name="Simpan draf").click()
    saved(page, "J-2.3")
    submit(page, "J-2.3")
    card(page, "J-2.4").locator("textarea[name=text]").fill("Layanan akta di sekolah")
    card(page, "J-2.4").get_by_role("button", name="Simpan draf").click()
    saved(page, "J-2.4")
    submit(page, "J-2.4")
    sign_out(page)
    stored = {a.question.code: a.value for a in Answer.objects.filter(assessment=assessment)}
    assert stored["J-2.1"] == {"number": "92.5"} and stored["J-2.3"] == {"number": "1200"}

    # The secretariat accepts everything and submits to the province.
    sign_in(page, personas.bekasi_admin.email)
    for indicator in (j1, j2):
        page.goto(f"{base}/indicators/{indicator}/")
        accept = page.get_by_role("button", name="Terima", exact=True)
        while (left := accept.count()) > 0:
            accept.first.click()
            expect(accept).to_have_count(left - 1)
    page.goto(f"{base}/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Ajukan ke provinsi").click()
    expect(page.locator(".message.success")).to_be_visible()
    sign_out(page)
    assert Assessment.objects.get(pk=assessment.pk).status == "submitted"

    # The ministry opens the province stage.
    sign_in(page, personas.ministry.email)
    windows(page, cycle_pk, "province")
    sign_out(page)

    # The province agrees with one item, adjusts one and returns one.
    sign_in(page, personas.jabar.email)
    page.goto("/evaluation/verify/")
    page.get_by_role("link", name="Kabupaten Bekasi").click()
    item = page.get_by_test_id("verify-J-1.1")
    item.get_by_label("Setuju dengan tingkat sebelumnya").check()
    item.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_test_id("verify-J-1.1").get_by_test_id("state")).to_have_attribute(
        "data-state", "done"
    )
    item = page.get_by_test_id("verify-J-1.4")
    item.get_by_label("Sesuaikan nilai").check()
    item.locator("input[name=points]").fill("5")
    item.locator("input[name=reason]").fill("Anggaran belum ditandatangani Bappeda")
    item.get_by_role("button", name="Simpan keputusan").click()
    item = page.get_by_test_id("verify-J-1.4")
    expect(item.get_by_test_id("state")).to_have_attribute("data-state", "adjusted")
    # The form reopens on the stored decision: saving again changes nothing.
    expect(item.locator("input[value=adjust]")).to_be_checked()
    item.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_test_id("verify-J-1.4").get_by_test_id("state")).to_have_attribute(
        "data-state", "adjusted"
    )
    # The page works indicator by indicator; the next one is a click away.
    page.get_by_test_id("next-indicator").click()
    item = page.get_by_test_id("verify-J-2.3")
    item.get_by_label("Kembalikan ke kabupaten/kota").check()
    item.locator("input[name=reason]").fill("Lampirkan daftar PISA per kecamatan")
    item.get_by_role("button", name="Simpan keputusan").click()
    expect(page.get_by_test_id("verify-J-2.3").get_by_test_id("state")).to_have_attribute(
        "data-state", "returned"
    )
    # Part verified: the page says how far, the rest counts with the district's points.
    expect(page.get_by_test_id("standing-provisional")).to_be_visible()
    expect(page.get_by_test_id("standing-progress")).to_contain_text("2 dari 9")
    sign_out(page)

    # Disdukcapil sees the returned item with the reason, corrects it and submits it again.
    sign_in(page, personas["bekasi.disdukcapil"].email)
    page.goto("/")
    expect(page.get_by_test_id("needs-action")).to_contain_text("daftar PISA")
    page.goto("/evaluation/my-items/")
    expect(page.get_by_test_id("returned-items")).to_contain_text("daftar PISA")
    page.get_by_test_id("returned-items").get_by_role("link", name="J-2.3").click()
    card(page, "J-2.3").locator("input[name=number]").fill("1.250")
    card(page, "J-2.3").get_by_role("button", name="Simpan draf").click()
    saved(page, "J-2.3")
    submit(page, "J-2.3")
    sign_out(page)

    # The secretariat accepts the correction.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/indicators/{j2}/")
    card(page, "J-2.3").get_by_role("button", name="Terima", exact=True).click()
    expect(card(page, "J-2.3").get_by_test_id("status")).to_have_text("Diterima")
    sign_out(page)

    # The verifier finds it first, waiting for a re-check, and agrees with the rest.
    sign_in(page, personas.jabar.email)
    page.goto("/evaluation/verify/")
    expect(page.get_by_test_id("corrected")).to_have_text("1")
    page.get_by_role("link", name="Kabupaten Bekasi").click()
    first = page.locator("article.card.answer").first
    expect(first).to_have_attribute("data-testid", "verify-J-2.3")
    expect(first.get_by_test_id("state")).to_have_attribute("data-state", "corrected")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=AGREE_REST).click()
    expect(page.get_by_test_id("standing-provisional")).to_have_count(0)
    # Complete at this stage, not final: said so beside the total.
    expect(page.get_by_test_id("standing-complete").first).to_have_text("tahap lengkap")
    expect(page.locator(".standing").first).to_contain_text("belum ditetapkan")
    sign_out(page)

    # The ministry reviews, the assessor verifies in the field, the ministry determines.
    sign_in(page, personas.ministry.email)
    windows(page, cycle_pk, "ministry")
    page.goto(f"/evaluation/assessments/{assessment.pk}/verify/ministry/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=AGREE_REST).click()
    windows(page, cycle_pk, "field")
    sign_out(page)
    sign_in(page, personas["assessor"].email)
    page.goto(f"/evaluation/assessments/{assessment.pk}/verify/field/")
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name=AGREE_REST).click()
    sign_out(page)
    sign_in(page, personas.ministry.email)
    windows(page, cycle_pk, "final")
    page.goto(f"{base}/")
    page.get_by_test_id("determine-link").click()
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Lakukan penetapan akhir").click()
    expect(page.get_by_test_id("final")).to_be_visible()

    determined = Assessment.objects.get(pk=assessment.pk)
    assert determined.determined_at is not None
    total = determined.final_total
    predicate = determined.final_band.name
    # Adjusted J-1.4 (5 instead of 10) and the partner count of 0 are in the total.
    assert (
        Score.objects.get(
            answer__assessment=assessment, answer__question__code="J-1.4", stage="final"
        ).points
        == 5
    )
    shown = f"{total:.2f}".replace(".", ",")

    # The same total and predicate on the page, in the API, in the PDF and in the XLSX.
    page.goto(f"{base}/")
    expect(page.get_by_test_id("total")).to_contain_text(shown.rstrip("0").rstrip(","))
    expect(page.get_by_test_id("predicate")).to_contain_text(predicate)
    api = page.request.get(f"/api/v1/assessments/{assessment.pk}").json()
    assert D(str(api["final_total"])) == total and api["final_predicate"] == predicate
    page.goto(f"/evaluation/cycles/{cycle_pk}/")
    expect(page.locator("body")).to_contain_text(predicate)
    sign_out(page)

    sign_in(page, personas.bekasi_admin.email)
    page.goto("/reports/")
    report = page.get_by_test_id("report-self_assessment")
    report.locator("select").first.select_option(value=str(assessment.pk))
    report.get_by_role("button").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    text = "".join(p.extract_text() for p in PdfReader(download.value.path()).pages)
    assert shown in text and predicate in text
    page.goto("/reports/")
    report = page.get_by_test_id("report-answers")
    report.get_by_role("button").click()
    expect(page.get_by_test_id("job-status")).to_have_attribute("data-status", "done")
    with page.expect_download() as download:
        page.get_by_test_id("job-download").click()
    book = load_workbook(io.BytesIO(download.value.path().read_bytes()), read_only=True)
    sheet = book[book.sheetnames[-1]]
    final = [
        r
        for r in sheet.iter_rows(values_only=True)
        if r and r[0] == "32.16" and r[2] in ("Penetapan akhir", "Final determination")
    ]
    assert final and D(str(final[0][3])) == total and predicate in final[0]
