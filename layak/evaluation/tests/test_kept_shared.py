"""Kept pages are shared by the web processes (``listing.Kept``'s second level): a value drawn by
one process is read by the others from the shared store without drawing it again, unpickled to
the same value, so the page drawn from it is the same to the byte; a change to the data gives a
new key; a shared store that fails leaves the page drawn as without it."""

from __future__ import annotations

import dataclasses
import logging
import re
import time
from decimal import Decimal
from typing import Any

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.db import connection, transaction
from django.db.models import Model, QuerySet
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.functional import Promise

from layak.core import actions_list
from layak.dashboards import cache
from layak.evaluation import actions, gaps, listing, verification
from layak.evaluation.models import Answer, Stage
from layak.evaluation.tests.test_verification import move_to, submit_all

pytestmark = pytest.mark.django_db
K = Stage.Kind


def stores() -> dict[str, listing.Kept]:
    return {
        "assessment": listing._kept,
        "gaps": gaps._kept,
        "work": actions_list._Kept.get(),
    }


def forget_local() -> None:
    """What a process that has not drawn anything yet has: nothing in its memory."""
    for store in stores().values():
        store.clear()


def shared_copy(store: listing.Kept, key: str) -> Any:
    entry = cache.store().get(store._key(key))
    assert entry is not None, key
    return entry[1]


def alike(a: Any, b: Any, where: str = "value", seen: set[tuple[int, int]] | None = None) -> None:
    """``b`` is ``a`` unpickled: the same types all the way down, and equal values (model
    instances field by field, with what was read along with them)."""
    seen = set() if seen is None else seen
    if (id(a), id(b)) in seen:
        return
    seen.add((id(a), id(b)))
    assert type(a) is type(b), (where, type(a), type(b))
    if isinstance(a, Promise):
        assert str(a) == str(b), where
    elif isinstance(a, Model):
        assert a.pk == b.pk, where
        # Django's version, which unpickling checks, stays on the copy.
        mine, theirs = (
            {k: v for k, v in vars(x).items() if k not in ("_state", "_django_version")}
            for x in (a, b)
        )
        alike(mine, theirs, f"{where}.__dict__", seen)
        alike(a._state.fields_cache, b._state.fields_cache, f"{where}.<read with it>", seen)
    elif isinstance(a, QuerySet):
        alike(a._result_cache, b._result_cache, f"{where}.<rows>", seen)
    elif dataclasses.is_dataclass(a):
        for f in dataclasses.fields(a):
            alike(getattr(a, f.name), getattr(b, f.name), f"{where}.{f.name}", seen)
    elif isinstance(a, dict):
        assert list(a) == list(b), where
        for k in a:
            alike(a[k], b[k], f"{where}[{k!r}]", seen)
    elif isinstance(a, list | tuple):
        assert len(a) == len(b), where
        for n, (x, y) in enumerate(zip(a, b, strict=True)):
            alike(x, y, f"{where}[{n}]", seen)
        if hasattr(a, "__dict__"):  # a tuple with attributes of its own (``gaps.Analysis``)
            alike(vars(a), vars(b), f"{where}.__dict__", seen)
    else:
        assert a == b, (where, a, b)


