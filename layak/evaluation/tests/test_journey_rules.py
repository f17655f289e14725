"""The evaluation's rules that people met on a new cycle: a stage under way shows the result as
it stands with its progress, the verifier's form keeps the stored decision, deadlines show the
last working day, a refused save keeps what was typed, returned items stay with the office, and
the API refuses what the page refuses. Pages are read in Indonesian, the default."""

from __future__ import annotations

import datetime
import html
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from layak.core.actions_list import ActionKind, needs_action
from layak.core.numbers import format_points
from layak.evaluation import actions, verification
from layak.evaluation.models import Score, Stage
from layak.evaluation.scores import current_results, progress_words, results
from layak.evaluation.templatetags.evaluation import deadline, last_day
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.evaluation.tests.test_workflow import fresh, option

pytestmark = pytest.mark.django_db
K = Stage.Kind


def test_a_stage_under_way_counts_unverified_items_with_the_previous_stage(personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    ev = evaluation
    self_result = results(ev.cycle, [ev.bekasi.pk], K.SELF_ASSESSMENT)[ev.bekasi.pk]
    item = ev.answers["T-1.1"]
    before = Score.objects.get(answer=item, stage=K.SELF_ASSESSMENT).points
    verification.verify_item(
        actor=personas.jabar, answer=item, stage=K.PROVINCE, points=before - 5, reason="SK lama"
    )
    province = results(ev.cycle, [ev.bekasi.pk], K.PROVINCE)[ev.bekasi.pk]
    # One item verified (5 points less); the others stand with the district's points.
    assert province.total == self_result.total - 5
    assert (province.done, province.items, province.carried) == (1, 4, 3)
    assert not province.complete
    words = progress_words(province)
    assert "1 dari 4" in words and "3 butir" in words
    # The pages, the dashboards and the reports take the same result as it stands.
    assert current_results(ev.cycle, [fresh_assessment(ev)])[ev.bekasi.pk].total == province.total
    verification.verify_agree_rest(actor=personas.jabar, assessment=ev.bekasi, stage=K.PROVINCE)
    done = results(ev.cycle, [ev.bekasi.pk], K.PROVINCE)[ev.bekasi.pk]
    assert done.complete and done.total == province.total and progress_words(done) == ""


def fresh_assessment(ev):
    from layak.evaluation.models import Assessment

    return Assessment.objects.get(pk=ev.bekasi.pk)


def test_a_returned_item_counts_with_the_previous_points_and_is_said(personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    ev = evaluation
    verification.verify_return(actor=personas.jabar, answer=ev.answers["T-2.1"], reason="Data 2024")
    province = results(ev.cycle, [ev.bekasi.pk], K.PROVINCE)[ev.bekasi.pk]
    self_total = results(ev.cycle, [ev.bekasi.pk], K.SELF_ASSESSMENT)[ev.bekasi.pk].total
    assert province.total == self_total and province.back == 1
    assert "1 butir kembali ke wilayah" in progress_words(province)
    # Verified, carried and back add up to the items: the one back is not carried as well.
    assert (province.done, province.carried, province.back, province.items) == (0, 3, 1, 4)
    assert "3 butir dihitung" in progress_words(province)


def test_the_verification_form_reopens_on_the_stored_decision(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    item = evaluation.answers["T-1.1"]
    verification.verify_item(
        actor=personas.jabar, answer=item, stage=K.PROVINCE, points=Decimal(10), reason="Kurang"
    )
    client.force_login(personas.jabar)
    url = f"/evaluation/assessments/{evaluation.bekasi.pk}/verify/province/"
    page = client.get(url).content.decode()
    card = page[page.index(f'id="item-{item.pk}"') :]
    card = card[: card.index("</article>")]
    assert 'value="adjust" checked' in card and 'value="agree" checked' not in card
    assert "disesuaikan" in card  # the state in words
    # Saving again what the form shows changes nothing.
    client.post(
        f"/evaluation/answers/{item.pk}/verify/province/",
        {"decision": "adjust", "points": "10", "reason": "Kurang"},
    )
    score = Score.objects.get(answer=item, stage=K.PROVINCE)
    assert score.points == 10 and score.decision == Score.Decision.ADJUSTED


def test_a_corrected_item_waits_first_for_the_verifier(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    ev = evaluation
    item = ev.answers["T-2.1"]
    verification.verify_return(actor=personas.jabar, answer=item, reason="Pakai data 2025")
    capil = personas["bekasi.disdukcapil"]
    # The office sees it on its list and home page, with the reason.
    client.force_login(capil)
    assert "Pakai data 2025" in client.get("/evaluation/my-items/").content.decode()
    assert "Pakai data 2025" in client.get("/").content.decode()
    actions.answer_save(
        actor=capil,
        answer=fresh(item),
        value={"number": "95"},
        note="",
        revision=fresh(item).revision,
    )
    actions.answer_submit(actor=capil, answer=fresh(item))
    # The administrator reviews the correction by the province stage's close, not by the
    # self-assessment's (long past), and is told which stage asked for it.
    (review,) = needs_action(personas.bekasi_admin).of_kind(ActionKind.EVALUATION_TO_REVIEW)
    province_closes = Stage.objects.get(cycle=ev.cycle, kind=K.PROVINCE).closes_at
    assert review.deadline == province_closes and not review.overdue
    assert review.detail == "Perbaikan yang diminta pada tahap “Verifikasi administrasi provinsi”"
    actions.answer_accept(actor=personas.bekasi_admin, answer=fresh(item))
    client.force_login(personas.jabar)
    queue = client.get("/evaluation/verify/")
    assert queue.context["rows"][0]["corrected"] == 1
    page = client.get(f"/evaluation/assessments/{ev.bekasi.pk}/verify/province/")
    first = page.context["items"][0]
    assert first["answer"].pk == item.pk and first["state"] == "corrected"
    assert "diperbaiki, menunggu diperiksa ulang" in page.content.decode()
    # Corrected, it is no longer back with the region: not in the totals' count of items back
    # (the scores page, the dashboards and the API take it from there), nor in their words.
    province = results(ev.cycle, [ev.bekasi.pk], K.PROVINCE)[ev.bekasi.pk]
    assert province.back == 0
    assert "kembali ke wilayah" not in progress_words(province)
    assert current_results(ev.cycle, [fresh_assessment(ev)])[ev.bekasi.pk].back == 0


def test_a_deadline_is_the_closing_day_entered(personas, evaluation):
    tz = timezone.get_current_timezone()
    # "Closes 8 December" is stored as the window's end: 9 December 00:00.
    end = datetime.datetime(2026, 12, 9, tzinfo=tz)
    assert last_day(end) == "8 Des 2026"
    assert deadline(end) == "8 Des 2026, 23.59 WIB"
    assert deadline(datetime.datetime(2027, 1, 1, tzinfo=tz), "j F Y") == (
        "31 Desember 2026, 23.59 WIB"
    )


def test_the_queue_shows_the_closing_day(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    stage = Stage.objects.get(cycle=evaluation.cycle, kind=K.PROVINCE)
    # The stage form stores "closes 20 December" as 21 December 00:00.
    tz = timezone.get_current_timezone()
    stage.closes_at = datetime.datetime(2031, 12, 21, tzinfo=tz)
    stage.save(update_fields=["closes_at"])
    client.force_login(personas.jabar)
    page = client.get("/evaluation/verify/").content.decode()
    assert "20 Des 2031, 23.59 WIB" in page and "21 Des 2031" not in page


def test_a_refused_save_keeps_what_was_typed(client, personas, evaluation):
    item = evaluation.answers["T-2.1"]  # a percentage
    client.force_login(personas["bekasi.disdukcapil"])
    response = client.post(
        f"/evaluation/answers/{item.pk}/save/",
        {"number": "150", "note": "Data Dinkes 2025", "revision": "0"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert 'value="150"' in html and "Data Dinkes 2025" in html
    assert "Persentase paling tinggi 100." in html or "100" in html
    assert 'data-testid="field-error"' in html
    assert fresh(item).value == {} and fresh(item).note == ""


def test_indonesian_numbers_on_the_page_are_read_as_meant(client, personas, evaluation):
    item = evaluation.answers["T-2.1"]
    client.force_login(personas["bekasi.disdukcapil"])
    client.post(
        f"/evaluation/answers/{item.pk}/save/",
        {"number": "92,5", "note": "", "revision": "0"},
        HTTP_HX_REQUEST="true",
    )
    assert fresh(item).value == {"number": "92.5"}
    page = client.get(
        f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/{item.question.indicator_id}/"
    ).content.decode()
    assert 'value="92,5"' in page


def test_a_percentage_may_be_typed_with_its_sign(client, personas, evaluation):
    """ "12,5%" is 12,5; "150 %" is refused for its size, not as "not a number"."""
    item = evaluation.answers["T-2.1"]
    client.force_login(personas["bekasi.disdukcapil"])
    url = f"/evaluation/answers/{item.pk}/save/"
    refused = client.post(
        url, {"number": "150 %", "note": "", "revision": "0"}, HTTP_HX_REQUEST="true"
    )
    html = refused.content.decode()
    assert "Persentase paling tinggi 100." in html and "bukan angka" not in html
    assert 'value="150 %"' in html and fresh(item).value == {}
    client.post(url, {"number": "12,5%", "note": "", "revision": "0"}, HTTP_HX_REQUEST="true")
    assert fresh(item).value == {"number": "12.5"}


def test_the_api_refuses_what_the_page_refuses(client, personas, evaluation):
    a = evaluation.answers
    capil = personas["bekasi.disdukcapil"]
    client.force_login(capil)
    for answer, value, field in (
        (a["T-2.1"], {"number": 250}, "value.number"),
        (a["T-2.1"], {"number": -3}, "value.number"),
        (a["T-2.1"], {"option": "1"}, "value.option"),
    ):
        response = client.put(
            f"/api/v1/answers/{answer.pk}",
            {"value": value, "note": "", "revision": fresh(answer).revision},
            content_type="application/json",
        )
        assert response.status_code == 422, value
        assert field in response.json()["errors"], response.json()
        assert (
            Score.objects.filter(answer=answer, stage=K.SELF_ASSESSMENT, points__gt=0).count() == 0
        )
    dinkes = personas.bekasi_dinkes
    client.force_login(dinkes)
    response = client.put(
        f"/api/v1/answers/{a['T-1.1'].pk}",
        {"value": {"option": "999999"}, "note": "", "revision": 0},
        content_type="application/json",
    )
    assert response.status_code == 422 and "value.option" in response.json()["errors"]
    assert fresh(a["T-1.1"]).value == {}
    ok = client.put(
        f"/api/v1/answers/{a['T-1.1'].pk}",
        {"value": {"option": option(a["T-1.1"], "Perda")}, "note": "", "revision": 0},
        content_type="application/json",
    )
    assert ok.status_code == 200


def test_history_says_why_and_which_document(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    item = evaluation.answers["T-1.1"]
    verification.verify_return(actor=personas.jabar, answer=item, reason="SK kedaluwarsa")
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/answers/{item.pk}/history/").content.decode()
    assert "SK kedaluwarsa" in page
    assert "dikembalikan oleh verifikator" in page
    assert "dokumen dilampirkan" in page and "perda.pdf" in page.lower()
    assert "returned_by_province" not in page and "evidence_attached" not in page


def test_a_computed_question_offers_its_evidence_forms(client, personas, evaluation):
    from layak.frameworks.models import Question

    item = evaluation.answers["T-1.2"]
    Question.objects.filter(pk=item.question_id).update(computed=Question.Computed.PARTNERS)
    client.force_login(personas.bekasi_dinkes)
    page = client.get(
        f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/{item.question.indicator_id}/"
    ).content.decode()
    card = page[page.index('data-testid="answer-T-1.2"') :]
    card = card[: card.index("</article>")]
    assert 'type="file"' in card and "fieldset disabled" in card


def test_a_returned_computed_item_says_what_the_office_can_do(client, personas, evaluation):
    """Its value cannot be typed: the card tells where to correct it and what to attach."""
    from layak.frameworks.models import Question

    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    computed, typed = evaluation.answers["T-1.2"], evaluation.answers["T-1.1"]
    Question.objects.filter(pk=computed.question_id).update(computed=Question.Computed.PARTNERS)
    for item in (computed, typed):
        verification.verify_return(actor=personas.jabar, answer=item, reason="Data dukung kurang")
    client.force_login(personas.bekasi_dinkes)
    page: str = client.get(
        f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/{computed.question.indicator_id}/"
    ).content.decode()

    def card(code: str) -> str:
        start = page.index(f'data-testid="answer-{code}"')
        return page[start : page.index("</article>", start)]

    hint = "Nilai butir ini dihitung otomatis oleh Layak dari data yang disebut di atas"
    assert hint in html.unescape(card("T-1.2"))
    assert hint not in html.unescape(card("T-1.1"))


def test_the_api_gives_the_stage_as_it_stands_with_its_progress(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    item = evaluation.answers["T-1.1"]
    verification.verify_item(
        actor=personas.jabar, answer=item, stage=K.PROVINCE, points=Decimal(10), reason="SK"
    )
    client.force_login(personas.bekasi_admin)
    rows = client.get(f"/api/v1/assessments/{evaluation.bekasi.pk}/scores").json()
    assert [r["stage"] for r in rows] == ["self", "province"]
    province = rows[1]
    page = results(evaluation.cycle, [evaluation.bekasi.pk], K.PROVINCE)[evaluation.bekasi.pk]
    assert Decimal(str(province["total"])) == page.total
    assert (province["items"], province["done"], province["complete"]) == (4, 1, False)
    assert province["progress"] == progress_words(page)
    # The assessment page says the same in the same words (one function for both).
    shown = client.get(f"/evaluation/assessments/{evaluation.bekasi.pk}/").content.decode()
    progress = re.findall(r'data-testid="standing-progress">([^<]*)<', shown)
    assert progress and province["progress"] == f"Sementara: {html.unescape(progress[-1])}"
    assert "1 dari 4 butir terverifikasi" in progress[-1]


def test_a_partial_stage_reads_the_same_everywhere(client, personas, evaluation):
    """Page, scores page, API, both dashboards, the PDF's figures and the XLSX give one total
    for a province stage under way (one function behind them all)."""
    import io

    from openpyxl import load_workbook

    from layak.dashboards import figures
    from layak.regions.models import Region
    from layak.reports import documents
    from layak.reports.workbooks import answers_workbook

    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    verification.verify_item(
        actor=personas.jabar,
        answer=ev.answers["T-1.1"],
        stage=K.PROVINCE,
        points=Decimal(10),
        reason="Baru SK",
    )
    expected = results(ev.cycle, [ev.bekasi.pk], K.PROVINCE)[ev.bekasi.pk]
    assert not expected.complete and expected.total == 80  # 100 with 20 taken off T-1.1

    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/assessments/{ev.bekasi.pk}/")
    assert page.context["result"].total == expected.total
    assert "sementara" in page.content.decode()
    compare = client.get(f"/evaluation/assessments/{ev.bekasi.pk}/scores/")
    assert compare.context["totals"][1].total == expected.total
    api = client.get(f"/api/v1/assessments/{ev.bekasi.pk}/scores").json()
    assert Decimal(str(api[-1]["total"])) == expected.total
    bekasi = Region.objects.get(code="32.16")
    year = timezone.localdate().year
    dashboard = figures.district(personas.bekasi_admin, bekasi, ev.cycle, year)
    assert dashboard.standing.total == expected.total
    assert dashboard.standing.predicate.name == expected.predicate.name
    province = figures.province(bekasi.parent, ev.cycle)
    table = province.tables[0]
    latest = [c.label for c in table.columns].index("Nilai terakhir")
    row = next(r for r in table.rows if "Bekasi" in str(r[0]))
    assert Decimal(str(row[latest])) == expected.total
    pdf = documents.self_assessment(fresh_assessment(ev))
    assert pdf["total"] == expected.total and pdf["progress"] == progress_words(expected)
    target = io.BytesIO()
    answers_workbook(ev.cycle, None, target, lambda done, total: None)
    sheet = load_workbook(io.BytesIO(target.getvalue()), read_only=True)["Jumlah"]
    rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == "32.16"]
    stage_row = next(r for r in rows if r[2] == "Verifikasi administrasi provinsi")
    assert Decimal(str(stage_row[3])) == expected.total
    assert stage_row[-1] == progress_words(expected)


def test_a_refused_decision_keeps_what_the_verifier_typed(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    item = evaluation.answers["T-1.1"]
    client.force_login(personas.jabar)
    response = client.post(
        f"/evaluation/answers/{item.pk}/verify/province/",
        {"decision": "adjust", "points": "12,5", "reason": ""},
    )
    assert response.status_code == 400
    html = response.content.decode()
    card = html[html.index(f'id="item-{item.pk}"') :]
    card = card[: card.index("</article>")]
    assert "Berikan alasan perubahan nilai." in card
    assert 'value="adjust" checked' in card and 'value="12,5"' in card
    assert not Score.objects.filter(answer=item, stage=K.PROVINCE).exists()


def test_the_self_assessment_says_its_score_counts_every_saved_answer(personas, evaluation):
    ev = evaluation
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=ev.answers["T-1.1"],
        value={"option": option(ev.answers["T-1.1"], "Perda")},
        note="",
        revision=0,
    )
    draft = results(ev.cycle, [ev.bekasi.pk])[ev.bekasi.pk]
    assert draft.total == 30 and draft.done == 0
    assert progress_words(draft) == (
        "Sementara: 0 dari 4 jawaban diterima; nilai menghitung semua jawaban yang tersimpan"
    )


def test_home_pages_lead_to_the_evaluation_work(client, personas, evaluation):
    ev = evaluation
    client.force_login(personas.bekasi_dinkes)
    home = client.get("/").content.decode()
    assert "2 butir untuk dijawab dalam Evaluasi Uji" in home
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=ev.answers["T-1.2"],
        value={},
        note="SK terlampir",
        revision=0,
    )
    from layak.evaluation.tests.test_workflow import attach_pdf

    attach_pdf(personas.bekasi_dinkes, ev.answers["T-1.2"], name="sk.pdf")
    actions.answer_submit(actor=personas.bekasi_dinkes, answer=fresh(ev.answers["T-1.2"]))
    client.force_login(personas.bekasi_admin)
    response = client.get("/")
    rows = response.context["actions"].of_kind("evaluation_to_review")
    titles = [(r.title, r.count) for r in rows]
    assert titles == [("1 jawaban untuk ditelaah dalam Evaluasi Uji", 1)]
    link = f"/evaluation/assessments/{ev.bekasi.pk}/indicators/"
    assert rows[0].url.startswith(link) and rows[0].url in response.content.decode()


def test_the_submission_waits_until_every_required_answer_is_ready(client, personas, evaluation):
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/assessments/{evaluation.bekasi.pk}/")
    html = page.content.decode()
    assert "Ajukan ke provinsi" not in html
    assert page.context["missing_count"] == 4
    offices = dict(page.context["missing_by_office"])
    assert offices["Dinas Kesehatan Kabupaten Bekasi"] == 2
    assert "Evaluasi mandiri dapat diajukan setelah semua jawaban wajib siap." in html


def test_the_gap_analysis_opened_from_the_assessment_page_shows_its_total(
    client, personas, evaluation
):
    """Once the province has scored, the assessment page's total is the province's; its link
    to the gap analysis opens that stage, so both pages give the same total."""
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    ev = evaluation
    item = ev.answers["T-1.1"]
    before = Score.objects.get(answer=item, stage=K.SELF_ASSESSMENT).points
    verification.verify_item(
        actor=personas.jabar, answer=item, stage=K.PROVINCE, points=before - 5, reason="SK lama"
    )
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/assessments/{ev.bekasi.pk}/").content.decode()
    link = re.search(r'href="([^"]+)" data-testid="gaps-link"', page)
    assert link and link.group(1).endswith("/gaps/?stage=province")
    total = re.search(r'data-testid="total">([^<]+)<', page).group(1).strip()
    gaps = client.get(html.unescape(link.group(1))).content.decode()
    assert f"Saat ini: <strong>{total}</strong>" in gaps
    province = results(ev.cycle, [ev.bekasi.pk], K.PROVINCE)[ev.bekasi.pk]
    assert total == format_points(province.total)


def test_a_complete_stage_not_yet_determined_says_so_beside_its_total(client, personas, evaluation):
    """Every item verified at the province: the total is that stage's, complete, but not the
    final result, which the pages say ("tahap lengkap", "belum ditetapkan")."""
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    verification.verify_agree_rest(
        actor=personas.jabar, assessment=evaluation.bekasi, stage=K.PROVINCE
    )
    client.force_login(personas.bekasi_admin)
    for url in (f"/evaluation/assessments/{evaluation.bekasi.pk}/", "/evaluation/"):
        page = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(url).content.decode()))
        assert "tahap lengkap belum ditetapkan" in page, url
