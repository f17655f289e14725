"""Applying a checked file takes the rows its check kept, unless something they depend on
changed since: then the file is read and checked again. A file that only adds values is
written as its check planned while nothing changed; otherwise the stored values and validation
rules are asked again. Each test runs twice on PostgreSQL: with the planned values staged in the
database (``staged``) and kept as text on the upload, as on other databases."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.db import connection

from layak.audit.models import AuditEntry
from layak.indicators import actions, catalogue, importfile, staged
from layak.indicators.catalogue import ELEMENT_FIELDS
from layak.indicators.models import DataElement, DataImport, DataValue, StagedValue
from layak.indicators.tests.helpers import definitions, put, stored
from layak.indicators.tests.test_import import BAD_ROW, GOOD, HEADER, apply, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def defs(personas):
    return definitions()


@pytest.fixture(params=["staged", "text"], autouse=True)
def keeping(request, monkeypatch):
    """How the check keeps the values it plans to add: staged in the database (PostgreSQL) or
    as text on the upload."""
    if request.param == "staged" and connection.vendor != "postgresql":
        pytest.skip("values are staged on PostgreSQL only")
    if request.param == "text":
        monkeypatch.setattr(staged, "possible", lambda: False)
    return request.param


def is_planned(imp: DataImport) -> bool:
    """Whether the check planned the values the upload adds (staged or kept as text)."""
    return imp.checked.get("layout") == staged.LAYOUT or bool(imp.checked["plan"])


def kept_rows(imp: DataImport) -> int:
    if imp.checked.get("layout") == staged.LAYOUT:
        assert StagedValue.objects.filter(data_import=imp).count() == imp.checked["staged"]
        return int(imp.checked["staged"])
    return len(imp.checked["entries"])


def test_applying_a_checked_file_takes_its_checked_rows(client, personas, defs, monkeypatch):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    assert imp.status == DataImport.Status.CHECKED and kept_rows(imp) == 4

    def unread(*args, **kwargs):
        raise AssertionError("the checked file is read again")

    monkeypatch.setattr(importfile, "read", unread)
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED and imp.summary["created"] == 4
    assert stored("children", "32.16", "2024", "sex=M") == D(640100)
    value = DataValue.objects.get(element__code="births")
    assert value.organisation.acronym == "Dinkes" and value.dataset == "Profil Kesehatan 2024"
    assert value.source_date.isoformat() == "2025-03-01" and value.batch.data_import == imp
    assert imp.checked is None  # kept only until the file is applied
    assert not StagedValue.objects.exists()


def test_a_definition_changed_after_the_check_has_the_rows_checked_again(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    assert imp.status == DataImport.Status.CHECKED
    element = DataElement.objects.get(code="births_facility")
    catalogue.element_save(
        actor=personas.ministry,
        element=element,
        fields={**{name: getattr(element, name) for name in ELEMENT_FIELDS}, "is_active": False},
        categories=list(element.categories.all()),
    )
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.REFUSED
    assert [(e["row"], e["column"]) for e in imp.errors] == [(3, "element")]
    assert not DataValue.objects.exists()


def test_a_value_stored_after_the_check_is_weighed_by_the_rules(client, personas, defs):
    """Births in health facilities are at most the live births: a count of births stored
    between the check and the apply refuses the file's larger count."""
    client.force_login(personas.bekasi_admin)
    imp = upload(client, HEADER + "births_facility,32.16,2023,,59800,Dinkes,,,\n")
    assert imp.status == DataImport.Status.CHECKED and not imp.errors
    put(personas.bekasi_admin, "births", "32.16", "2023", 50000)
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.REFUSED
    assert [(e["row"], e["column"]) for e in imp.errors] == [(2, "value")]
    assert stored("births_facility", "32.16", "2023") is None
    assert stored("births", "32.16", "2023") == D(50000)