def read(client, url: str) -> tuple[str, int]:
    """The page's HTML without its CSRF tokens (new with each request), and its queries."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    html = re.sub(
        r'"X-CSRFToken": "\w+"|name="csrfmiddlewaretoken" value="\w+"',
        "",
        response.content.decode(),
    )
    return html, len(ctx.captured_queries)


@pytest.fixture
def drawn(monkeypatch) -> list[str]:
    """The keys of the values drawn (and so kept) from now on, whatever their kind."""
    keys: list[str] = []
    keep = listing.Kept.set

    def counted(self: listing.Kept, key: str, value: Any) -> None:
        keys.append(key)
        keep(self, key, value)

    monkeypatch.setattr(listing.Kept, "set", counted)
    return keys


def test_a_value_drawn_by_one_process_is_read_by_another_without_drawing(personas, evaluation):
    one = listing.Kept(10, shared="test")
    other = listing.Kept(10, shared="test")
    value = {"total": Decimal("12.50"), "stage": Stage.objects.first(), "rows": [(1, "a")]}
    one.set("key", value)
    found = other.get("key")
    assert found == value and found is not value
    alike(value, found)
    # Kept in the other process's memory from then on: handed out as it is, no query.
    with CaptureQueriesContext(connection) as ctx:
        assert other.get("key") is found
    assert len(ctx) == 0
    # A store of another kind, or one kept in its process alone, never reads it.
    assert listing.Kept(10, shared="another").get("key") is None
    assert listing.Kept(10).get("key") is None


def test_the_assessment_page_drawn_in_one_process_is_read_in_another(
    client, personas, evaluation, drawn
):
    client.force_login(personas.bekasi_admin)
    url = reverse("evaluation:assessment", args=[evaluation.bekasi.pk])
    first, _ = read(client, url)
    assert len(drawn) == 1
    forget_local()
    with CaptureQueriesContext(connection) as ctx:
        again, _ = read(client, url)
    assert again == first and len(drawn) == 1  # read from the shared store, not drawn
    assert sum("layak_cache" in q["sql"] for q in ctx.captured_queries) == 1
    # Kept in this process now: no read of the shared store.
    with CaptureQueriesContext(connection) as ctx:
        assert read(client, url)[0] == first
    assert not any("layak_cache" in q["sql"] for q in ctx.captured_queries)


def test_a_data_change_gives_a_new_key_and_a_fresh_draw(client, personas, evaluation, drawn):
    client.force_login(personas.bekasi_admin)
    url = reverse("evaluation:assessment", args=[evaluation.bekasi.pk])
    before, _ = read(client, url)
    answer = evaluation.answers["T-1.1"]
    option = answer.question.options.order_by("-points").first()
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=answer,
        value={"option": str(option.pk)},
        note="",
        revision=0,
    )
    forget_local()
    after, _ = read(client, url)
    assert len(drawn) == 2 and drawn[0] != drawn[1]
    assert after != before and "Draf" in after
    # The older entry is still in the shared store, under the older stamp, and never read.
    assert cache.store().get(listing._kept._key(drawn[0])) is not None


def check_round_trip(client, url: str, drawn: list[str], kinds: set[str]) -> None:
    """The page drawn, each value kept for it alike in the shared store, and the page drawn
    again from the shared copies the same to the byte."""
    before = len(drawn)
    first, _ = read(client, url)
    found = set()
    for kind, store in stores().items():
        for key in [k for k in drawn[before:] if k in store._values]:
            alike(store._values[key][1], shared_copy(store, key), kind)
            found.add(kind)
    assert found == kinds, found
    made = len(drawn)
    forget_local()
    again, _ = read(client, url)
    assert again == first
    assert len(drawn) == made, drawn[made:]  # nothing drawn afresh


def test_each_kind_of_kept_value_round_trips_through_the_shared_store(
    client, personas, evaluation, drawn
):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    verification.verify_item(
        actor=personas.jabar,
        answer=ev.answers["T-2.1"],
        stage=K.PROVINCE,
        points=Decimal("7.5"),
        reason="Data belum sesuai",
    )
    pk = ev.bekasi.pk
    client.force_login(personas.bekasi_admin)
    # The assessment page's figures: model instances, results, the question list drawn.
    check_round_trip(client, reverse("evaluation:assessment", args=[pk]), drawn, {"assessment"})
    # The gap analysis: a tuple with its path, items holding the answers read; at each stage.
    gaps_url = reverse("evaluation:gaps", args=[pk])
    check_round_trip(client, f"{gaps_url}?stage={K.SELF_ASSESSMENT}", drawn, {"gaps"})
    check_round_trip(client, f"{gaps_url}?stage={K.PROVINCE}", drawn, {"gaps"})
    # The home page's list of work.
    check_round_trip(client, "/", drawn, {"work"})
    client.force_login(personas.bekasi_dinkes)
    check_round_trip(client, "/", drawn, {"work"})
    # The verifier's pages: the scores tables drawn, the verification rows and cards.
    client.force_login(personas.jabar)
    check_round_trip(client, f"/evaluation/assessments/{pk}/scores/", drawn, {"assessment"})
    check_round_trip(
        client,
        f"/evaluation/assessments/{pk}/verify/province/?indicator=all",
        drawn,
        {"assessment"},
    )
    check_round_trip(client, "/", drawn, {"work"})


def test_a_page_in_english_round_trips_too(client, personas, evaluation, drawn, english):
    client.force_login(personas.bekasi_admin)
    url = reverse("evaluation:assessment", args=[evaluation.bekasi.pk])
    check_round_trip(client, url, drawn, {"assessment"})
    assert "Questions by cluster and indicator" in read(client, url)[0]


def test_an_entry_is_kept_no_longer_than_it_was_written_for(personas):
    one = listing.Kept(10, timeout=60, shared="test")
    other = listing.Kept(10, timeout=60, shared="test")
    one.set("key", "value")
    # Written 50 seconds ago: the other process keeps it for what is left, ten seconds.
    cache.store().set(one._key("key"), (time.time() + 10, "value"), 60)
    assert other.get("key") == "value"
    assert other._values["key"][0] - time.monotonic() <= 10
    # Past its time (a clock behind, a slow read): not read at all.
    cache.store().set(one._key("key"), (time.time() - 1, "value"), 60)
    assert listing.Kept(10, timeout=60, shared="test").get("key") is None


def test_the_shared_keys_are_short_and_name_the_code_that_drew_them():
    store = listing.Kept(10, shared="assessment")
    long = "dashboards:v3:assessment:" + "x" * 40 + ":cards:" + repr(tuple(range(1000)))
    key = store._key(long)
    assert key.startswith(f"{listing.PREFIX}:{listing.release()}:assessment:")
    assert len(cache.store().make_key(key)) <= 250 and key != store._key(long + " ")
    assert len(listing.release()) == 12


def test_forget_draws_afresh_in_every_process(client, personas, evaluation, drawn):
    client.force_login(personas.bekasi_admin)
    url = reverse("evaluation:assessment", args=[evaluation.bekasi.pk])
    read(client, url)
    listing.forget()
    read(client, url)
    assert len(drawn) == 2 and drawn[0] == drawn[1]


@pytest.fixture
def missing_table(settings):
    """The shared store's table missing, as on a database not migrated yet."""
    settings.CACHES = {
        **settings.CACHES,
        cache.ALIAS: {**settings.CACHES[cache.ALIAS], "LOCATION": "layak_cache_missing"},
    }
    assert isinstance(cache.store(), DatabaseCache)


