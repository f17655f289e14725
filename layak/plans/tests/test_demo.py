from __future__ import annotations

import pytest

from layak.frameworks.actions import bundled_load
from layak.frameworks.models import Indicator
from layak.plans import demo, progress
from layak.plans.models import Plan, PlanItem, ProgressReport

pytestmark = pytest.mark.django_db


def test_demo_plans_cover_every_indicator_with_a_year_of_reports(personas):
    bundled_load()
    demo.seed_demo()
    demo.seed_demo()  # a second run adds nothing
    assert Plan.objects.count() == 2
    for plan in Plan.objects.all():
        covered = set(
            PlanItem.objects.filter(plan=plan, level="sub_activity").values_list(
                "indicator__code", flat=True
            )
        )
        assert covered == set(
            Indicator.objects.filter(version=plan.version).values_list("code", flat=True)
        )
        reports = ProgressReport.objects.filter(plan=plan)
        assert (
            reports.filter(year=2025, status="accepted").count()
            == reports.filter(year=2025).count()
            > 0
        )
        assert reports.filter(status="returned").exists()
        budget = progress.child_budget(plan.region, 2025)
        assert budget.apbd_share is not None and 0 < budget.apbd_share < 100
