"""The API's rate limit is counted in the database, once for every web worker and machine."""

from __future__ import annotations

import threading

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from layak.api.actions import token_create
from layak.api.models import RateCount
from layak.api.ratelimit import count_request


def _bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


@pytest.mark.django_db
def test_a_second_worker_sees_the_requests_the_first_counted(client, personas, settings):
    settings.API_RATE_LIMIT = 3
    token = token_create(actor=personas.bekasi_admin, name="sync", days=30)[1]
    assert [client.get("/api/v1/cycles", **_bearer(token)).status_code for _ in range(3)] == [
        200,
        200,
        200,
    ]
    # Another worker process starts with its own memory: nothing of the first one's.
    cache.clear()
    other = Client()
    response = other.get("/api/v1/cycles", **_bearer(token))
    assert response.status_code == 429
    assert (
        response.json()["message"]
        == "Terlalu banyak permintaan untuk token ini; tunggu satu menit."
    )
    assert RateCount.objects.get().count == 4


@pytest.mark.django_db
def test_each_minute_counts_afresh_and_earlier_minutes_are_removed():
    assert [count_request("token-1", now=120.0) for _ in range(3)] == [1, 2, 3]
    assert count_request("token-2", now=150.0) == 1
    assert count_request("token-1", now=185.0) == 1
    assert sorted(RateCount.objects.values_list("credential", "minute", "count")) == [
        ("token-1", 3, 1),
        ("token-2", 2, 1),
    ]


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="SQLite's test database is one connection; PostgreSQL runs workers side by side",
)
@pytest.mark.django_db(transaction=True)
def test_workers_counting_at_the_same_time_lose_no_request():
    """Eight workers, each with its own connection, count 25 requests each in the same minute:
    the count is 200, every request once."""
    seen: list[int] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _n in range(25):
                found = count_request("busy-token", now=600.0)
                with lock:
                    seen.append(found)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(seen) == list(range(1, 201))
    assert RateCount.objects.get(credential="busy-token").count == 200


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT current_setting('synchronous_commit')")
        return str(cursor.fetchone()[0])


@pytest.mark.skipif(
    "postgresql" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="PostgreSQL's commits wait for the disk unless told otherwise",
)
@pytest.mark.django_db(transaction=True)
def test_a_request_counted_on_its_own_does_not_wait_for_the_disk():
    """A count that is its own transaction commits without waiting for the disk, in one
    statement, the setting going with that transaction; counted inside a transaction, the
    transaction's own writes stay as durable as they were."""
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = on")  # the test cluster's default is off
    try:
        counted_on_its_own_and_inside()
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def counted_on_its_own_and_inside() -> None:
    with CaptureQueriesContext(connection) as ctx:
        assert [count_request("own", now=60.0) for _ in range(2)] == [1, 2]
    counted = [q["sql"] for q in ctx.captured_queries if q["sql"].startswith("INSERT")]
    assert len(counted) == 2
    assert all("'synchronous_commit', 'off', true" in sql for sql in counted)
    assert _synchronous_commit() == "on"
    with transaction.atomic():
        assert count_request("own", now=60.0) == 3
        assert _synchronous_commit() == "on"
    assert RateCount.objects.get(credential="own").count == 3
