"""Reports: PDF and XLSX read back, reuse while the data are unchanged, scoping, query counts."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from layak.evaluation import actions as ev
from layak.evaluation.tests.test_workflow import attach_pdf
from layak.jobs.models import Job
from layak.reports import workbooks

pytestmark = pytest.mark.django_db


def pdf_text(job: Job) -> str:
    with job.result_file.open("rb") as fh:
        reader = PdfReader(BytesIO(fh.read()))
    return " ".join(page.extract_text() for page in reader.pages)


def xlsx(job: Job):
    with job.result_file.open("rb") as fh:
        return load_workbook(BytesIO(fh.read()))


def answered(personas, evaluation, note: str = ""):
    """Bekasi answers T-1.1 with "Perda" (30 points in cluster KL) and links its Perda."""
    answer = evaluation.answers["T-1.1"]
    perda = next(o for o in answer.question.options.all() if o.label == "Perda")
    ev.answer_save(
        actor=personas.bekasi_dinkes,
        answer=answer,
        value={"option": perda.pk},
        note=note,
        revision=answer.revision,
    )
    attach_pdf(personas.bekasi_dinkes, answer)
    return answer


def start(client, user, slug: str, data: dict[str, object]) -> Job:
    client.force_login(user)
    response = client.post(reverse("reports:start", args=[slug]), data)
    assert response.status_code == 302, response.content[:2000]
    return Job.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_self_assessment_pdf_reads_back(client, personas, evaluation):
    answered(personas, evaluation)
    job = start(
        client, personas.bekasi_admin, "self_assessment", {"assessment": evaluation.bekasi.pk}
    )
    assert job.status == Job.Status.DONE, job.error
    text = pdf_text(job)
    assert "KABUPATEN BEKASI" in text.upper()
    assert "30.00" in text or "30,00" in text  # cluster KL's score
    assert "T-1" in text and "T-2" in text  # gap table per indicator
    assert "perda.pdf" in text  # evidence index
    assert job.result["data_version"] > 0


def test_a_district_cannot_report_on_another(client, personas, evaluation):
    client.force_login(personas.gm_admin)
    url = reverse("reports:start", args=["self_assessment"])
    assert client.post(url, {"assessment": evaluation.bekasi.pk}).status_code == 404
    assert (
        client.post(
            reverse("reports:start", args=["partners"]), {"district": "32.16", "year": 2025}
        ).status_code
        == 404
    )
    assert not Job.objects.filter(kind__startswith="report_").exists()


def test_an_office_sees_the_district_but_cannot_report_on_it(client, personas, evaluation):
    client.force_login(personas.bekasi_dinkes)
    url = reverse("reports:start", args=["self_assessment"])
    assert client.post(url, {"assessment": evaluation.bekasi.pk}).status_code == 403
    page = client.get(reverse("reports:home"))
    assert b'data-testid="no-reports"' in page.content


def test_all_districts_is_the_ministrys_alone(client, personas, evaluation):
    client.force_login(personas["verifier.jabar"])
    url = reverse("reports:start", args=["answers"])
    assert client.post(url, {"cycle": evaluation.cycle.pk, "area": ""}).status_code == 403
    job = start(
        client, personas["verifier.jabar"], "answers", {"cycle": evaluation.cycle.pk, "area": "32"}
    )
    book = xlsx(job)
    codes = {row[0] for row in book.worksheets[0].iter_rows(min_row=2, values_only=True)}
    assert codes == {"32.16"}


def test_reused_while_data_unchanged_new_job_after_a_change(client, personas, evaluation):
    answer = answered(personas, evaluation)
    data = {"assessment": evaluation.bekasi.pk}
    first = start(client, personas.bekasi_admin, "self_assessment", data)
    again = start(client, personas.bekasi_admin, "self_assessment", data)
    assert again.pk == first.pk
    # Gunung Mas changing its data does not outdate Bekasi's report.
    gm_answer = evaluation.gm.answers.get(question__code="T-2.1")
    ev.answer_save(
        actor=personas.gm_admin, answer=gm_answer, value={"number": "95"}, note="", revision=0
    )
    assert start(client, personas.bekasi_admin, "self_assessment", data).pk == first.pk
    answer.refresh_from_db()
    ev.answer_save(
        actor=personas.bekasi_dinkes,
        answer=answer,
        value={"option": answer.value["option"]},
        note="corrected",
        revision=answer.revision,
    )
    changed = start(client, personas.bekasi_admin, "self_assessment", data)
    assert changed.pk != first.pk
    assert changed.result["data_version"] > first.result["data_version"]
    # Another person gets their own job.
    other = start(client, personas["verifier.jabar"], "self_assessment", data)
    assert other.pk != changed.pk


def test_answers_xlsx_cells(client, personas, evaluation):
    answered(personas, evaluation)
    job = start(
        client, personas.bekasi_admin, "answers", {"cycle": evaluation.cycle.pk, "area": "32.16"}
    )
    book = xlsx(job)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    assert len(rows[0]) == 17 and all(rows[0])
    t11 = next(r for r in rows[1:] if r[4] == "T-1.1")
    assert t11[0] == "32.16" and t11[6] == "Perda" and t11[9] == 30
    assert len(rows) == 1 + 4
    totals = list(book.worksheets[1].iter_rows(values_only=True))
    assert any(r[0] == "32.16" and r[3] == 30 for r in totals[1:])


def test_formula_like_text_stays_text():
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet("x")
    workbooks._row(sheet, ['=HYPERLINK("http://x")'])
    out = BytesIO()
    book.save(out)
    cell = load_workbook(BytesIO(out.getvalue())).active["A1"]
    assert cell.data_type == "s"


def test_all_districts_export_costs_queries_per_batch_not_per_row(personas, evaluation):
    """Three queries per batch of districts, whatever the number of answers."""
    answered(personas, evaluation)
    with CaptureQueriesContext(connection) as one:
        batches = list(workbooks.answer_batches(evaluation.cycle, None, batch=1))
    assert len(batches) == 2
    with CaptureQueriesContext(connection) as both:
        batches = list(workbooks.answer_batches(evaluation.cycle, None, batch=2))
    assert len(batches) == 1
    assert len(one) == 1 + 3 * 2
    assert len(both) == 1 + 3 * 1


def test_whole_export_query_count_does_not_grow_with_rows(personas, evaluation):
    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            workbooks.answers_workbook(evaluation.cycle, None, BytesIO(), lambda d, t: None)
        return len(ctx)

    before = count()
    answered(personas, evaluation)
    assert count() == before


def test_verification_pdf_lists_the_provinces_districts_only(client, personas, evaluation):
    answered(personas, evaluation)
    job = start(
        client,
        personas["verifier.jabar"],
        "verification",
        {"province": "32", "cycle": evaluation.cycle.pk},
    )
    assert job.status == Job.Status.DONE, job.error
    text = pdf_text(job).upper()
    assert "JAWA BARAT" in text and "BEKASI" in text
    assert "GUNUNG MAS" not in text
    client.force_login(personas.bekasi_admin)
    url = reverse("reports:start", args=["verification"])
    assert client.post(url, {"province": "32", "cycle": evaluation.cycle.pk}).status_code == 404


def test_verification_pdf_lists_an_adjustment_without_a_scorer(personas, evaluation):
    """A province score whose scorer is not recorded prints a dash, not an error."""
    from django.utils import translation

    from layak.core.pdf import render_pdf
    from layak.evaluation.models import Score, Stage
    from layak.regions.models import Region
    from layak.reports import documents

    answer = answered(personas, evaluation)
    Score.objects.create(
        answer=answer,
        stage=Stage.Kind.PROVINCE,
        points=10,
        decision=Score.Decision.ADJUSTED,
        reason="Perda belum diundangkan",
        scored_by=None,
    )
    context = documents.verification(Region.objects.get(code="32"), evaluation.cycle)
    assert [s.scored_by for s, _before in context["adjustments"]] == [None]
    with translation.override("id"):
        pdf = render_pdf("reports/pdf/verification.html", context, None)
    text = " ".join(p.extract_text() for p in PdfReader(BytesIO(pdf)).pages)
    assert "Perda belum" in text and "diundangkan" in text


def test_rad_progress_pdf_and_workbook(client, personas):
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    job = start(
        client, personas.bekasi_admin, "rad_progress", {"plan": world.plan.pk, "year": 2025}
    )
    assert job.status == Job.Status.DONE, job.error
    text = pdf_text(job)
    assert "P1" in text and "K1-4" in text and "BEKASI" in text.upper()
    book = xlsx(start(client, personas.bekasi_admin, "rad", {"plan": world.plan.pk}))
    assert book.sheetnames[0] == "2025"
    refs = [r[0] for r in book["2025"].iter_rows(min_row=2, values_only=True)]
    assert "P1" in refs and "P1.A1" in refs
    client.force_login(personas.gm_admin)
    url = reverse("reports:start", args=["rad_progress"])
    assert client.post(url, {"plan": world.plan.pk, "year": 2025}).status_code == 404


def test_partner_contributions_workbook(client, personas):
    from django.utils import timezone

    from layak.partners.testing import (
        bekasi_business,
        ensure_kla,
        make_commitment,
        make_contribution,
    )

    ensure_kla()
    partner = personas["bekasi.partner"]
    commitment = make_commitment(partner, bekasi_business(), title="Posyandu ramah anak")
    make_contribution(partner, commitment, description="=1+1 makanan tambahan")
    year = timezone.localdate().year
    job = start(client, personas.bekasi_admin, "partners", {"district": "32.16", "year": year})
    book = xlsx(job)
    rows = list(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert [(r[1], r[3], r[6]) for r in rows] == [
        ("PT Sinar Cikarang Sejahtera", "Posyandu ramah anak", "=1+1 makanan tambahan")
    ]
    assert book.worksheets[1].title


def test_indicator_values_workbook(client, personas):
    job = start(
        client, personas.bekasi_admin, "indicator_values", {"district": "32.16", "year": 2025}
    )
    assert job.status == Job.Status.DONE, job.error
    assert job.result["rows"] == xlsx(job).worksheets[0].max_row - 1


def test_home_lists_only_reports_within_reach(client, personas, evaluation, english):
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("reports:home")).content.decode()
    assert 'data-testid="report-self_assessment"' in page
    assert 'data-testid="report-verification"' not in page
    assert "Gunung Mas" not in page
    client.force_login(personas.ministry)
    page = client.get(reverse("reports:home")).content.decode()
    assert "All districts" in page and "Gunung Mas" in page


def test_seed_demo_is_idempotent(personas, evaluation):
    from layak.evaluation.models import Cycle
    from layak.reports.demo import seed_demo

    Cycle.objects.filter(pk=evaluation.cycle.pk).update(name="Evaluasi KLA 2025")
    seed_demo()
    seed_demo()
    jobs = Job.objects.filter(kind="report_self_assessment")
    assert jobs.count() == 2
    assert set(jobs.values_list("status", flat=True)) == {Job.Status.DONE}
