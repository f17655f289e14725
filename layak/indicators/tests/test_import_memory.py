"""A run of an upload keeps what it checked on the upload (or staged in the database): what it
returns holds the counts, the problems and the sample, not the checked rows, so those are
freed as the run ends rather than left for the garbage collector to walk again and again."""

from __future__ import annotations

import gc

import pytest
from django.core.files.base import ContentFile
from django.db import connection

from layak.indicators import actions, importfile, staged
from layak.indicators.models import DataImport
from layak.indicators.tests.helpers import definitions
from layak.indicators.tests.test_import import HEADER
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

# More rows than a check's sample shows (``actions.SAMPLE``).
MANY = HEADER + "".join(
    f"births,32.16,{year},,{1000 + year},Dinkes,Profil Kesehatan,," + "\n"
    for year in range(1990, 2025)
)


@pytest.fixture(params=["staged", "text"])
def keeping(request, monkeypatch):
    if request.param == "staged" and connection.vendor != "postgresql":
        pytest.skip("values are staged on PostgreSQL only")
    if request.param == "text":
        monkeypatch.setattr(staged, "possible", lambda: False)
    return request.param


def entries() -> int:
    return sum(type(o) is actions.Entry for o in gc.get_objects())


def test_a_run_returns_without_its_checked_rows(personas, keeping):
    definitions()
    actor = personas.bekasi_admin
    imp = importfile.upload(
        actor=actor,
        region=Region.objects.get(code="32.16"),
        data=ContentFile(MANY.encode()),
        name="births.csv",
        mode=DataImport.Mode.ALL_OR_NOTHING,
    )
    before = entries()
    checked = importfile.run(imp, actor=actor, apply=False)
    assert not checked.errors and checked.rows == 35 and len(checked.sample) == actions.SAMPLE
    assert checked.checked is None and checked.plan is None
    assert entries() - before <= actions.SAMPLE
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.CHECKED and imp.checked is not None
    imp = importfile.confirm(actor=actor, imp=imp)
    applied = importfile.run(imp, actor=actor, apply=True)
    assert applied.applied and applied.created == 35 and applied.checked is None
    assert entries() - before <= actions.SAMPLE
