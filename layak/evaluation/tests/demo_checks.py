"""What the demo's evaluation must look like on the national KLA 2024 instrument; called by the
demo-setup test (``layak/core/tests/test_core.py``) after ``setup --demo``, so the demo is
loaded once for both."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from layak.evaluation.models import (
    Answer,
    Assessment,
    Assignment,
    Cycle,
    Gate,
    Score,
    Stage,
    StageReopening,
)
from layak.frameworks.current import current_kla_version


def assert_demo_on_kla2024() -> None:
    version = current_kla_version()
    assert version is not None and version.framework.code == "kla2024"
    questions = version.questions.count()
    assert questions == 274
    for name in ("Evaluasi KLA 2025", "Evaluasi KLA 2026"):
        cycle = Cycle.objects.get(name=name)
        assert cycle.instrument == version
        for assessment in Assessment.objects.filter(cycle=cycle):
            assert Answer.objects.filter(assessment=assessment).count() == questions
    # 2025 determined: Bekasi Nindya, Gunung Mas Pratama (as the 2022 history has them).
    finals = dict(
        Assessment.objects.filter(cycle__name="Evaluasi KLA 2025").values_list(
            "region__code", "final_band__code"
        )
    )
    assert finals == {"32.16": "NINDYA", "62.10": "PRATAMA"}
    # Determined within the 2025 cycle's final stage, as its pages say (not on the day the
    # demo was loaded).
    final = Stage.objects.get(cycle__name="Evaluasi KLA 2025", kind=Stage.Kind.FINAL)
    days = Assessment.objects.filter(cycle__name="Evaluasi KLA 2025").values_list(
        "determined_at", flat=True
    )
    assert days and all(final.opens_at <= day < final.closes_at for day in days)
    # Its stages end at midnight where the districts are: the last day reads 23.59 WIB.
    from layak.evaluation.templatetags.evaluation import deadline

    assert deadline(final.closes_at).endswith("23.59 WIB")
    # 2026: Bekasi submitted, one item returned by the province; Gunung Mas still answering.
    current = {
        a.region.code: a
        for a in Assessment.objects.filter(cycle__name="Evaluasi KLA 2026").select_related("region")
    }
    assert current["32.16"].status == Assessment.Status.SUBMITTED
    assert current["62.10"].status == Assessment.Status.IN_PROGRESS
    # Gunung Mas's self-assessment is reopened to the end of a day, as the reopening form does.
    until = StageReopening.objects.get(assessment=current["62.10"]).until
    assert timezone.localtime(until).time() == datetime.time.min
    assert (
        Answer.objects.filter(assessment=current["32.16"], status=Answer.Status.RETURNED).count()
        == 1
    )
    # The province's first five items verified, one of them adjusted (other points, a reason).
    province = Score.objects.filter(answer__assessment=current["32.16"], stage="province")
    assert province.count() == 5
    (adjusted,) = province.filter(decision=Score.Decision.ADJUSTED)
    own = Score.objects.get(answer=adjusted.answer, stage="self").points
    assert adjusted.reason and adjusted.points != own
    assert list(
        Gate.objects.filter(cycle__name="Evaluasi KLA 2026").values_list(
            "question__code", flat=True
        )
    ) == ["K3-17.5"]
    # Assigned as proposed: the health office has every question the instrument gives Dinkes,
    # and every typed answer has an office.
    bekasi = current["32.16"]
    dinkes = set(
        Assignment.objects.filter(
            answer__assessment=bekasi,
            is_active=True,
            organisation__name="Dinas Kesehatan Kabupaten Bekasi",
        ).values_list("answer__question__code", flat=True)
    )
    naming = {
        code
        for code, offices in version.questions.values_list("code", "offices")
        if "Dinkes" in offices
    }
    assert naming and naming <= dinkes
    unassigned = (
        Answer.objects.filter(assessment=bekasi, question__computed="")
        .exclude(assignments__is_active=True)
        .count()
    )
    assert unassigned == 0
    # The kecamatan and villages are evaluated on KELANA and DEKELA 2024, and the current
    # cycle's computed shares count the determined ones.
    assert set(
        Cycle.objects.filter(instrument__framework__region_level__gt=2).values_list(
            "instrument__framework__code", flat=True
        )
    ) == {"kelana2024", "dekela2024"}
    shares = [
        Decimal(a.value["number"])
        for a in Answer.objects.filter(assessment=bekasi).exclude(question__computed="")
        if a.value
    ]
    assert shares and any(share > 0 for share in shares)
