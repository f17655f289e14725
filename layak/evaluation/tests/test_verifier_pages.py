"""The verifier's pages drawn from kept or prepared values show the data as it is now."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.evaluation import verification
from layak.evaluation.models import Stage
from layak.evaluation.tests.test_verification import move_to, submit_all

pytestmark = pytest.mark.django_db
K = Stage.Kind


def read(client, url: str) -> tuple[str, int]:
    """The page's HTML, without its CSRF tokens (new with each request; the rest is the same
    for the same data), and its queries."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    html = re.sub(
        r'"X-CSRFToken": "\w+"|name="csrfmiddlewaretoken" value="\w+"',
        "",
        response.content.decode(),
    )
    return html, len(ctx.captured_queries)


def scores_page(client, evaluation) -> tuple[str, int]:
    return read(client, f"/evaluation/assessments/{evaluation.bekasi.pk}/scores/")


def test_scores_tables_are_kept_until_a_new_score_which_shows_at_once(client, personas, evaluation):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    client.force_login(personas.jabar)
    first, drawn = scores_page(client, evaluation)
    assert "Belum lengkap" not in first
    again, kept = scores_page(client, evaluation)
    # The same page, without the results' and the items' queries.
    assert again == first and kept < drawn
    verification.verify_item(
        actor=personas.jabar,
        answer=evaluation.answers["T-1.1"],
        stage=K.PROVINCE,
        points=Decimal("12.5"),
        reason="Belum lengkap",
    )
    after, _ = scores_page(client, evaluation)
    assert 'title="Belum lengkap">Belum lengkap</span>' in after
    assert "12,5" in after and after != first


def test_scores_tables_are_kept_apart_per_reach(client, personas, evaluation):
    """An office sees only its own items, even after the district's administrator drew the
    whole page for the same data."""
    submit_all(personas, evaluation)
    client.force_login(personas.bekasi_admin)
    whole, _ = scores_page(client, evaluation)
    assert "T-1.1" in whole and "T-2.1" in whole
    client.force_login(personas.bekasi_dinkes)
    own, _ = scores_page(client, evaluation)
    assert "T-1.1" in own and "T-2.1" not in own


def verify_page(client, evaluation, query: str = "?indicator=all") -> tuple[str, int]:
    return read(client, f"/evaluation/assessments/{evaluation.bekasi.pk}/verify/province/{query}")


def test_verification_page_keeps_its_rows_until_a_decision_which_shows_at_once(
    client, personas, evaluation
):
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    client.force_login(personas.jabar)
    first, drawn = verify_page(client, evaluation)
    assert first.count('data-state="pending"') == 4
    again, kept = verify_page(client, evaluation)
    # Without the items' rows, the instrument's indicators or the standing read again.
    assert kept < drawn and again == first
    verification.verify_item(
        actor=personas.jabar,
        answer=evaluation.answers["T-2.1"],
        stage=K.PROVINCE,
        points=Decimal("7.5"),
        reason="Data belum sesuai",
    )
    after, _ = verify_page(client, evaluation)
    assert after.count('data-state="pending"') == 3
    assert after.count('data-state="adjusted"') == 1
    # The standing at the province's stage counts the decision too.
    assert "1 dari 4 butir terverifikasi" in after
    # A group's filter reads the kept rows: only its items, counted in its status list.
    cluster, _ = verify_page(client, evaluation, "?indicator=all&group=KL")
    assert 'data-testid="verify-T-1.1"' in cluster and "verify-T-2.1" not in cluster


def test_verification_page_counts_each_items_discussion(client, personas, evaluation):
    from layak.discussions.actions import message_post

    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    answer = evaluation.answers["T-1.1"]
    message_post(actor=personas.jabar, item=answer, body="Mohon unggah SK terbaru")
    message_post(actor=personas.bekasi_dinkes, item=answer, body="Baik, segera")
    client.force_login(personas.jabar)
    page, _ = verify_page(client, evaluation)
    counts = re.findall(
        r'id="discussion-answer-(\d+)-count" data-testid="discussion-count">(\d+)<', page
    )
    assert dict(counts) == {
        str(a.pk): "2" if a.pk == answer.pk else "0" for a in evaluation.answers.values()
    }


def test_an_item_sent_back_reopens_on_its_return_and_reason(client, personas, evaluation):
    """The form of an item back with the district shows the decision taken, not "agree"."""
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    client.force_login(personas.jabar)
    answer = evaluation.answers["T-1.1"]
    response = client.post(
        f"/evaluation/answers/{answer.pk}/verify/province/",
        {"decision": "return", "reason": "Foto kegiatan belum dilampirkan"},
    )
    assert response.status_code == 302
    html, _ = verify_page(client, evaluation, f"?at={answer.pk}")
    card = html[
        html.index(f'id="pts-{answer.pk}"') - 2000 : html.index(f'id="why-{answer.pk}"') + 200
    ]
    assert re.search(r'value="return" checked', card)
    assert not re.search(r'value="agree" checked', card)
    assert 'value="Foto kegiatan belum dilampirkan"' in card


def test_the_assessment_pages_indicators_stand_at_the_stage_of_its_total(
    client, personas, evaluation
):
    """Adjusted by the province, an item's indicator reads the adjusted points on the district's
    assessment page, as its cluster and its total do: one stage for every figure of the page."""
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    answer = evaluation.answers["T-1.1"]
    verification.verify_item(
        actor=personas.jabar,
        answer=answer,
        stage=K.PROVINCE,
        points=Decimal("2.5"),
        reason="Kurang",
    )
    client.force_login(personas.bekasi_admin)
    html, _ = read(client, f"/evaluation/assessments/{evaluation.bekasi.pk}/")
    assert "Verifikasi administrasi provinsi" in html
    indicator = answer.question.indicator
    row = html[html.index(f"<strong>{indicator.code}</strong>") :]
    row = row[: row.index("</summary>")]
    assert "2,50 poin" in row, row


def test_the_gap_analysis_opens_at_the_stage_of_the_total(client, personas, evaluation):
    """Opened without a stage (an address typed or kept), the gap analysis starts from the
    total every other page shows: the province's, once it has scored."""
    submit_all(personas, evaluation)
    move_to(evaluation, K.PROVINCE)
    verification.verify_item(
        actor=personas.jabar,
        answer=evaluation.answers["T-1.1"],
        stage=K.PROVINCE,
        points=Decimal("2.5"),
        reason="Kurang",
    )
    client.force_login(personas.bekasi_admin)
    url = f"/evaluation/assessments/{evaluation.bekasi.pk}/"
    page, _ = read(client, url)
    plain, _ = read(client, f"{url}gaps/")
    province, _ = read(client, f"{url}gaps/?stage=province")
    now = re.search(r"Saat ini: <strong>([^<]+)</strong>", plain)
    assert now and now.group(1) == re.search(r"Saat ini: <strong>([^<]+)</strong>", province).group(
        1
    )
    assert f"{now.group(1)}" in page
    assert '<option value="province" selected>' in plain
