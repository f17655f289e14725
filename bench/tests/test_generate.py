"""The benchmark dataset at a tiny scale: counts, the application's scoring on it, pages that
render for a generated user, and a second run that refuses."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from bench import generate as gen
from bench.tests.conftest import ON_POSTGRESQL

pytestmark = ON_POSTGRESQL


def test_counts_match_the_tables(dataset: dict[str, Any], tmp_path: Path) -> None:
    from layak.accounts.models import User
    from layak.audit.models import AuditEntry
    from layak.evaluation.models import Answer, Assessment, Score
    from layak.evidence.models import EvidenceFile, EvidenceLink
    from layak.frameworks.models import Question
    from layak.indicators.models import DataValue
    from layak.organisations.models import Organisation
    from layak.plans.models import Plan, PlanItem, PlanYear, ProgressEntry, ProgressReport

    counts = dataset["counts"]
    n = counts["districts"]
    assert n == 5
    # The national KLA 2024 instrument, the current one.
    questions = Question.objects.filter(version__framework__code="kla2024").count()
    assert questions == 274
    assert Assessment.objects.count() == counts["assessments"] == 3 * n
    assert Answer.objects.count() == counts["answers"] == 3 * n * questions
    assert Score.objects.count() == counts["scores"]
    # Completed cycles carry a score at all five stages; the open one only the district's own.
    assert Score.objects.filter(stage="final").count() == 2 * n * questions
    assert EvidenceLink.objects.count() == counts["evidence_links"] == 3 * n * (questions // 2)
    files = EvidenceFile.objects.all()
    assert files.count() == counts["evidence_files"]
    assert all((tmp_path / f.file.name).is_file() for f in files)
    assert User.objects.filter(email__endswith="@bench.layak.test").count() == counts["users"]
    assert Organisation.objects.filter(region__level=2).count() == 16 * n
    assert Plan.objects.count() == n
    assert PlanItem.objects.count() == counts["plan_items"] == 12 * n
    assert PlanYear.objects.count() == 5 * PlanItem.objects.count()
    assert ProgressReport.objects.count() == counts["progress_reports"]
    assert set(ProgressReport.objects.values_list("period", flat=True)) == {1, 2, 3, 4}
    assert ProgressEntry.objects.count() == counts["progress_entries"] > 0
    assert DataValue.objects.count() == counts["data_values"] == 20_000
    assert AuditEntry.objects.filter(region__level=2).count() == counts["audit_entries"] == 1000
    # The sequences moved past the copied keys: the application can add rows.
    org = Organisation.objects.create(name="Baru", kind="community", region_id=None)
    assert org.pk > max(Organisation.objects.exclude(pk=org.pk).values_list("pk", flat=True))


def test_scoring_and_pages_work_on_the_data(dataset: dict[str, Any]) -> None:
    from layak.evaluation import scores
    from layak.evaluation.models import Assessment, Cycle
    from layak.plans.models import Plan

    determined = Assessment.objects.exclude(determined_at=None).select_related("cycle")
    assert determined.count() == 2 * dataset["counts"]["districts"]
    for assessment in determined:
        result = scores.result_for(assessment, "final")
        assert result.total == assessment.final_total
        assert result.total > 0
        assert assessment.final_band is not None
        assert result.predicate.band == assessment.final_band
    open_cycle = Cycle.objects.order_by("-pk").first()
    assert open_cycle is not None
    assert scores.results(open_cycle)  # the district's own scores of the cycle in progress

    district = gen.districts()[0]
    users = gen.users_for(district)
    assert users["district_admin"] == [gen.admin_email(district)]
    assert users["office_operator"]
    from layak.accounts.models import User

    client = Client()
    admin = User.objects.get(email=gen.admin_email(district))
    client.force_login(admin)
    # Past the code step with the generated authenticator, as the load test signs in.
    from django_otp import DEVICE_ID_SESSION_KEY, match_token

    device = match_token(admin, gen.totp_code(admin.email))
    assert device is not None
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    assessment = Assessment.objects.get(cycle=open_cycle, region__code=district)
    plan = Plan.objects.get(region__code=district)
    for url in (
        reverse("core:home"),
        reverse("evaluation:cycles"),
        reverse("evaluation:assessment", args=[assessment.pk]),
        reverse("evaluation:assessment", args=[determined.filter(region__code=district)[0].pk]),
        reverse("plans:detail", args=[plan.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url


def test_a_second_run_refuses(dataset: dict[str, Any], tmp_path: Path) -> None:
    from layak.accounts.models import User

    users = User.objects.count()
    with pytest.raises(gen.AlreadyGenerated):
        gen.generate(scale=0.01, seed=3, log=lambda s: None, media_root=str(tmp_path))
    assert User.objects.count() == users


def test_the_work_lists_benchmark_runs_on_the_data(dataset: dict[str, Any]) -> None:
    """The micro-benchmark of the header's unread count and the home page's action list, at
    the tiny scale: every role found, the query counts within their targets."""
    from bench.micro.worklists import LIST_QUERIES, work_lists

    result = work_lists(repeat=1)
    assert result["queries"] <= LIST_QUERIES
    for role in ("office_operator", "district_admin", "province_verifier"):
        assert f"{role}:" in result["note"]
    assert "unread count 1 query" in result["note"]