def _unchecked(monkeypatch):
    """Applying must not read the file, rebuild the checked rows or weigh them again."""

    def refuse(*args, **kwargs):
        raise AssertionError("the checked rows are read or checked again")

    monkeypatch.setattr(importfile, "read", refuse)
    monkeypatch.setattr(importfile, "_kept", refuse)
    monkeypatch.setattr(actions, "_settle", refuse)


def test_a_checked_file_that_only_adds_values_is_written_as_its_check_planned(
    client, personas, defs, monkeypatch, keeping
):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    assert imp.status == DataImport.Status.CHECKED and is_planned(imp)
    assert (imp.checked.get("layout") == staged.LAYOUT) is (keeping == "staged")
    assert StagedValue.objects.count() == (4 if keeping == "staged" else 0)
    _unchecked(monkeypatch)
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED and imp.summary["created"] == 4
    assert stored("children", "32.16", "2024", "sex=F") == D(612000)
    for value in DataValue.objects.select_related("batch", "organisation"):
        assert value.batch.data_import == imp and value.batch.actor == personas.bekasi_admin
        assert value.created_by == personas.bekasi_admin and value.batch.created == 4
    births = DataValue.objects.get(element__code="births")
    assert births.organisation.acronym == "Dinkes" and births.dataset == "Profil Kesehatan 2024"
    assert births.period_start.isoformat() == "2024-01-01"
    assert births.source_date.isoformat() == "2025-03-01"
    assert AuditEntry.objects.filter(action="indicators.values_entered").count() == 1


def test_row_by_row_the_planned_apply_keeps_the_checks_problems(
    client, personas, defs, monkeypatch
):
    """A bad period and a count of facility births above the births of the same year: both
    reported by the check, both reported again by the apply, which stores the other rows."""
    broken = "births_facility,32.16,2023,,70000,Dinkes,,,\nbirths,32.16,2023,,60000,Dinkes,,,\n"
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD + BAD_ROW + broken, mode="rows")
    assert imp.status == DataImport.Status.CHECKED and is_planned(imp)
    problems = [(e["row"], e["column"], e["message"]) for e in imp.errors]
    assert [p[:2] for p in problems] == [(6, "period"), (7, "value"), (8, "value")]
    assert "Persalinan di fasilitas kesehatan bernilai 70.000" in problems[1][2]
    _unchecked(monkeypatch)
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED
    assert [(e["row"], e["column"], e["message"]) for e in imp.errors] == problems
    assert (imp.summary["created"], imp.summary["errors"]) == (4, 3)
    assert stored("births_facility", "32.16", "2023") is None
    assert stored("births", "32.16", "2023") is None
    assert stored("births", "32.16", "2024") == D(61250)


def test_a_file_that_changes_stored_values_is_weighed_again_on_apply(client, personas, defs):
    """Only a file that adds values is planned: one that changes a stored value has its rows
    compared with the stored ones again when applied."""
    put(personas.bekasi_admin, "births", "32.16", "2024", 60000)
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    assert imp.status == DataImport.Status.CHECKED and not is_planned(imp)
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED
    assert (imp.summary["created"], imp.summary["updated"]) == (3, 1)
    assert stored("births", "32.16", "2024") == D(61250)


