from __future__ import annotations

import pytest

from layak.regions.models import Region
from layak.taskforce import demo, stats
from layak.taskforce.models import Decree, Meeting
from layak.taskforce.querysets import overdue_follow_ups

pytestmark = pytest.mark.django_db


def test_seed_demo_is_idempotent_and_follows_the_brief(personas):
    demo.seed_demo()
    demo.seed_demo()
    bekasi = Region.objects.get(code="32.16")
    gunung_mas = Region.objects.get(code="62.10")
    assert Decree.objects.filter(region=bekasi).count() == 2
    assert Decree.objects.filter(region=bekasi, superseded_by__isnull=False).count() == 1
    assert stats.meetings_held(bekasi, 2025) == 5
    assert stats.meetings_held(gunung_mas, 2025) == 3
    assert 1 <= Meeting.objects.filter(region=bekasi, date__year=2026).count() <= 2
    for region in (bekasi, gunung_mas):
        summary = stats.structure_summary(region)
        assert summary["complete"], region
        assert summary["members"] >= 15
    overdue = list(overdue_follow_ups(personas.bekasi_dinkes))
    assert len(overdue) == 1 and overdue[0].owner.name == "Dinas Kesehatan Kabupaten Bekasi"
