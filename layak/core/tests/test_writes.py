"""Writes made with their SQL kept (``layak.core.writes``) store what ``save()`` and
``update()`` store, in one statement each, on SQLite and PostgreSQL alike."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layak.audit.models import AuditEntry
from layak.core import writes
from layak.evaluation.models import AnswerRevision, Score, Stage
from layak.organisations.models import Organisation

pytestmark = pytest.mark.django_db

SELF = Stage.Kind.SELF_ASSESSMENT


def _stored(model: Any, pk: int, *names: str) -> tuple[Any, ...]:
    return tuple(model.objects.values_list(*names).get(pk=pk))


@pytest.mark.parametrize("model", [AuditEntry, AnswerRevision, Score, Organisation])
def test_the_rows_a_save_writes_have_their_insert_kept(model: Any) -> None:
    assert writes._insert_statement(model, "default") is not None


def test_an_insert_stores_what_save_stores(personas: Any) -> None:
    office = personas.bekasi_admin.memberships.get().organisation
    values = {
        "region": office.region,
        "name": "Dinas Uji Tulis",
        "acronym": "DUT",
        "kind": office.kind,
    }
    kept = Organisation(**values)
    with CaptureQueriesContext(connection) as queries:
        writes.insert(kept)
    assert len(queries) == 1 and kept.pk and not kept._state.adding
    saved = Organisation(**{**values, "name": "Dinas Uji Simpan"})
    saved.save()
    names = ("region_id", "acronym", "kind", "is_active", "email")
    assert _stored(Organisation, kept.pk, *names) == _stored(Organisation, saved.pk, *names)
    # The time set on adding is set and stored, as ``save`` sets it.
    (created,) = _stored(Organisation, kept.pk, "created_at")
    assert created == kept.created_at and timezone.is_aware(created)


def test_an_audit_entry_keeps_its_json_and_times(personas: Any) -> None:
    before = {"value": {"cells": {"a|b": "1.5"}}, "note": "Catatan “kutip”"}
    entry = AuditEntry(
        actor=personas.bekasi_admin,
        action="uji.tulis",
        object_type=ContentType.objects.get_for_model(Organisation),
        object_id="7",
        before=before,
        after={},
    )
    writes.insert(entry)
    stored = AuditEntry.objects.get(pk=entry.pk)
    assert stored.before == before and stored.after == {} and stored.at == entry.at


def test_an_update_sets_its_columns_and_refuses_a_missing_row(evaluation: Any) -> None:
    answer = evaluation.answers["T-1.1"]
    answer.note = "Diubah dengan pernyataan tetap"
    answer.revision += 1
    with CaptureQueriesContext(connection) as queries:
        writes.update(answer, ["note", "revision"])
    assert len(queries) == 1
    answer.refresh_from_db()
    assert (answer.note, answer.revision) == ("Diubah dengan pernyataan tetap", 1)
    answer.pk = 10**9
    with pytest.raises(DatabaseError):
        writes.update(answer, ["note"])


def test_update_where_counts_the_rows_it_changed(evaluation: Any, personas: Any) -> None:
    answer = evaluation.answers["T-1.1"]
    Score.objects.create(answer=answer, stage=SELF, points=Decimal(3))
    now = timezone.now()
    changed = writes.update_where(
        Score,
        {"answer_id": answer.pk, "stage": SELF},
        {"points": Decimal("7.25"), "scored_by_id": personas.bekasi_admin.pk, "scored_at": now},
    )
    assert changed == 1
    score = Score.objects.get(answer=answer, stage=SELF)
    assert (score.points, score.scored_by_id, score.scored_at) == (
        Decimal("7.25"),
        personas.bekasi_admin.pk,
        now,
    )
    assert (
        writes.update_where(Score, {"answer_id": answer.pk, "stage": "final"}, {"reason": ""}) == 0
    )
