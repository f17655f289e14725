"""Widen a small database to national size for the micro-benchmarks, before the national data
set exists: the most scored district assessment of a cycle is copied, with its answers and
their scores at every stage, to every active regency/city that has none in that cycle (points
scaled per district between 60 and 100 %, so totals and predicates differ). For throwaway
benchmark databases only: ``python -m bench.micro.widen --database-url URL [--cycle ID]``.
"""

from __future__ import annotations

import argparse
import os
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]


def widen(cycle_id: int | None = None, limit: int | None = None) -> dict[str, Any]:
    from django.db import transaction

    from bench.micro.run import _largest_assessment
    from layak.evaluation.models import Answer, Assessment, Score
    from layak.regions.models import Region

    source = _largest_assessment(cycle_id)
    answers = list(Answer.objects.filter(assessment=source).order_by("pk"))
    scores: dict[int, list[Score]] = {}
    for score in Score.objects.filter(answer__assessment=source):
        scores.setdefault(score.answer_id, []).append(score)
    taken = Assessment.objects.filter(cycle=source.cycle_id).values("region_id")
    missing = list(
        Region.objects.filter(level=Region.Level.REGENCY, is_active=True)
        .exclude(pk__in=taken)
        .order_by("code")[:limit]
    )
    made = 0
    cent = Decimal("0.01")
    with transaction.atomic():
        for n, region in enumerate(missing):
            factor = Decimal(60 + (n * 37) % 41) / 100
            assessment = Assessment.objects.create(
                cycle_id=source.cycle_id,
                region=region,
                status=source.status,
                submitted_at=source.submitted_at,
            )
            copies = Answer.objects.bulk_create(
                [
                    Answer(
                        assessment=assessment,
                        question_id=a.question_id,
                        value=a.value,
                        note=a.note,
                        status=a.status,
                        revision=a.revision,
                        updated_at=a.updated_at,
                    )
                    for a in answers
                ]
            )
            Score.objects.bulk_create(
                [
                    Score(
                        answer=copy,
                        stage=s.stage,
                        points=(s.points * factor).quantize(cent),
                        decision=s.decision,
                        reason=s.reason,
                        scored_at=s.scored_at,
                    )
                    for original, copy in zip(answers, copies, strict=True)
                    for s in scores.get(original.pk, [])
                ]
            )
            made += 1
    return {"cycle": source.cycle_id, "source": source.pk, "assessments": made}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--cycle", type=int)
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layak.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    print(widen(args.cycle))
    return 0


if __name__ == "__main__":
    sys.exit(main())
