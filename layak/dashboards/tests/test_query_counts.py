"""The dashboards' query counts, pinned through the pages: the first request computes the
figures (cache emptied), the next one is served from the cache. Both are the same for a small
world and one with ten times the districts and cycles."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.dashboards import cache
from layak.dashboards.tests.helpers import build, build_plan
from layak.dashboards.tests.test_views import DISTRICT, NATIONAL, PROVINCE, grow
from layak.evaluation.tests.test_query_counts import page_queries

pytestmark = pytest.mark.django_db

# The most queries (cold: cache emptied first, warm: the same request again), the signed-in
# request's own included.
PINNED = {
    "district": (DISTRICT, "bekasi.admin", 54, 8),
    "district (office)": (DISTRICT, "bekasi.dinkes", 54, 8),
    "province": (PROVINCE, "verifier.jabar", 22, 8),
    "national": (NATIONAL, "ministry", 22, 7),
}


def measure(client, url: str) -> tuple[int, int]:
    cache.clear()
    counts = []
    for _request in range(2):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200, url
        counts.append(page_queries(ctx.captured_queries))
    return counts[0], counts[1]


@pytest.mark.parametrize("name", PINNED)
def test_dashboard_query_counts_are_pinned_and_do_not_grow(client, personas, name):
    url, who, cold, warm = PINNED[name]
    built = build(personas)
    world = SimpleNamespace(
        evaluation=built.evaluation, earlier=built.earlier, plan=build_plan(personas)
    )
    client.force_login(personas[who])
    grow(personas, world, 2)
    small = measure(client, url)
    grow(personas, world, 20)
    large = measure(client, url)
    assert large == small
    assert large[0] <= cold and large[1] <= warm, large
