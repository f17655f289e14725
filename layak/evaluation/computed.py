"""Answers Layak computes instead of the district typing them (Permen PPPA 12/2022, indicator
2): the shares of the district's kecamatan that are Kecamatan Layak Anak (KELANA) and of its
villages that are Desa/Kelurahan Layak Anak (DEKELA), from the kecamatan and village results
the district determined.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from layak.accounts.models import User
from layak.audit.log import record
from layak.evaluation.models import Answer, Assessment
from layak.frameworks.models import Question
from layak.regions.models import Region

LEVEL: dict[str, int] = {Question.Computed.KELANA: 3, Question.Computed.DEKELA: 4}
CENT = Decimal("0.01")


def statuses(region: Region, level: int) -> dict[int, tuple[str, str] | None]:
    """Each active region of ``level`` under ``region``: its latest determined predicate
    (code, name), or None when it has none yet. One query."""
    latest = Assessment.objects.filter(
        region=OuterRef("pk"),
        determined_at__isnull=False,
        cycle__instrument__framework__region_level=level,
    ).order_by("-determined_at")
    rows = (
        Region.objects.below(region)
        .filter(level=level, is_active=True)
        .annotate(
            band_code=Subquery(latest.values("final_band__code")[:1]),
            band_name=Subquery(latest.values("final_band__name")[:1]),
            band_rank=Subquery(latest.values("final_band__rank")[:1]),
        )
        .values_list("pk", "band_code", "band_name", "band_rank")
    )
    return {pk: ((code, name) if rank else None) for pk, code, name, rank in rows}


def share(region: Region, level: int) -> Decimal | None:
    """Percentage of the district's kecamatan (3) or villages (4) holding their status."""
    found = statuses(region, level)
    if not found:
        return None
    layak = sum(1 for status in found.values() if status is not None)
    return (Decimal(layak) * 100 / len(found)).quantize(CENT)


def refresh(district: Region, actor: User | None) -> int:
    """Write the computed answers of the district's open self-assessments. Returns how many
    answers changed."""
    from layak.evaluation.actions import _lock, _rescore, _revise

    answers = Answer.objects.filter(
        assessment__region=district,
        assessment__status=Assessment.Status.IN_PROGRESS,
        question__computed__in=list(LEVEL),
    ).select_related("question")
    changed = 0
    shares: dict[str, Decimal | None] = {}
    for answer in answers:
        kind = answer.question.computed
        if kind not in shares:
            shares[kind] = share(district, LEVEL[kind])
        value = {"number": f"{shares[kind]}"} if shares[kind] is not None else {}
        if answer.value == value:
            continue
        answer = _lock(answer)
        before = answer.value
        answer.value = value
        answer.note = _("Computed by Layak from the kecamatan and village results.")
        author = actor or answer.updated_by
        if author is None:
            continue
        _revise(answer, actor=author, action="computed", before=before, fields=["value", "note"])
        _rescore(answer, author)
        record(
            actor=actor,
            action="answer.computed",
            obj=answer,
            region=district,
            before={"value": before},
            after={"value": value},
        )
        changed += 1
    return changed


def district_of(region: Region) -> Region:
    code = ".".join(region.code.split(".")[:2])
    return Region.objects.get(code=code)
