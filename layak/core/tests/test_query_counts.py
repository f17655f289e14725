"""Pages cost the same number of queries whatever the data size."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.organisations import actions
from layak.organisations.models import Organisation
from layak.testing import make_membership, make_organisation, make_user

pytestmark = pytest.mark.django_db

PAGES = ["/", "/organisations/", "/organisations/members/", "/audit/", "/regions/32.16/"]


def grow(personas, n: int) -> None:
    """Add n organisations with a member each, and n audited changes, in Bekasi."""
    for _ in range(n):
        org = make_organisation("32.16.01")
        make_membership(make_user(), org, "office_operator")
        actions.organisation_update(actor=personas.bekasi_admin, organisation=org, phone="1")


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", PAGES)
def test_page_query_count_does_not_grow_with_the_data(client, personas, url):
    client.force_login(personas.bekasi_admin)
    grow(personas, 3)
    small = queries(client, url)
    grow(personas, 30)
    assert queries(client, url) == small


def test_organisation_detail_query_count_does_not_grow_with_members(client, personas):
    client.force_login(personas.bekasi_admin)
    org = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    make_membership(make_user(), org, "office_operator")
    small = queries(client, f"/organisations/{org.pk}/")
    for i in range(20):
        make_membership(make_user(), org, "office_operator")
        actions.organisation_update(actor=personas.bekasi_admin, organisation=org, phone=str(i))
    assert queries(client, f"/organisations/{org.pk}/") == small
