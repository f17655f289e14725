"""The API's rate limit, counted in the database: one row per credential (a token, or an
account with HTTP Basic) and minute, incremented by one statement that every web worker and
machine shares, so ``API_RATE_LIMIT`` holds for the whole site, not per worker process."""

from __future__ import annotations

import time

from django.db import connection

from layak.api.models import RateCount


def count_request(credential: str, now: float | None = None) -> int:
    """Count one request of ``credential`` in the current minute and return how many it has
    made in that minute, this one included. The insert-or-increment is a single statement
    (``INSERT … ON CONFLICT … DO UPDATE … RETURNING``, SQLite 3.35+ and PostgreSQL), atomic
    whatever the number of workers; a credential's earlier minutes are removed when its first
    request of a new minute is counted, so the table holds about one row a credential.

    On PostgreSQL, when the statement is its own transaction (as for every API request), it
    commits without waiting for the disk (``synchronous_commit`` off for that transaction
    only, set by the statement itself): a count is no data worth a flush on every request, and
    a crash loses at most the last fraction of a second of counts. Inside a transaction the
    statement is the plain one, leaving the transaction's writes as durable as ever."""
    minute = int(now if now is not None else time.time()) // 60
    table = connection.ops.quote_name(RateCount._meta.db_table)
    source = "VALUES (%s, %s, 1)"
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        source = (
            "SELECT %s, %s, 1 FROM (SELECT set_config('synchronous_commit', 'off', true)) AS local"
        )
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} (credential, minute, count) {source} "
            f"ON CONFLICT (credential, minute) DO UPDATE SET count = {table}.count + 1 "
            "RETURNING count",
            [credential, minute],
        )
        (count,) = cursor.fetchone()
    if count == 1:
        RateCount.objects.filter(credential=credential, minute__lt=minute).delete()
    return int(count)
