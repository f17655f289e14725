"""National definitions: the ministry changes them; what values depend on stays fixed."""

from __future__ import annotations

import pytest

from layak.audit.models import AuditEntry
from layak.indicators import catalogue
from layak.indicators.actions import IndicatorDataError
from layak.indicators.models import Category, DataElement, Indicator
from layak.indicators.tests.helpers import definitions, put

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English."""


@pytest.fixture
def defs(personas):
    return definitions()


def element_fields(element: DataElement, **changes):
    fields = {name: getattr(element, name) for name in catalogue.ELEMENT_FIELDS}
    return {**fields, **changes}


def test_only_the_ministry_defines(personas, defs):
    for who in ("bekasi.admin", "verifier.jabar", "bekasi.dinkes"):
        with pytest.raises(IndicatorDataError):
            catalogue.category_save(
                actor=personas[who],
                category=None,
                code="disability",
                name="Disabilitas",
                order=3,
                options=[("Y", "Ya"), ("N", "Tidak")],
            )
    category = catalogue.category_save(
        actor=personas.ministry,
        category=None,
        code="disability",
        name="Disabilitas",
        order=3,
        options=[("Y", "Ya"), ("N", "Tidak")],
    )
    assert [o.code for o in category.options.all()] == ["Y", "N"]
    assert AuditEntry.objects.filter(action="indicators.category_saved").count() == 1


def test_options_in_use_cannot_be_removed(personas, defs):
    sex = Category.objects.get(code="sex")
    with pytest.raises(IndicatorDataError, match="cannot be removed"):
        catalogue.category_save(
            actor=personas.ministry,
            category=sex,
            code="sex",
            name="Jenis kelamin",
            order=1,
            options=[("F", "Perempuan")],
        )


def test_an_element_with_values_keeps_its_shape(personas, defs):
    births = defs["births"]
    catalogue.element_save(
        actor=personas.ministry,
        element=births,
        fields=element_fields(births, entry_level=3),
        categories=[],
    )
    put(personas.bekasi_admin, "births", "32.16.09", "2024", 10)
    births.refresh_from_db()
    with pytest.raises(IndicatorDataError, match="has values"):
        catalogue.element_save(
            actor=personas.ministry,
            element=births,
            fields=element_fields(births, entry_level=2),
            categories=[],
        )
    with pytest.raises(IndicatorDataError, match="has values"):
        catalogue.element_save(
            actor=personas.ministry,
            element=births,
            fields=element_fields(births),
            categories=[Category.objects.get(code="sex")],
        )
    # Its name and description may be corrected, and it may be retired.
    catalogue.element_save(
        actor=personas.ministry,
        element=births,
        fields=element_fields(births, name="Kelahiran hidup", is_active=False),
        categories=[],
    )
    births.refresh_from_db()
    assert births.name == "Kelahiran hidup" and not births.is_active


def test_indicator_checks(personas, defs):
    fields = {
        "code": "x",
        "name": "X",
        "description": "",
        "numerator": defs["births"],
        "denominator": defs["births"],
        "factor": 100,
        "unit": "%",
        "cluster": "K3",
        "higher_is_better": True,
        "question_code": "",
        "order": 9,
        "is_active": True,
    }
    with pytest.raises(IndicatorDataError, match="must differ"):
        catalogue.indicator_save(actor=personas.ministry, indicator=None, fields=fields)
    fields["denominator"] = None
    catalogue.indicator_save(actor=personas.ministry, indicator=None, fields=fields)
    assert Indicator.objects.filter(code="x").exists()


def test_definition_pages(client, personas, defs):
    client.force_login(personas.ministry)
    response = client.post(
        "/data/definitions/categories/new/",
        {"code": "disability", "name": "Disabilitas", "order": "3", "options": "Y = Ya\nN = Tidak"},
    )
    assert response.status_code == 302
    births = defs["births"]
    data = {
        **{k: v for k, v in element_fields(births).items() if v is not None},
        "name": "Kelahiran hidup (semua)",
        "is_active": "on",
    }
    response = client.post("/data/definitions/elements/births/", data)
    assert response.status_code == 302, response.content
    births.refresh_from_db()
    assert births.name == "Kelahiran hidup (semua)"
    client.force_login(personas.bekasi_admin)
    assert client.get("/data/definitions/").status_code == 200
    assert client.post("/data/definitions/elements/births/", data).status_code == 403


def test_indicator_and_rule_pages_save_through_the_catalogue(client, personas, defs):
    from layak.audit.models import AuditEntry
    from layak.indicators.models import ValidationRule

    births = defs["births"]
    client.force_login(personas.ministry)
    data = {
        "code": "births-share",
        "name": "Births share",
        "numerator": births.pk,
        "factor": "100",
        "unit": "%",
        "cluster": "K3",
        "higher_is_better": "on",
        "order": "9",
        "is_active": "on",
    }
    response = client.post("/data/definitions/indicators/new/", data)
    assert response.status_code == 302, response.content
    created = Indicator.objects.get(code="births-share")
    data["denominator"] = births.pk
    response = client.post(f"/data/definitions/indicators/{created.pk}/", data)
    assert response.status_code == 200 and "must differ" in response.content.decode()
    other = next(e for e in defs.values() if e.pk != births.pk)
    rule = {"name": "Births at most", "left": births.pk, "operator": "<=", "right": births.pk}
    response = client.post("/data/definitions/rules/new/", {**rule, "is_active": "on"})
    assert "compares two different elements" in response.content.decode()
    rule["right"] = other.pk
    response = client.post("/data/definitions/rules/new/", {**rule, "is_active": "on"})
    assert response.status_code == 302, response.content
    saved = ValidationRule.objects.get(name="Births at most")
    response = client.post(f"/data/definitions/rules/{saved.pk}/", {**rule, "name": "Renamed"})
    assert response.status_code == 302
    saved.refresh_from_db()
    assert saved.name == "Renamed" and not saved.is_active
    assert AuditEntry.objects.filter(object_id=str(saved.pk)).count() == 2