@pytest.mark.parametrize("planned", [True, False])
def test_kept_rows_keep_tabs_line_ends_and_backslashes(
    client, personas, defs, monkeypatch, planned
):
    """The checked rows are kept as lines of text: a dataset or comment holding a tab, a line
    end or a backslash is stored as written, whether the apply writes the check's plan or
    weighs the kept rows again (a stored value to change)."""
    if not planned:
        put(personas.bekasi_admin, "births", "32.16", "2024", 60000)
    comment = 'Sumber: C:\\data\\tn\\2024\tlembar 2\r\nbaris "dua" \\N'
    quoted = '"' + comment.replace('"', '""') + '"'
    text = (
        HEADER
        + f'births,32.16,2024,,61250,Dinkes,"Profil\\tKesehatan\\\\",,{quoted}\n'
        + "children,32.16,2024,sex=F,612000,Disdukcapil,\\N,,\n"
    )
    client.force_login(personas.bekasi_admin)
    imp = upload(client, text)
    assert imp.status == DataImport.Status.CHECKED and not imp.errors
    assert is_planned(imp) is planned
    if planned:
        _unchecked(monkeypatch)
    else:
        monkeypatch.setattr(importfile, "read", lambda *a, **k: pytest.fail("read again"))
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED
    births = DataValue.objects.get(element__code="births", period="2024")
    assert births.value == D(61250) and births.organisation.acronym == "Dinkes"
    assert births.dataset == "Profil\\tKesehatan\\\\" and births.comment == comment.strip()
    assert births.source_date is None
    children = DataValue.objects.get(element__code="children", disaggregation="sex=F")
    assert children.dataset == "\\N" and children.comment == ""


def test_staged_values_lost_after_the_check_have_the_file_checked_again(
    client, personas, defs, keeping
):
    """Staged values are not written to PostgreSQL's log: after a crash they are gone, and
    applying the upload reads and checks its file again instead of adding nothing."""
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    assert imp.status == DataImport.Status.CHECKED
    StagedValue.objects.all().delete()  # what a crash leaves of an unlogged table
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED and imp.summary["created"] == 4
    assert stored("children", "32.16", "2024", "sex=M") == D(640100)
    assert DataValue.objects.count() == 4


def test_staged_values_are_kept_by_their_place_in_the_file_and_added_in_its_order(
    client, personas, defs, keeping
):
    """A staged value is its upload and its place among the upload's values (no sequence), in
    a table PostgreSQL does not log; applied, the values are added in the file's order."""
    if keeping != "staged":
        pytest.skip("values are staged on PostgreSQL only")
    client.force_login(personas.bekasi_admin)
    rows = GOOD.splitlines(keepends=True)[1:]
    imp = upload(client, HEADER + "".join(reversed(rows)))
    lines = StagedValue.objects.filter(data_import=imp).order_by("line")
    placed = [(v.line, v.element_id, v.disaggregation) for v in lines]
    assert [line for line, *_ in placed] == [0, 1, 2, 3]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relpersistence FROM pg_class WHERE relname = %s", [StagedValue._meta.db_table]
        )
        assert cursor.fetchone() == ("u",)
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED and imp.summary["created"] == 4
    added = DataValue.objects.order_by("id").values_list("element__code", "disaggregation")
    assert list(added) == [
        ("children", "sex=M"),
        ("children", "sex=F"),
        ("births_facility", ""),
        ("births", ""),
    ]
    assert [(e, d) for _, e, d in placed] == [
        (v.element_id, v.disaggregation) for v in DataValue.objects.order_by("id")
    ]


def test_staged_values_of_an_upload_applied_otherwise_are_dropped(client, personas, defs, keeping):
    """A value stored between the check and the apply: the upload is weighed again from its
    file and its staged values are dropped, not left behind."""
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    put(personas.bekasi_admin, "births", "32.16", "2023", 50000)
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED and imp.summary["created"] == 4
    assert not StagedValue.objects.exists()


def test_an_upload_checked_again_keeps_one_check(client, personas, defs, keeping):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    importfile.run(imp, actor=personas.bekasi_admin, apply=False)
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.CHECKED and kept_rows(imp) == 4
    imp = apply(client, imp)
    assert imp.status == DataImport.Status.APPLIED and imp.summary["created"] == 4
    assert DataValue.objects.count() == 4 and not StagedValue.objects.exists()


def test_an_upload_refused_when_checked_again_keeps_nothing_staged(client, personas, defs, keeping):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    DataElement.objects.filter(code="births").update(is_active=False)
    importfile.run(imp, actor=personas.bekasi_admin, apply=False)
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.REFUSED and imp.checked is None
    assert not StagedValue.objects.exists()
