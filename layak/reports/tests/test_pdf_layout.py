"""Every official PDF fits its page: rendered with wide, long data, nothing leaves the page's
content area, no table row is split across two pages, table headers repeat on every page a
table spans, and a table's total is printed once.

The checks read WeasyPrint's own layout (the boxes of each page), not the PDF's text."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from django.utils import translation

from layak.core.pdf import render_document
from layak.evaluation.models import Stage
from layak.regions.models import Region
from layak.reports import documents

pytestmark = pytest.mark.django_db

# A word no line break may split by itself: a reference, an account number, a file name.
LONG_WORD = "HK.02.02/Kep.15-DP3A/2024/LAMPIRAN-PERUBAHAN-KEDUA-ATAS-KEPUTUSAN-BUPATI-BEKASI"
LONG_TEXT = (
    "Koordinasi lintas perangkat daerah untuk percepatan penerbitan akta kelahiran anak "
    "di seluruh desa dan kelurahan, termasuk layanan jemput bola di sekolah dan posyandu "
)
EPSILON = 0.5  # CSS px


@dataclass
class Layout:
    pages: int
    overflowing: list[str] = field(default_factory=list)
    split_rows: list[str] = field(default_factory=list)
    # Per table (its first header cell's text): the pages it is on and those with its header.
    table_pages: dict[int, set[int]] = field(default_factory=dict)
    header_pages: dict[int, set[int]] = field(default_factory=dict)
    footer_rows: dict[int, int] = field(default_factory=dict)
    orientation: list[str] = field(default_factory=list)


def _walk(box: Any, parents: tuple[Any, ...] = ()):
    yield box, parents
    for child in getattr(box, "children", None) or []:
        yield from _walk(child, (*parents, box))


def layout(template: str, context: dict[str, Any]) -> Layout:
    """Render ``template`` in Indonesian and read where every box landed."""
    with translation.override("id"):
        document = render_document(template, context, None)
    out = Layout(pages=len(document.pages))
    row_pages: dict[int, set[int]] = {}
    for number, page in enumerate(document.pages):
        root = page._page_box
        left = root.content_box_x()
        right = left + root.width
        bottom = root.content_box_y() + root.height
        out.orientation.append("landscape" if page.width > page.height else "portrait")
        for box, parents in _walk(root):
            if box is root or not hasattr(box, "position_x") or box.width is None:
                continue
            if any(type(p).__name__ == "MarginBox" for p in (*parents, box)):
                continue  # the page number in the margin
            x, w = box.border_box_x(), box.border_width()
            y, h = box.border_box_y(), box.border_height()
            text = getattr(box, "text", "") or ""
            outside = x < left - EPSILON or x + w > right + EPSILON or y + h > bottom + EPSILON
            drawn = text.strip() or type(box).__name__ in ("TableBox", "TableCellBox")
            if outside and drawn:
                out.overflowing.append(f"page {number + 1}: {type(box).__name__} {text[:40]!r}")
            element = getattr(box, "element", None)
            if element is None:
                continue
            if type(box).__name__ == "TableRowBox":
                group = parents[-1].element
                key = id(parents[-2].element)
                out.table_pages.setdefault(key, set()).add(number)
                if group.tag == "thead":
                    out.header_pages.setdefault(key, set()).add(number)
                elif group.tag == "tfoot":
                    out.footer_rows[key] = out.footer_rows.get(key, 0) + 1
                else:
                    row_pages.setdefault(id(element), set()).add(number)
                    if len(row_pages[id(element)]) > 1:
                        row = "".join(element.itertext())[:60]
                        out.split_rows.append(f"page {number + 1}: {row!r}")
    return out


def assert_fits(found: Layout, *, pages_at_least: int = 2) -> None:
    assert found.pages >= pages_at_least, "the data should make the document long"
    assert found.overflowing == [], found.overflowing[:10]
    assert found.split_rows == [], found.split_rows[:10]
    for table, pages in found.table_pages.items():
        if table in found.header_pages:
            assert found.header_pages[table] == pages, "the header repeats on every page"
    assert all(n == 1 for n in found.footer_rows.values()), "a total is printed once"


# ---- the checks catch what they claim ----------------------------------------------------


def test_the_checks_see_a_table_past_the_margin_and_a_split_row(settings, tmp_path):
    """The same checks on a document laid out the old way (a wide table in portrait, rows that
    may split, a footer repeated on every page) find each fault."""
    (tmp_path / "bad.html").write_text(
        "<html><head><style>@page { size: A4; margin: 2cm }"
        "table { border-collapse: collapse } td { border: 1px solid; white-space: nowrap }"
        "tfoot { display: table-footer-group }</style></head><body><table>"
        "<thead><tr><th>Nama</th></tr></thead><tbody>"
        + "".join(
            f"<tr><td>{LONG_WORD}{LONG_WORD}</td></tr><tr><td>{'baris<br>' * 60}</td></tr>"
            for _ in range(3)
        )
        + "</tbody><tfoot><tr><td>Jumlah</td></tr></tfoot></table></body></html>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], str(tmp_path)]}
    ]
    found = layout("bad.html", {})
    assert found.overflowing
    assert found.split_rows
    assert any(n > 1 for n in found.footer_rows.values())


# ---- the official documents --------------------------------------------------------------


def test_minutes_with_many_people_and_long_names_fit_the_page(personas):
    from layak.organisations.models import Organisation
    from layak.taskforce import actions
    from layak.taskforce.tests.factories import decree, meeting
    from layak.taskforce.views.meetings import minutes_context

    decree(personas)
    m = meeting(personas)
    admin = personas.bekasi_admin
    for i in range(45):
        actions.attendee_add(
            actor=admin,
            meeting=m,
            name=f"Raden Ajeng Siti Nurhaliza Kusumawardhani Putri Pertiwi {i}",
            sex="F" if i % 2 else "M",
            present=True,
            position=f"Kepala Bidang Pemenuhan Hak Anak dan Perlindungan Khusus Anak {i}",
            organisation_name=LONG_WORD,
        )
    owner = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    for i in range(12):
        actions.follow_up_add(
            actor=admin,
            meeting=m,
            description=f"{LONG_TEXT}{LONG_WORD} ({i})",
            owner=owner,
            due_date=datetime.date(2025, 4, 30),
        )
    found = layout("taskforce/pdf/minutes.html", minutes_context(m))
    assert_fits(found, pages_at_least=3)
    assert set(found.orientation) == {"portrait"}
    assert found.footer_rows, "the attendance total is printed"


def test_rad_progress_with_many_items_and_large_amounts_fits_a_landscape_page(personas):
    from layak.plans import actions
    from layak.plans.tests.helpers import make_plan, years

    world = make_plan(personas)
    for i in range(30):
        actions.item_save(
            actor=personas.bekasi_admin,
            plan=world.plan,
            item=None,
            level="sub_activity",
            parent=world.activity,
            indicator=None,
            ref=f"P1.A1.S{i + 10}",
            name=f"{LONG_TEXT}{LONG_WORD}",
            budget_code="",
            responsible=world.capil,
            partners=[],
            performance_indicator=LONG_TEXT,
            unit="akta",
            baseline=None,
            years=years(world.plan, "123456789", "987654321987"),
        )
    context = documents.rad_progress(world.plan, 2025)
    found = layout("reports/pdf/rad_progress.html", context)
    assert_fits(found)
    assert set(found.orientation) == {"landscape"}


def test_verification_with_every_stage_and_long_reasons_fits_a_landscape_page(personas, evaluation):
    from layak.evaluation import verification
    from layak.evaluation.tests.test_verification import move_to, submit_all

    submit_all(personas, evaluation)
    move_to(evaluation, Stage.Kind.PROVINCE)
    verification.verify_item(
        actor=personas.jabar,
        answer=evaluation.answers["T-1.1"],
        stage=Stage.Kind.PROVINCE,
        points=Decimal(15),
        # Long, but shorter than a page: a row taller than a page has to split.
        reason=(LONG_TEXT + LONG_WORD + " ") * 3,
    )
    context = documents.verification(Region.objects.get(code="32"), evaluation.cycle)
    # Every stage's column is printed, as many regencies and cities as a large province has.
    context["rows"] = context["rows"] * 30
    context["adjustments"] = context["adjustments"] * 6
    found = layout("reports/pdf/verification.html", context)
    assert_fits(found)
    assert set(found.orientation) == {"landscape"}


def test_self_assessment_with_long_names_and_many_documents_fits_the_page(personas, evaluation):
    from layak.evaluation.tests.test_verification import submit_all
    from layak.evaluation.tests.test_workflow import PDF, attach_pdf

    for i in range(40):
        attach_pdf(
            personas.bekasi_dinkes,
            evaluation.answers["T-1.2"],
            name=f"{LONG_WORD.replace('/', '-')}-{i}.pdf",
            content=PDF + f"% {i}\n".encode(),
        )
    submit_all(personas, evaluation)
    context = documents.self_assessment(evaluation.bekasi)
    found = layout("reports/pdf/self_assessment.html", context)
    assert_fits(found)
