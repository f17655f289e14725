"""The answers workbook: numbers answered are numbers (percentages in the percent format),
each answer's note and evidence file names are exported, and its totals are the pages'."""

from __future__ import annotations

import pytest
from django.utils import translation

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


def test_points_cells_show_two_decimals_and_stay_numbers(client, personas, evaluation):
    answered(personas, evaluation)
    job = start(
        client, personas.bekasi_admin, "answers", {"cycle": evaluation.cycle.pk, "area": "32.16"}
    )
    book = xlsx(job)
    answers, totals = book.worksheets[0], book.worksheets[1]
    header = [c.value for c in answers[1]]
    first, end = header.index("Maksimum"), header.index("Alasan penyesuaian")
    points = [r[first:end] for r in answers.iter_rows(min_row=2)]
    filled = [c for row in points for c in row if c.value is not None]
    assert len(filled) > len(points), "the maximum and the self-assessment's points"
    assert {(c.data_type, c.number_format) for c in filled} == {("n", "0.00")}
    header = [c.value for c in totals[1]]
    first, end = header.index("Jumlah"), header.index("Predikat")
    cells = [c for row in totals.iter_rows(min_row=2) for c in row[first:end]]
    assert cells and {(c.data_type, c.number_format) for c in cells} == {("n", "0.00")}
    assert header[-1] == "Ditetapkan"
    assert all(row[-1].value is None for row in totals.iter_rows(min_row=2))


def test_a_determined_result_says_its_day_and_total_as_the_page_does(client, personas, evaluation):
    """The "Jumlah" sheet's row of a determined result holds the assessment page's total and
    the page's day, as a date cell."""
    import re

    from django.utils import formats

    from layak.reports.tests.test_pdf_score_headers import determined

    determined(personas, evaluation)
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/assessments/{evaluation.bekasi.pk}/").content.decode()
    (day,) = re.findall(r'data-testid="determined-on">([^<]*)<', page)
    (total,) = re.findall(r"Penetapan akhir: <strong>([^<]*)</strong>", page)
    job = start(
        client, personas.bekasi_admin, "answers", {"cycle": evaluation.cycle.pk, "area": "32.16"}
    )
    sheet = xlsx(job).worksheets[1]
    header = [c.value for c in sheet[1]]
    rows = [r for r in sheet.iter_rows(min_row=2) if r[0].value == "32.16"]
    assert [r[2].value for r in rows][-1] == "Penetapan akhir"
    cells = dict(zip(header, rows[-1], strict=True))
    assert cells["Ditetapkan"].is_date and cells["Ditetapkan"].number_format == "d mmm yyyy"
    with translation.override("id"):
        assert formats.date_format(cells["Ditetapkan"].value, "j M Y") == day
        assert formats.number_format(cells["Jumlah"].value, 2, force_grouping=True) == total
    assert all(r[-1].value is None for r in rows[:-1])


def test_every_sheet_shows_its_titles_whole_and_keeps_them_in_view(client, personas, evaluation):
    """Each column is as wide as its title (long ones wrapped), and the title row stays in view
    while scrolling: "Verifikasi administrasi provinsi" is not cut off by the next cell."""
    answered(personas, evaluation)
    job = start(
        client, personas.bekasi_admin, "answers", {"cycle": evaluation.cycle.pk, "area": "32.16"}
    )
    for sheet in xlsx(job).worksheets:
        assert sheet.freeze_panes == "A2", sheet.title
        for cell in sheet[1]:
            width = sheet.column_dimensions[cell.column_letter].width
            assert width >= min(len(cell.value) + 2, 40), (sheet.title, cell.value, width)
            assert cell.alignment.wrap_text, (sheet.title, cell.value)