@pytest.mark.django_db(transaction=True)
def test_a_missing_shared_store_leaves_the_page_drawn(
    client, personas, evaluation, missing_table, caplog
):
    client.force_login(personas.bekasi_admin)
    url = reverse("evaluation:assessment", args=[evaluation.bekasi.pk])
    with caplog.at_level(logging.WARNING, logger="layak.evaluation.listing"):
        first, _ = read(client, url)
        forget_local()
        again, _ = read(client, url)
    assert again == first and "T-1.1" in first
    # Tried and failed each time: read, then drawn and written, on both requests.
    assert len([r for r in caplog.records if "shared store" in r.getMessage()]) == 4


def test_a_shared_store_failing_inside_a_transaction_leaves_it_usable(
    client, personas, evaluation, missing_table, caplog
):
    client.force_login(personas.bekasi_admin)
    url = reverse("evaluation:assessment", args=[evaluation.bekasi.pk])
    with caplog.at_level(logging.WARNING, logger="layak.evaluation.listing"), transaction.atomic():
        page, _ = read(client, url)
        # The transaction goes on: the failed statements were rolled back to savepoints.
        assert Answer.objects.filter(assessment=evaluation.bekasi).count() == 4
    assert "T-1.1" in page
    assert len([r for r in caplog.records if "shared store" in r.getMessage()]) == 2


def test_a_transaction_marked_for_rollback_never_reaches_the_shared_store(personas):
    store = listing.Kept(10, shared="test")
    with transaction.atomic():
        transaction.set_rollback(True)
        with CaptureQueriesContext(connection) as ctx:
            store.set("key", "value")
            assert listing.Kept(10, shared="test").get("key") is None
        assert len(ctx) == 0


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_leaves_an_entry_in_the_shared_store(personas):
    listing.Kept(10, shared="test").set("left", "behind")
    assert cache.store().get(listing.Kept(10, shared="test")._key("left"))


@pytest.mark.django_db(transaction=True)
def test_the_next_test_starts_with_an_empty_shared_store():
    """The flush after a transactional test leaves the store's table as it is: the test
    suite empties it (``conftest._fresh_cache``)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM layak_cache")
        assert cursor.fetchone()[0] == 0
