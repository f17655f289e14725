"""Answers Layak computes instead of the district typing them (Permen PPPA 12/2022):

- indicator 2: the shares of the district's kecamatan that are Kecamatan Layak Anak (KELANA)
  and of its villages that are Desa/Kelurahan Layak Anak (DEKELA), from the kecamatan and
  village results the district determined; and the number of the task force's coordination
  meetings in the year, from the meetings recorded with their attendance;
- indicator 3: the number of community organisations, businesses, media and other partners
  with a commitment the secretariat accepted, active in the year, from the partner register;
- KLA 2024, Indikator 25 and 26: each share of kecamatan or villages the recap flags for them
  (``kelana_yes``, ``dekela_yes``): the percentage of the district's active kecamatan or
  villages whose latest determined evaluation on the KELANA/DEKELA 2024 instrument answered
  "yes" (the option earning points, its points kept by the district's verification) to the
  question with the same code. A kecamatan or village without a determined evaluation counts
  as "not yet".

Counts of a year are taken for the last full year before the cycle's self-assessment opens
(the 2026 evaluation looks at 2025).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import CharField, Count, Exists, OuterRef, Subquery
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from layak.accounts.models import User
from layak.audit.log import record
from layak.evaluation.models import Answer, Assessment, Score
from layak.frameworks.kla2024 import DEKELA_CODE, KELANA_CODE
from layak.frameworks.models import Option, Question, bilingual
from layak.regions.models import Region

LEVEL: dict[str, int] = {Question.Computed.KELANA: 3, Question.Computed.DEKELA: 4}
CENT = Decimal("0.01")
C = Question.Computed
# A district question answered from the same question of a lower-level instrument: its level
# and the instrument's framework code.
YES: dict[str, tuple[int, str]] = {C.KELANA_YES: (3, KELANA_CODE), C.DEKELA_YES: (4, DEKELA_CODE)}


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
            band_name_en=Subquery(latest.values("final_band__name_en")[:1]),
            band_rank=Subquery(latest.values("final_band__rank")[:1]),
        )
        .values_list("pk", "band_code", "band_name", "band_name_en", "band_rank")
    )
    # The predicate's name in the reader's language.
    return {
        pk: ((code, bilingual(name, name_en or "")) if rank else None)
        for pk, code, name, name_en, rank in rows
    }


def share(region: Region, level: int) -> Decimal | None:
    """Percentage of the district's kecamatan (3) or villages (4) holding their status."""
    found = statuses(region, level)
    if not found:
        return None
    layak = sum(1 for status in found.values() if status is not None)
    return (Decimal(layak) * 100 / len(found)).quantize(CENT)


@dataclass(frozen=True)
class YesShares:
    """How many of the district's active kecamatan or villages (``regions``) answered "yes" to
    each question (by code) in their latest determined evaluation."""

    level: int
    regions: int
    yes: dict[str, int] = field(default_factory=dict)

    def share(self, code: str) -> Decimal | None:
        if not self.regions:
            return None
        return (Decimal(self.yes.get(code, 0)) * 100 / self.regions).quantize(CENT)

    def note(self, code: str) -> str:
        values = {
            "yes": number_format(self.yes.get(code, 0)),
            "count": number_format(self.regions),
        }
        if self.level == 3:
            text = ngettext(
                "Computed by Layak: %(yes)s of %(count)s kecamatan answered “yes” in its "
                "latest determined evaluation.",
                "Computed by Layak: %(yes)s of %(count)s kecamatan answered “yes” in their "
                "latest determined evaluations.",
                self.regions,
            )
        else:
            text = ngettext(
                "Computed by Layak: %(yes)s of %(count)s village answered “yes” in its latest "
                "determined evaluation.",
                "Computed by Layak: %(yes)s of %(count)s villages answered “yes” in their latest "
                "determined evaluations.",
                self.regions,
            )
        return text % values


