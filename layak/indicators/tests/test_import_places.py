"""An import works out once what each element, region and office its rows name together come
to (``actions._Places``): a region right for an element is right for the other elements
entered at its level, never for those entered at another."""

from __future__ import annotations

import pytest

from layak.indicators import actions
from layak.indicators.tests.helpers import definitions
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English."""


def test_a_region_is_checked_for_each_elements_level(personas):
    definitions()
    village = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="32.16.").first()
    assert village is not None
    rows = [
        ("births", "32.16", ""),
        ("under5_measured", "32.16", "sex=F"),
        ("births", village.code, ""),
        ("under5_measured", village.code, "sex=F"),
        ("under5_stunted", "32.16", "sex=M"),
        ("under5_stunted", village.code, "sex=M"),
    ]
    result = actions.import_rows(
        actor=personas.bekasi_admin,
        rows=[
            {"element": e, "region": r, "period": "2024", "disaggregation": d, "value": "3"}
            for e, r, d in rows
        ],
        mode=actions.Mode.ROW_BY_ROW,
        dry_run=True,
        first_row=1,
    )
    assert [(p.row, p.column) for p in result.errors] == [
        (2, "region"),
        (3, "region"),
        (5, "region"),
    ]
    assert "is entered per village" in result.errors[0].message
    assert "is entered per district" in result.errors[1].message
    assert result.created == 3


def test_a_village_row_names_an_office_of_its_district(personas):
    definitions()
    village = Region.objects.filter(level=Region.Level.VILLAGE, code__startswith="32.16.").first()
    assert village is not None
    result = actions.import_rows(
        actor=personas.bekasi_admin,
        rows=[
            {
                "element": "under5_measured",
                "region": village.code,
                "period": "2024",
                "disaggregation": sex,
                "value": "3",
                "organisation": office,
            }
            for sex, office in (("sex=F", "Dinkes"), ("sex=M", "Dinas Tidak Ada"))
        ],
        mode=actions.Mode.ROW_BY_ROW,
        dry_run=True,
        first_row=1,
    )
    assert [(p.row, p.column, p.message) for p in result.errors] == [
        (2, "organisation", "No organisation of the district is named “Dinas Tidak Ada”.")
    ]
    assert result.created == 1 and result.sample[0][0].organisation.acronym == "Dinkes"
