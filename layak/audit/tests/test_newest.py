"""The newest entries a person may read (the home page's recent changes): read region by region
on PostgreSQL, they are exactly the newest of ``for_user``, ties in time broken by id."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from layak.audit.models import AuditEntry
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def _entries(personas) -> None:
    """Entries in Bekasi, its kecamatan and villages, another district and nationally, some
    at the same instant, written in an order unlike their times."""
    regions = [
        *Region.objects.filter(path__startswith="32.16.").order_by("code")[:6],
        Region.objects.get(code="62.10"),
        None,
    ]
    kind = ContentType.objects.get_for_model(Region)
    start = timezone.now() - datetime.timedelta(days=1)
    rows = []
    for n in range(60):
        region = regions[(n * 7) % len(regions)]
        rows.append(
            AuditEntry(
                at=start + datetime.timedelta(minutes=(n * 37) % 23),
                actor=personas.bekasi_admin,
                action="region.saved",
                object_type=kind,
                object_id=str(n),
                object_repr=f"entry {n}",
                region=region,
                after={"n": n},
            )
        )
    AuditEntry.objects.bulk_create(rows)


@pytest.mark.parametrize("who", ["bekasi_admin", "jabar", "ministry", "bekasi_dinkes"])
def test_the_newest_entries_are_those_of_the_persons_reach(personas, who):
    _entries(personas)
    user = getattr(personas, who)
    for limit in (1, 8, 25):
        expected = list(AuditEntry.objects.for_user(user).order_by("-at", "-pk")[:limit])
        found = AuditEntry.objects.newest_for_user(user, limit)
        assert [e.pk for e in found] == [e.pk for e in expected], (who, limit)
        assert all(e.actor == personas.bekasi_admin for e in found)
