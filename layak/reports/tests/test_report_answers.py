"""The answers workbook: numbers answered are numbers (percentages in the percent format),
each answer's note and evidence file names are exported, and its totals are the pages'."""

from __future__ import annotations

import pytest

from layak.evaluation import actions as ev
from layak.evaluation.scores import current_results
from layak.reports.tests.test_reports import answered, start, xlsx

pytestmark = pytest.mark.django_db


def test_numbers_are_numbers_and_notes_and_files_are_exported(client, personas, evaluation):
    answered(personas, evaluation, note="Perda Nomor 5 Tahun 2023")
    percent = evaluation.answers["T-2.1"]
    ev.answer_save(
        actor=personas.bekasi_admin,
        answer=percent,
        value={"number": "92.5"},
        note="",
        revision=percent.revision,
    )
    job = start(
        client, personas.bekasi_admin, "answers", {"cycle": evaluation.cycle.pk, "area": "32.16"}
    )
    sheet = xlsx(job).worksheets[0]
    header = [c.value for c in sheet[1]]
    assert header[-2:] == ["Catatan", "Berkas bukti"]
    rows = {r[4].value: r for r in sheet.iter_rows(min_row=2)}
    t21 = rows["T-2.1"]
    assert t21[6].data_type == "n" and t21[6].value == pytest.approx(0.925)
    assert t21[6].number_format.endswith("%")
    assert t21[8].value == 30 and t21[8].data_type == "n"  # the maximum
    t11 = rows["T-1.1"]
    assert t11[6].value == "Perda" and t11[6].data_type == "s"
    assert t11[-2].value == "Perda Nomor 5 Tahun 2023"
    assert t11[-1].value == "perda.pdf"
    assert rows["T-2.2"][-1].value in (None, "")
    # One number, one function: the totals sheet holds the pages' total.
    totals = list(xlsx(job).worksheets[1].iter_rows(min_row=2, values_only=True))
    standing = current_results(evaluation.cycle, [evaluation.bekasi])[evaluation.bekasi.pk]
    assert [r[3] for r in totals if r[0] == "32.16"][-1] == standing.total
