"""Every value traceable to its write and its author: a value points at its batch (who, when,
which file), the batch has one audit entry, every change has its own with before and after, and
the value's page tells its history in words, in Indonesian by default."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction

from layak.audit.models import AuditEntry
from layak.indicators.models import DataImport, DataValue, ValueBatch
from layak.indicators.tests.helpers import definitions, office, put
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

FILE = (
    "element,region,period,disaggregation,value,organisation,dataset,source_date,comment\n"
    "births,32.16,2024,,61250,Dinkes,Profil Kesehatan 2024,2025-03-01,\n"
    "births_facility,32.16,2024,,59800,Dinkes,Profil Kesehatan 2024,2025-03-01,\n"
)


@pytest.fixture
def defs(personas):
    return definitions()


def import_file(client, text: str = FILE, name: str = "bps.csv") -> DataImport:
    """Upload, check and apply the file through the pages, as a person does."""
    bekasi = Region.objects.get(code="32.16")
    response = client.post(
        "/data/imports/",
        {
            "district": bekasi.pk,
            "mode": "all",
            "file": SimpleUploadedFile(name, text.encode()),
        },
    )
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200  # the check job runs
    imp = DataImport.objects.order_by("-pk")[0]
    response = client.post(f"/data/imports/{imp.pk}/apply/")
    assert response.status_code == 302
    assert client.get(response.url).status_code == 200  # the apply job runs
    imp.refresh_from_db()
    assert imp.status == DataImport.Status.APPLIED
    return imp


def test_an_imported_value_leads_to_its_file_and_author(client, personas, defs):
    admin = personas.bekasi_admin
    client.force_login(admin)
    imp = import_file(client)
    values = list(DataValue.objects.select_related("batch__data_import", "batch__actor"))
    assert len(values) == 2
    for value in values:
        assert value.batch is not None
        assert value.batch.data_import == imp and value.batch.actor == admin
        assert value.created_by == admin and value.batch.created == 2
    (batch,) = ValueBatch.objects.all()
    (entry,) = AuditEntry.objects.for_object(batch)
    assert entry.action == "indicators.values_entered" and entry.actor == admin
    assert entry.object_repr == "bps.csv" and entry.region.code == "32.16"
    # No audit entry per new value: the batch's one stands for them.
    assert not AuditEntry.objects.filter(action="indicators.value_entered").exists()


def test_the_value_page_tells_its_history_in_words(client, personas, defs):
    admin = personas.bekasi_admin
    client.force_login(admin)
    import_file(client)
    births = DataValue.objects.get(element__code="births")
    page = client.get(f"/data/values/{births.pk}/").content.decode()
    assert "bps.csv" in page and f"/data/imports/{births.batch.data_import.pk}/" in page
    assert "Nilai dimasukkan" in page and "61.250" in page  # entered, in Indonesian numbers
    assert "Dinas Kesehatan Kabupaten Bekasi" in page  # the office by name, never an id

    operator = personas.bekasi_dinkes
    put(operator, "births", "32.16", "2024", 62000, organisation=office())
    (change,) = AuditEntry.objects.for_object(births)
    assert change.action == "indicators.value_changed" and change.actor == operator
    assert change.before["value"] == "61250.00" and change.after["value"] == "62000.00"
    page = client.get(f"/data/values/{births.pk}/").content.decode()
    # The change with its before and after, and the entering still with what it was then.
    assert "Nilai diubah" in page and "<del>61.250</del> → 62.000" in page
    assert page.index("Nilai diubah") < page.index("Nilai dimasukkan")
    assert page.count("61.250") == 2
    assert str(operator) in page and str(admin) in page


def test_a_value_changed_by_a_second_file_names_that_file_in_its_history(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    first = import_file(client)
    second = import_file(client, FILE.replace("61250", "61.900"), name="bps-revisi.csv")
    births = DataValue.objects.get(element__code="births")
    assert births.value == D(61900) and births.batch.data_import == first
    (change,) = AuditEntry.objects.for_object(births)
    assert change.after["file"] == second.pk
    page = client.get(f"/data/values/{births.pk}/").content.decode()
    assert "<del>61.250</del> → 61.900" in page
    # The change names the second file, the entering the first.
    changed = page[page.index("Nilai diubah") : page.index("Nilai dimasukkan")]
    assert "Dari berkas</strong>: bps-revisi.csv" in changed and "bps.csv" not in changed
    entered = page[page.index("Nilai dimasukkan") :]
    assert "Dari berkas</strong>: bps.csv" in entered  # the entering names its own file
    assert f"/data/imports/{first.pk}/" in page  # the value was entered from the first


def test_the_element_page_links_each_value_to_its_history(client, personas, defs):
    client.force_login(personas.bekasi_admin)
    put(personas.bekasi_admin, "births", "32.16", "2024", 1000)
    value = DataValue.objects.get()
    page = client.get("/data/elements/births/", {"region": "32.16", "year": "2024"})
    assert f"/data/values/{value.pk}/" in page.content.decode()
    history = client.get(f"/data/values/{value.pk}/").content.decode()
    assert "di tabel isian atau melalui API" in history and "1.000" in history


@pytest.mark.parametrize("who", ["gunungmas.admin", "verifier.kalteng"])
def test_a_value_outside_ones_reach_is_not_found(client, personas, defs, who):
    put(personas.bekasi_admin, "births", "32.16", "2024", 1000)
    client.force_login(personas[who])
    assert client.get(f"/data/values/{DataValue.objects.get().pk}/").status_code == 404


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="references are checked by PostgreSQL's triggers"
)
def test_the_database_refuses_a_value_without_its_references(personas, defs):
    """The references are checked by the database once per statement, as a foreign key would:
    a value naming no element, or a batch that does not exist, is refused; so is deleting a
    batch a value points at."""
    put(personas.bekasi_admin, "births", "32.16", "2024", 1000)
    value = DataValue.objects.get()
    table = DataValue._meta.db_table
    for column, missing in (("element_id", 999_999), ("batch_id", 999_999)):
        with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"UPDATE {table} SET {column} = %s WHERE id = %s", [missing, value.pk])
    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {ValueBatch._meta.db_table} WHERE id = %s", [value.batch_id])
    value.refresh_from_db()
    assert value.value == D(1000) and value.batch is not None


def test_the_value_page_costs_the_same_queries_however_long_its_history(client, personas, defs):
    from django.test.utils import CaptureQueriesContext

    admin = personas.bekasi_admin
    client.force_login(admin)
    put(admin, "births", "32.16", "2024", 1000)
    value = DataValue.objects.get()

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(f"/data/values/{value.pk}/").status_code == 200
        return len(ctx.captured_queries)

    put(personas.bekasi_dinkes, "births", "32.16", "2024", 1100, organisation=office())
    queries()  # the first request fills the process's caches
    short = queries()
    for amount in (1200, 1300, 1400):
        put(admin, "births", "32.16", "2024", amount, organisation=office())
    assert queries() == short


def test_the_audit_log_tells_an_applied_file_in_words(client, personas, defs):
    """The import's entry on the audit page says it was applied as "ya", never "True"."""
    client.force_login(personas.bekasi_admin)
    imp = import_file(client)
    entry = AuditEntry.objects.get(action="indicators.import_applied", object_id=str(imp.pk))
    assert entry.after["applied"] is True
    page = client.get("/audit/").content.decode()
    assert "Berkas data diimpor" in page
    assert "True" not in page and "diterapkan" in page
