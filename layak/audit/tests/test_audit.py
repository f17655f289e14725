from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from layak.audit.log import record
from layak.audit.models import AppendOnlyError, AuditEntry
from layak.organisations import actions
from layak.organisations.models import Organisation

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(personas):
    org = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    actions.organisation_update(actor=personas.bekasi_admin, organisation=org, phone="1")
    return AuditEntry.objects.for_object(org).get()


def test_entries_cannot_be_changed_or_deleted_through_the_orm(entry):
    entry.action = "forged"
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).update(action="forged")
    with pytest.raises(AppendOnlyError):
        AuditEntry.objects.filter(pk=entry.pk).delete()


def test_database_refuses_update_and_delete(entry):
    table = AuditEntry._meta.db_table
    for sql in (f"UPDATE {table} SET action = 'forged'", f"DELETE FROM {table}"):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(sql)
    assert AuditEntry.objects.get(pk=entry.pk).action == "organisation.changed"


def test_record_refuses_to_write_outside_a_transaction(personas, monkeypatch):
    class Outside:
        in_atomic_block = False

    monkeypatch.setattr("layak.audit.log.transaction.get_connection", lambda: Outside())
    with pytest.raises(RuntimeError):
        record(actor=None, action="x.y", obj=personas.ministry, region=None)


def test_failed_action_leaves_no_entry(personas):
    before = AuditEntry.objects.count()
    with pytest.raises(actions.OrganisationError):
        actions.organisation_create(
            actor=personas.bekasi_regent, region=None, name="Z", kind="ministry"
        )
    assert AuditEntry.objects.count() == before


def test_audit_list_is_scoped_and_filterable(client, personas, entry):
    gm_org = Organisation.objects.get(name="Dinas Sosial Kabupaten Gunung Mas")
    actions.organisation_update(actor=personas.gm_admin, organisation=gm_org, phone="2")

    client.force_login(personas.bekasi_admin)
    body = client.get("/audit/").content.decode()
    assert "Dinas Sosial Kabupaten Bekasi" in body
    assert "Dinas Sosial Kabupaten Gunung Mas" not in body

    client.force_login(personas.ministry)
    body = client.get("/audit/").content.decode()
    assert "Dinas Sosial Kabupaten Gunung Mas" in body
    gm = gm_org.region
    body = client.get("/audit/", {"district": gm.pk}).content.decode()
    assert "Dinas Sosial Kabupaten Gunung Mas" in body
    assert "Dinas Sosial Kabupaten Bekasi" not in body


def test_request_id_is_written_on_entries(client, personas):
    client.force_login(personas.bekasi_admin)
    org = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    response = client.post(
        f"/organisations/{org.pk}/active/", {"active": "0"}, HTTP_X_REQUEST_ID="req-12345678"
    )
    assert response["X-Request-ID"] == "req-12345678"
    assert AuditEntry.objects.for_object(org).get().request_id == "req-12345678"


def test_migrations_leave_the_append_only_triggers_in_place(tmp_path):
    """SQLite alters a table by copying it; the audit migrations must install the triggers again."""
    import os
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    database = tmp_path / "fresh.sqlite3"
    root = Path(__file__).resolve().parents[3]
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}", "LAYAK_DEMO": "1"}
    env["LAYAK_VAR_DIR"] = str(tmp_path)
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=root, env=env, check=True)
    names = {
        row[0]
        for row in sqlite3.connect(database).execute(
            "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        )
    }
    assert {"audit_auditentry_no_update", "audit_auditentry_no_delete"} <= names