def yes_shares(district: Region, kind: str) -> YesShares:
    """Per question code, how many of the district's active kecamatan or villages answered with
    the option earning points in their latest determined evaluation on the matching
    lower-level instrument, and kept the points in its determination. Two queries, whatever
    the number of regions."""
    from layak.evaluation.verification import DETERMINATION_STAGE

    level, framework = YES[kind]
    regions = Region.objects.below(district).filter(level=level, is_active=True)
    latest = (
        Assessment.objects.filter(
            region=OuterRef("assessment__region"),
            determined_at__isnull=False,
            cycle__instrument__framework__code=framework,
        )
        .order_by("-determined_at", "-pk")
        .values("pk")[:1]
    )
    earning = (
        Option.objects.filter(question=OuterRef("question"), points__gt=0)
        .annotate(key=Cast("pk", CharField()))
        .filter(key=OuterRef("chosen"))
    )
    # The determination keeps the points: a "yes" the district's verification took the points
    # of does not count.
    kept = Score.objects.filter(
        answer=OuterRef("pk"), stage=DETERMINATION_STAGE[level], points__gt=0
    )
    rows = (
        Answer.objects.filter(assessment__region__in=regions, assessment=Subquery(latest))
        .annotate(chosen=KeyTextTransform("option", "value"))
        .filter(Exists(earning), Exists(kept))
        .values("question__code")
        .annotate(regions=Count("assessment__region", distinct=True))
        .order_by()
    )
    return YesShares(
        level, regions.count(), {row["question__code"]: row["regions"] for row in rows}
    )


def evaluated_year(assessment: Assessment) -> int:
    """The year whose meetings and partners a cycle counts: the one before its self-assessment
    opens."""
    from layak.evaluation.models import Stage

    opens = (
        Stage.objects.filter(cycle_id=assessment.cycle_id, kind=Stage.Kind.SELF_ASSESSMENT)
        .values_list("opens_at", flat=True)
        .first()
    )
    return (opens.year if opens else assessment.cycle.created_at.year) - 1


def value_of(kind: str, district: Region, year: int) -> Decimal | None:
    if kind in LEVEL:
        return share(district, LEVEL[kind])
    if kind == C.MEETINGS:
        from layak.taskforce.stats import meetings_held

        return Decimal(meetings_held(district, year))
    if kind == C.PARTNERS:
        from layak.partners.totals import involvement

        return Decimal(involvement(district, year).total.partners)
    return None


NOTES: dict[str, str] = {
    C.KELANA: gettext_noop("Computed by Layak from the kecamatan and village results."),
    C.DEKELA: gettext_noop("Computed by Layak from the kecamatan and village results."),
    C.MEETINGS: gettext_noop(
        "Computed by Layak from the task force's meetings recorded for %(year)s."
    ),
    C.PARTNERS: gettext_noop(
        "Computed by Layak from the partners' accepted commitments for %(year)s."
    ),
}


def note_of(kind: str, year: int) -> str:
    return _(NOTES[kind]) % {"year": year} if kind in NOTES else ""


def refresh(district: Region, actor: User | None) -> int:
    """Write the computed answers of the district's open self-assessments. Returns how many
    answers changed."""
    from layak.evaluation.actions import _lock, _rescore, _revise

    answers = Answer.objects.filter(
        assessment__region=district,
        assessment__status=Assessment.Status.IN_PROGRESS,
        question__computed__in=C.values[1:],
    ).select_related("question", "assessment__cycle")
    changed = 0
    values: dict[tuple[str, int], Decimal | None] = {}
    shares: dict[str, YesShares] = {}
    for answer in answers:
        kind = answer.question.computed
        if kind in YES:
            if kind not in shares:
                shares[kind] = yes_shares(district, kind)
            found = shares[kind].share(answer.question.code)
            note = shares[kind].note(answer.question.code)
        else:
            year = evaluated_year(answer.assessment) if kind not in LEVEL else 0
            if (kind, year) not in values:
                values[(kind, year)] = value_of(kind, district, year)
            found = values[(kind, year)]
            note = note_of(kind, year)
        value = {"number": f"{found}"} if found is not None else {}
        if answer.value == value and answer.note == note:
            continue
        answer = _lock(answer)
        before = answer.value
        answer.value = value
        answer.note = note
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
