"""The value table keeps only the indexes something reads by: each one is written for each
imported value. No index on the source office alone (nothing looks values up by office)."""

from __future__ import annotations

import pytest
from django.db import connection

from layak.indicators.models import DataValue

pytestmark = pytest.mark.django_db


def test_nilai_tanpa_indeks_opd_saja():
    table = DataValue._meta.db_table
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(cursor, table)
    indexed = sorted(
        tuple(c["columns"]) for c in found.values() if c["index"] or c["unique"] or c["primary_key"]
    )
    assert ("organisation_id",) not in indexed
    assert ("region_id",) in indexed
    assert ("element_id", "period") in indexed
    assert ("element_id", "region_id", "period", "disaggregation") in indexed
