"""What a district administrator reads on their dashboard: the path to the next predicate in
points with two decimals and the gate that caps the predicate beside it, the path's CSV with
whole question texts, and the items no office has been given counted as the assessment page
counts them."""

from __future__ import annotations

import csv
from io import StringIO

import pytest

from layak.dashboards.tests.test_dashboard_findings import DISTRICT, text_of
from layak.evaluation.models import Answer
from layak.evaluation.tests.test_gaps_kla2024 import kla2024_bekasi
from layak.evaluation.tests.test_gaps_reader import gate
from layak.evaluation.tests.test_verification import submit_all

pytestmark = pytest.mark.django_db


def test_the_path_tells_the_gate_that_caps_the_predicate(client, personas, evaluation):
    gate(personas, evaluation, "PRATAMA")
    # 15 + 0 + 15 + 20 = 50, Pratama; T-2.1 short of its maximum keeps Madya out of reach.
    submit_all(personas, evaluation, perda="SK", percent="60", evidence=False)
    client.force_login(personas.bekasi_admin)
    page = text_of(client.get(f"{DISTRICT}&cycle={evaluation.cycle.pk}"))
    assert "Madya memerlukan 11,00 poin lagi." in page
    assert (
        "Syarat batas T-2.1 (Larangan iklan rokok): selama belum terpenuhi, predikat paling "
        "tinggi Pratama, berapa pun poinnya." in page
    )
    # Every percentage as the Indonesian reader writes it, also in a figure's note.
    assert "paling tinggi 100% per kegiatan" in page


def test_a_predicate_held_down_by_a_gate_is_not_told_as_zero_points_to_go(
    client, personas, evaluation
):
    gate(personas, evaluation, "PRATAMA")
    submit_all(personas, evaluation, perda="Perda", percent="60", evidence=True)  # 85, capped
    client.force_login(personas.bekasi_admin)
    page = text_of(client.get(f"{DISTRICT}&cycle={evaluation.cycle.pk}"))
    assert "85,00" in page
    assert "Predikat dibatasi: Larangan iklan rokok" in page
    assert "Madya: poinnya sudah cukup; syarat di bawah ini harus dipenuhi terlebih dahulu." in page
    assert "0,00 poin lagi" not in page
    assert "Syarat batas T-2.1 (Larangan iklan rokok)" in page


def test_the_path_csv_carries_whole_question_texts(client, personas):
    bekasi = kla2024_bekasi(personas)
    client.force_login(personas.bekasi_admin)
    url = f"{DISTRICT}&cycle={bekasi.cycle.pk}"
    response = client.get(f"{url}&format=csv&table=path")
    assert response.status_code == 200
    rows = list(csv.reader(StringIO(response.content.decode())))
    texts = dict(
        Answer.objects.filter(assessment=bekasi).values_list("question__code", "question__text")
    )
    long = [r[0] for r in rows[1:] if len(texts[r[0].split(" ", 1)[0]]) > 90]
    assert long, "the path holds a question longer than the table view shows"
    for cell in long:
        code, text = cell.split(" ", 1)
        assert text == texts[code]
        assert not cell.endswith("…")
    # The table view still cuts them, to keep its rows short.
    page = client.get(url).content.decode()
    table = page[page.index('id="tab-path"') :]
    table = table[: table.index("</table>")]
    assert "…" in table


def test_items_no_office_was_given_are_counted_as_the_assessment_page_counts_them(client, personas):
    from django.urls import reverse

    bekasi = kla2024_bekasi(personas)
    assert not bekasi.answers.filter(assignments__is_active=True).exists()
    client.force_login(personas.bekasi_admin)
    # The assessment page's status filter: nobody has answered 254 items; 20 hold the answer
    # Layak computes from the district's records (a draft, as on the assessment page).
    body = client.get(reverse("evaluation:assessment", args=[bekasi.pk])).content.decode()
    assert '<option value="empty">Belum diisi (254)<' in body
    assert '<option value="draft">Draf (20)<' in body
    got = client.get(f"{DISTRICT}&cycle={bekasi.cycle.pk}&format=csv&table=offices")
    rows = list(csv.reader(StringIO(got.content.decode())))
    assert rows[0] == [
        "Perangkat daerah",
        "Diterima",
        "Diajukan",
        "Draf",
        "Belum diisi",
        "Dikembalikan",
    ]
    assert rows[1:] == [["Belum ditugaskan ke perangkat daerah", "0", "0", "20", "254", "0"]]
