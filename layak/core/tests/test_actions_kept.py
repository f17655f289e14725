"""The list of work as the home page reads it (``kept_needs_action``): kept per data stamp of
the person's reach, it shows a change at once, follows the verification windows as the clock
passes them, reads pending invitations afresh and costs fewer queries when kept."""

from __future__ import annotations

import datetime

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layak.core.actions_list import ActionKind, _reach, kept_needs_action, needs_action
from layak.core.tests.test_actions_list import fresh, submit_answer
from layak.evaluation import actions as answers

K = ActionKind


def same(user):
    """The kept list, checked against the list read afresh."""
    kept = kept_needs_action(user)
    assert kept == needs_action(user)
    return kept


def test_a_change_shows_at_once_in_the_kept_list(client, personas, evaluation):
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    assert same(admin).of_kind(K.EVALUATION_TO_REVIEW) == []
    assert same(dinkes).counts[K.EVALUATION_TO_ANSWER] == 2
    answer = submit_answer(dinkes, evaluation.answers["T-1.2"])
    assert [i.count for i in same(admin).of_kind(K.EVALUATION_TO_REVIEW)] == [1]
    assert same(dinkes).counts[K.EVALUATION_TO_ANSWER] == 1
    answers.answer_return(actor=admin, answer=fresh(answer), reason="SK belum ditandatangani")
    assert same(admin).of_kind(K.EVALUATION_TO_REVIEW) == []
    [returned] = same(dinkes).of_kind(K.EVALUATION_RETURNED)
    assert returned.detail == "SK belum ditandatangani"
    # The home page shows it too.
    client.force_login(dinkes)
    assert "SK belum ditandatangani" in client.get("/").content.decode()


def test_the_kept_list_follows_the_verification_windows(personas, evaluation, monkeypatch):
    from layak.evaluation.tests.test_verification import move_to, submit_all

    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, "province")
    [item] = same(personas.jabar).of_kind(K.EVALUATION_TO_VERIFY)
    closes = ev.cycle.stages.get(kind="province").closes_at
    assert item.deadline == closes
    # When the province stage closes, with no change to the data, nothing waits any more.
    later = closes + datetime.timedelta(seconds=1)
    monkeypatch.setattr(timezone, "now", lambda: later)
    assert same(personas.jabar).of_kind(K.EVALUATION_TO_VERIFY) == []


def test_pending_invitations_are_read_afresh(personas):
    from layak.organisations.actions import member_invite

    admin = personas.bekasi_admin
    before = same(admin).counts.get(K.INVITATION_PENDING, 0)
    membership = member_invite(
        actor=admin,
        organisation=personas.bekasi_dinkes.memberships.first().organisation,
        email="siti.baru@bekasikab.go.id",
        full_name="Siti Baru",
        role="office_operator",
    )
    assert same(admin).counts[K.INVITATION_PENDING] == before + 1
    # Accepting sets a password: a change of the account, which the data stamp leaves out.
    user = membership.user
    user.set_password("kata-sandi-baru-123")
    user.save(update_fields=["password"])
    assert same(admin).counts.get(K.INVITATION_PENDING, 0) == before


def test_a_kept_list_costs_fewer_queries(personas, evaluation):
    dinkes = personas.bekasi_dinkes
    with CaptureQueriesContext(connection) as first:
        kept_needs_action(dinkes)
    with CaptureQueriesContext(connection) as again:
        kept_needs_action(dinkes)
    # The data stamp of the person's reach alone.
    assert len(again) == 1 < len(first)


def test_the_reach_is_the_smallest_region_holding_every_grant(personas):
    region = personas.bekasi_dinkes.memberships.first().organisation.region
    assert _reach(personas.bekasi_dinkes) == region.path
    assert _reach(personas.ministry) is None
