"""Applying a checked file takes the rows its check kept, unless something they depend on
changed since: then the file is read and checked again, and the stored values and validation
rules are always asked again."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from layak.indicators import catalogue, importfile
from layak.indicators.catalogue import ELEMENT_FIELDS
from layak.indicators.models import DataElement, DataImport, DataValue
from layak.indicators.tests.helpers import definitions, put, stored
from layak.indicators.tests.test_import import GOOD, HEADER, apply, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def defs(personas):
    return definitions()


def test_applying_a_checked_file_takes_its_checked_rows(client, personas, defs, monkeypatch):
    client.force_login(personas.bekasi_admin)
    imp = upload(client, GOOD)
    assert imp.status == DataImport.Status.CHECKED and len(imp.checked["entries"]) == 4

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
