"""The definitions a check reads (elements, their categories and options, validation rules) are
kept between the checks of one process (``lookups.definitions``), yet every check sees them as
they are now: changed through the catalogue (audited) or straight in the database (as seeding
does), the next check in the same process goes by the change."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.indicators import catalogue, importfile, lookups
from layak.indicators.models import (
    Category,
    CategoryOption,
    DataElement,
    DataImport,
    ValidationRule,
)
from layak.indicators.tests.helpers import definitions
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

HEADER = "element,region,period,disaggregation,value,organisation,dataset,source_date,comment\n"
BIRTHS = HEADER + "births,32.16,2024,,61250,Dinkes,Profil Kesehatan 2024,,\n"


@pytest.fixture(autouse=True)
def _english(english, personas):
    from layak.accounts.models import User

    User.objects.update(language="en")


@pytest.fixture
def defs(personas):
    return definitions()


def check(personas, text: str) -> DataImport:
    """Upload ``text`` for Bekasi as its secretariat and check it, in this process."""
    actor = personas.bekasi_admin
    actor.refresh_from_db()
    imp = importfile.upload(
        actor=actor,
        region=Region.objects.get(code="32.16"),
        data=ContentFile(text.encode()),
        name="data.csv",
        mode=DataImport.Mode.ALL_OR_NOTHING,
    )
    importfile.run(imp, actor=actor, apply=False)
    imp.refresh_from_db()
    return imp


def messages(imp: DataImport) -> list[str]:
    return [e["message"] for e in imp.errors]


@pytest.mark.parametrize("how", ["catalogue", "database"])
def test_an_element_made_inactive_is_refused_by_the_next_check(personas, defs, how):
    assert check(personas, BIRTHS).status == DataImport.Status.CHECKED
    births = DataElement.objects.get(code="births")
    if how == "catalogue":
        fields = {name: getattr(births, name) for name in catalogue.ELEMENT_FIELDS}
        catalogue.element_save(
            actor=personas.ministry,
            element=births,
            fields=fields | {"is_active": False},
            categories=list(births.categories.all()),
        )
    else:
        DataElement.objects.filter(pk=births.pk).update(is_active=False)
    imp = check(personas, BIRTHS)
    assert imp.status == DataImport.Status.REFUSED
    assert messages(imp) == ["No active data element has this code."]


@pytest.mark.parametrize("how", ["catalogue", "database"])
def test_a_new_category_option_is_taken_by_the_next_check(personas, defs, how):
    row = "children,32.16,2024,sex=X,12,Disdukcapil,,,\n"
    first = check(personas, HEADER + row)
    assert first.status == DataImport.Status.REFUSED
    assert "is not an option" in messages(first)[0]
    sex = Category.objects.get(code="sex")
    if how == "catalogue":
        options = [(o.code, o.name) for o in sex.options.order_by("order")]
        catalogue.category_save(
            actor=personas.ministry,
            category=sex,
            code=sex.code,
            name=sex.name,
            order=sex.order,
            options=[*options, ("X", "Lainnya")],
        )
    else:
        CategoryOption.objects.create(category=sex, code="X", name="Lainnya", order=9)
    again = check(personas, HEADER + row)
    assert again.status == DataImport.Status.CHECKED, messages(again)
    assert again.summary["created"] == 1


def test_a_rule_made_inactive_no_longer_refuses_the_next_check(personas, defs):
    # More births in a facility than births: the rule between them refuses the file.
    text = (
        HEADER
        + "births,32.16,2024,,100,Dinkes,,,\n"
        + "births_facility,32.16,2024,,150,Dinkes,,,\n"
    )
    first = check(personas, text)
    assert first.status == DataImport.Status.REFUSED
    assert "Breaks the rule" in messages(first)[0]
    ValidationRule.objects.filter(left__code="births_facility").update(is_active=False)
    again = check(personas, text)
    assert again.status == DataImport.Status.CHECKED, messages(again)


def test_the_definitions_are_read_once_while_unchanged(personas, defs):
    first = lookups.definitions()
    with CaptureQueriesContext(connection) as queries:
        second = lookups.definitions()
    if connection.vendor != "postgresql":
        assert second is not first  # read each time
        return
    assert second is first
    assert len(queries) == 1  # the version only
    DataElement.objects.filter(code="births").update(name="Kelahiran hidup")
    third = lookups.definitions()
    assert third is not first and third.elements["births"].name == "Kelahiran hidup"
    assert first.elements["births"].name != "Kelahiran hidup"
    # A second change of the same row in the same transaction is seen too.
    DataElement.objects.filter(code="births").update(name="Kelahiran hidup (jiwa)")
    assert lookups.definitions().elements["births"].name == "Kelahiran hidup (jiwa)"
