"""What the answer's own history and refusals say about work sent from a phone: when the
change was made there, an answer submitted meanwhile refused as submitted (not a conflict),
and a closed window named for the region it concerns."""

from __future__ import annotations

import datetime

import pytest
from django.utils import formats, timezone

from layak.evaluation import actions
from layak.evaluation.models import Stage
from layak.offline.tests.test_sync import answer_of, option, send, village  # noqa: F401
from layak.testing import move_stages

pytestmark = pytest.mark.django_db


def test_the_answer_history_says_when_a_change_was_made_on_the_phone(client, village):  # noqa: F811
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.1")
    made = timezone.now() - datetime.timedelta(hours=3)
    body = send(client, answer, made_at=made, option=option(answer, "Ada dan berjalan")).json()
    assert body["status"] == "saved", body
    revision = answer.revisions.get(revision=answer.revision + 1)
    assert revision.made_at == made

    page = client.get(f"/evaluation/answers/{answer.pk}/history/").content.decode()
    when = formats.date_format(timezone.localtime(made), "DATETIME_FORMAT")
    assert f"dibuat luring pada {when}" in page


def test_an_answer_made_online_has_no_phone_time(village):  # noqa: F811
    answer = answer_of(village.own, "V-1.1")
    actions.answer_save(
        actor=village.operator,
        answer=answer,
        value={"option": int(option(answer, "Ada dan berjalan"))},
        note="",
        revision=answer.revision,
    )
    assert answer.revisions.get().made_at is None


def test_an_answer_submitted_meanwhile_is_refused_as_submitted(client, village):  # noqa: F811
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.1")
    opened = answer.revision
    actions.answer_save(
        actor=village.operator,
        answer=answer,
        value={"option": int(option(answer, "Ada dan berjalan"))},
        note="",
        revision=opened,
    )
    answer.refresh_from_db()
    actions.answer_submit(actor=village.operator, answer=answer)
    answer.revision = opened  # what the phone had when it went offline
    body = send(
        client,
        answer,
        made_at=timezone.now(),
        option=option(answer, "Belum ada"),
    ).json()
    assert body["status"] == "refused", body
    assert "diajukan" in body["message"]


def test_a_closed_window_is_named_for_the_village(client, village):  # noqa: F811
    client.force_login(village.operator)
    answer = answer_of(village.own, "V-1.1")
    move_stages(village.cycle, Stage.Kind.DISTRICT)
    body = send(
        client, answer, made_at=timezone.now(), option=option(answer, "Ada dan berjalan")
    ).json()
    region = village.own.region
    assert body["message"] == (
        f"Tahap evaluasi mandiri sudah ditutup untuk {region.name} ({region.get_kind_display()})."
    )
    assert "kabupaten/kota" not in body["message"]
