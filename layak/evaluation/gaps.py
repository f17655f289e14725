"""Gap analysis and the cheapest path to the next predicate, for one district at one stage.

The shape follows the district evaluation reports: per cluster and indicator the score against
its maximum, what is done, what is not yet, evidence missing, the responsible office, and the
difference between the district's own score and the verifiers'.

Points are those standing at the stage (the rule of ``scores.results``: an item not scored at
this stage yet keeps its previous stage's points), and an indicator never counts more than its
own maximum. So an item's gain is what it would add to its indicator's total: an indicator
already at its maximum offers nothing (KLA 2024's Indikator 19 and 21 B have questions worth
more than the indicator), and the cheapest path never counts the same indicator's room twice.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django.db.models import CharField, DecimalField, F, IntegerField, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from layak.core.numbers import format_points
from layak.evaluation.listing import Kept, forget_shared
from layak.evaluation.models import Answer, Assessment, Assignment, Gate, Stage
from layak.evaluation.scores import (
    _standing,
    capped,
    chain,
    current_results,
    indicators_with_maxima,
    result_for,
)
from layak.frameworks.models import (
    EvidenceRequirement,
    Group,
    Indicator,
    PredicateBand,
    bilingual,
)
from layak.reports.versions import data_stamp

ZERO = Decimal(0)
EFFORT_EVIDENCE = 1  # only a document is missing
EFFORT_ANSWER = 2  # the answer itself must improve


def shown(value: Decimal) -> str:
    """Points as every page writes them (``format_points``, the ``points`` filter): always two
    decimals, grouped, in the reader's language."""
    return format_points(value)


@dataclass(slots=True)
class ItemQuestion:
    """What an analysis holds of an item's question: the columns it shows and computes with,
    and its indicator. A plain object, not a model instance: an analysis is
    kept pickled, and a model instance's own state would be most of it."""

    pk: int
    code: str
    text: str
    text_en: str
    indicator_id: int
    indicator: Indicator
    max_points: Decimal
    kind: str
    direction: str

    @property
    def display_text(self) -> str:
        return bilingual(self.text, self.text_en)

    def __str__(self) -> str:
        return f"{self.code} {self.display_text[:80]}"


@dataclass(slots=True)
class ItemAnswer:
    """What an analysis holds of an item's answer."""

    pk: int
    question_id: int
    question: ItemQuestion


@dataclass
class Item:
    answer: ItemAnswer
    points: Decimal
    self_points: Decimal
    gain: Decimal
    effort: int
    missing_evidence: list[str]
    # An answer given (a value, or documents for a question answered by documents alone).
    answered: bool = True
    # The item on its indicator's page.
    url: str = ""

    @property
    def gain_text(self) -> str:
        return shown(self.gain)


@dataclass
class IndicatorGap:
    indicator: Indicator
    max_points: Decimal = ZERO
    points: Decimal = ZERO
    self_points: Decimal = ZERO
    done: list[Item] = field(default_factory=list)
    not_yet: list[Item] = field(default_factory=list)
    missing_evidence: list[str] = field(default_factory=list)
    offices: set[str] = field(default_factory=set)
    # Every question of the indicator, in the instrument's order.
    items: list[Item] = field(default_factory=list)

    @property
    def difference(self) -> Decimal:
        return self.points - self.self_points

    @property
    def points_text(self) -> str:
        return shown(self.points)

    @property
    def max_points_text(self) -> str:
        return shown(self.max_points)

    @property
    def difference_text(self) -> str:
        return shown(self.difference)

    @property
    def room_text(self) -> str:
        return shown(self.room)

    @property
    def not_yet_links(self) -> SafeString:
        """The questions not done yet, each linked to its item, with the points it can add; when
        together they could add more than the indicator's room, how much they add at most."""
        links = ", ".join(
            format_html('<a href="{}">{}</a> (+{})', i.url, i.answer.question.code, i.gain_text)
            for i in self.not_yet
        )
        if len(self.not_yet) > 1 and sum((i.gain for i in self.not_yet), ZERO) > self.room:
            links += format_html(
                ' <span class="muted" data-testid="room-{}">{}</span>',
                self.indicator.code,
                _("— together at most +%(room)s, the indicator's maximum")
                % {"room": self.room_text},
            )
        return SafeString(links)

    @property
    def not_answered(self) -> list[Item]:
        """Not done: the questions with points still to gain that have no answer yet."""
        return [i for i in self.not_yet if not i.answered]

    @property
    def partial(self) -> list[Item]:
        """Answered, but short of the question's maximum (whatever their review status)."""
        return [i for i in self.not_yet if i.answered]

    @property
    def missing_by_question(self) -> list[Item]:
        """The questions that still miss a required document, each once."""
        return [i for i in self.items if i.missing_evidence]

    @property
    def office_names(self) -> list[str]:
        """The responsible offices in alphabetical order (a set has none of its own)."""
        return sorted(self.offices, key=str.casefold)

    @property
    def room(self) -> Decimal:
        """The points the indicator can still add to the total."""
        return max(ZERO, self.max_points - self.points)


@dataclass
class GroupGap:
    """A cluster (or Kelembagaan) with its indicators' gaps and their totals."""

    group: Group
    indicators: list[IndicatorGap] = field(default_factory=list)

    @property
    def points(self) -> Decimal:
        return sum((g.points for g in self.indicators), ZERO)

    @property
    def max_points(self) -> Decimal:
        return sum((g.max_points for g in self.indicators), ZERO)

    @property
    def self_points(self) -> Decimal:
        return sum((g.self_points for g in self.indicators), ZERO)

    @property
    def difference(self) -> Decimal:
        return self.points - self.self_points


@dataclass
class Path:
    total: Decimal
    current: Any
    target: Any
    needed: Decimal
    items: list[Item]
    reached: bool
    gates: list[Gate]  # gates capping below the target whose question is not met yet
    capped_by: tuple[str, ...] = ()  # why a gate holds the current predicate down


def _level(assessment: Assessment) -> int:
    return int(assessment.cycle.instrument.framework.region_level)


def _items(
    assessment: Assessment,
    stage: str,
    indicators: dict[int, Indicator],
    offices: dict[int, set[str]],
) -> list[Item]:
    """Every answer with its points standing at ``stage`` and at the self-assessment, and the
    points its own question could still add (before the indicator's cap); the names of each
    answer's active offices put in ``offices``. Four queries. Each question gets its indicator
    (with its group) from ``indicators``: one instance each."""
    joined, standing = _standing(
        Answer.objects.filter(assessment=assessment), chain(stage, _level(assessment))
    )
    answers = list(
        joined.annotate(
            standing=standing,
            # The district's own points (the chain always starts with the self-assessment).
            own=Coalesce(
                F(f"at_{Stage.Kind.SELF_ASSESSMENT.value}__points"),
                Value(ZERO),
                output_field=DecimalField(),
            ),
        )
        .order_by(
            "question__indicator__group__order", "question__indicator__order", "question__order"
        )
        # Rows, not model instances: an analysis holds only what it shows and computes with.
        .values_list(
            "pk",
            "value",
            "standing",
            "own",
            "question_id",
            "question__code",
            "question__text",
            "question__text_en",
            "question__indicator_id",
            "question__max_points",
            "question__kind",
            "question__direction",
        )
    )
    required: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for rid, qid, name in (
        EvidenceRequirement.objects.filter(
            question__version_id=assessment.cycle.instrument_id, required=True
        )
        .order_by("order", "pk")  # within each question as before, without joining to sort
        .values_list("pk", "question_id", "name")
    ):
        required[qid].append((rid, name))
    covered: dict[int, set[int | None]] = defaultdict(set)
    documents: dict[int, int] = defaultdict(int)  # active links per answer, counted here
    # rather than by a GROUP BY over the answers, whose parameters a server-side bound
    # statement could not match between its select list and its grouping
    from layak.evidence.models import EvidenceLink

    # The active links and the active offices of the answers, in one statement: the same
    # columns in the same order on both sides (a link: kind 0 and its requirement; an office:
    # kind 1 and its acronym and name).
    links = (
        EvidenceLink.objects.filter(answer__assessment=assessment, is_active=True)
        .order_by()
        .annotate(
            row_kind=Value(0, output_field=IntegerField()),
            row_answer=F("answer_id"),
            row_requirement=F("requirement_id"),
            row_acronym=Value("", output_field=CharField()),
            row_name=Value("", output_field=CharField()),
        )
    )
    assigned = (
        Assignment.objects.filter(answer__assessment=assessment, is_active=True)
        .order_by()
        .annotate(
            row_kind=Value(1, output_field=IntegerField()),
            row_answer=F("answer_id"),
            row_requirement=Value(None, output_field=IntegerField()),
            row_acronym=F("organisation__acronym"),
            row_name=F("organisation__name"),
        )
    )
    columns = ("row_kind", "row_answer", "row_requirement", "row_acronym", "row_name")
    for kind, answer_id, requirement_id, acronym, name in links.values_list(*columns).union(
        assigned.values_list(*columns), all=True
    ):
        if kind == 0:
            covered[answer_id].add(requirement_id)
            documents[answer_id] += 1
        else:
            offices[answer_id].add(acronym or name)
    # The indicator page's address, built once: each item's is the same with its numbers.
    marker = 987654321
    page = reverse("evaluation:indicator", args=[assessment.pk, marker])
    before, _sep, after = page.partition(str(marker))
    items = []
    for (
        pk,
        value,
        points,
        self_points,
        question_id,
        code,
        text,
        text_en,
        indicator_id,
        max_points,
        kind,
        direction,
    ) in answers:
        q = ItemQuestion(
            question_id,
            code,
            text,
            text_en,
            indicator_id,
            indicators[indicator_id],
            max_points,
            kind,
            direction,
        )
        reqs = required.get(q.pk, [])
        have = covered.get(pk, set())
        missing = (
            []
            if (None in have and len(reqs) == 1)
            else [name for rid, name in reqs if rid not in have]
        )
        evidence_only = q.kind == "evidence" and not documents[pk]
        items.append(
            Item(
                answer=ItemAnswer(pk, q.pk, q),
                points=points,
                self_points=self_points,
                gain=max(ZERO, q.max_points - points),
                effort=EFFORT_EVIDENCE if evidence_only else EFFORT_ANSWER,
                missing_evidence=missing,
                answered=_given(value) or documents[pk] > 0,
                url=f"{before}{q.indicator_id}{after}#answer-{pk}",
            )
        )
    return items


def _given(value: Any) -> bool:
    return isinstance(value, dict) and any(v not in (None, "", [], {}) for v in value.values())


class Analysis(tuple[dict[int, IndicatorGap], list[Item]]):
    """Per indicator its gap, and every item: computed once a request, given to both
    ``gap_analysis`` and ``cheapest_path``; from ``analyse``, with the cheapest path, the
    action plan's year and the plan's activities for each weak indicator too."""

    path: Path | None = None
    year: int = 0
    plan_items: dict[str, list[Any]] = {}


# Analyses kept per process (``analyse``): a few hundred KB each at KLA 2024's 274 questions;
# shared by every process (``listing.Kept``). The stage a page opens at when none is asked
# for is kept in the process only (the district's total's stage: one computation).
KEPT_ANALYSES = 100
_kept = Kept(KEPT_ANALYSES, shared="gaps")
_opening_stages = Kept(KEPT_ANALYSES)


def analyse(
    assessment: Assessment, stage: str = Stage.Kind.SELF_ASSESSMENT, stamp: str | None = None
) -> Analysis:
    """The gaps, items and cheapest path of ``assessment`` at ``stage``, with the action plan's
    year and its activities for each indicator short of its maximum
    (``plans.progress.for_indicators``), for a page that shows them all. Kept in the process's
    memory and in the store every process shares (``listing.Kept``) under the district's data
    stamp (``layak.reports.versions.data_stamp``): every recorded change to the district's
    answers, scores, evidence, assignments or action plan, or to the instrument and the cycle,
    gives a new key at once; and under the year of today's date (the plan's year when the cycle
    has no self-assessment window). An entry also expires after ten minutes, the bound on a
    change whose audit entry commits after a later one was already read. One query (the stamp)
    when kept in the process, two when read from the shared store."""
    from layak.plans import progress as plan_progress

    if stamp is None:
        stamp = data_stamp(assessment.region)
    today = timezone.localdate()
    named = (assessment.pk, stage, stamp, today.year)
    key = "gaps:" + hashlib.sha256(repr(named).encode()).hexdigest()[:40]
    found: Analysis | None = _kept.get(key)
    if found is None:
        found = _gaps(assessment, stage)
        found.path = cheapest_path(assessment, stage, found)
        opening = (
            Stage.objects.filter(cycle=assessment.cycle, kind=Stage.Kind.SELF_ASSESSMENT)
            .order_by()
            .values_list("opens_at", flat=True)
            .first()
        )
        found.year = opening.year if opening else today.year
        weak = [g.indicator.code for g in found[0].values() if g.points < g.max_points]
        found.plan_items = plan_progress.for_indicators(assessment.region, weak, found.year)
        _kept.set(key, found)
    return found


@dataclass
class PageFacts:
    """What the gap page reads besides the analysis: the stage it opens at, the action plan's
    year and the plan's activities of each indicator code (``plans.progress.for_indicators``)."""

    stage: str
    year: int
    plan_items: dict[str, list[Any]]


def page_facts(
    assessment: Assessment, wanted: str, stages: list[str], stamp: str
) -> tuple[PageFacts, Analysis]:
    """The gap page's facts and analysis at ``wanted`` (empty or unknown: the stage the
    district's total stands at, kept in this process under the district's data ``stamp``)."""
    stage = wanted
    if stage not in stages:
        named = ("stage", assessment.pk, stamp)
        key = hashlib.sha256(repr(named).encode()).hexdigest()[:40]
        stage = _opening_stages.get(key)
        if stage is None:
            # Without a stage asked for, the one the district's total stands at, as every
            # other page shows it.
            stage = current_results(assessment.cycle, [assessment])[assessment.pk].stage
            if stage not in stages:
                stage = Stage.Kind.SELF_ASSESSMENT
            _opening_stages.set(key, stage)
    analysis = analyse(assessment, stage, stamp)
    return PageFacts(stage, analysis.year, analysis.plan_items), analysis


def forget(shared: bool = True) -> None:
    """Forget every kept analysis of this process and, with ``shared``, every entry of the
    shared store (``listing.forget_shared``)."""
    _kept.clear()
    _opening_stages.clear()
    if shared:
        forget_shared()


def _gaps(assessment: Assessment, stage: str) -> Analysis:
    """Per indicator its gap; each item's gain cut to what its indicator can still take."""
    with_maxima = indicators_with_maxima(assessment.cycle.instrument_id)
    offices: dict[int, set[str]] = defaultdict(set)
    items = _items(assessment, stage, {pk: ind for pk, (ind, _max) in with_maxima.items()}, offices)
    maxima = {pk: maximum for pk, (_ind, maximum) in with_maxima.items()}
    gaps: dict[int, IndicatorGap] = {}
    raw: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for item in items:
        indicator = item.answer.question.indicator
        gap = gaps.setdefault(
            indicator.pk, IndicatorGap(indicator, max_points=maxima.get(indicator.pk, ZERO))
        )
        raw[indicator.pk][0] += item.points
        raw[indicator.pk][1] += item.self_points
        # KLA 2024 asks for the same few documents across many questions: each name once.
        gap.missing_evidence += [
            name for name in item.missing_evidence if name not in gap.missing_evidence
        ]
        gap.offices |= offices.get(item.answer.pk, set())
        gap.items.append(item)
    for pk, gap in gaps.items():
        gap.points = capped(raw[pk][0], gap.max_points)
        gap.self_points = capped(raw[pk][1], gap.max_points)
    for item in items:
        gap = gaps[item.answer.question.indicator_id]
        item.gain = min(item.gain, gap.room)
        if item.answer.question.max_points == 0:
            continue
        (gap.not_yet if item.gain > 0 else gap.done).append(item)
    return Analysis((gaps, items))


def gap_analysis(
    assessment: Assessment,
    stage: str = Stage.Kind.SELF_ASSESSMENT,
    analysis: Analysis | None = None,
) -> list[IndicatorGap]:
    """The indicators' gaps in the instrument's order (from ``analysis`` when given)."""
    return list((analysis or _gaps(assessment, stage))[0].values())


def by_group(found: list[IndicatorGap]) -> list[GroupGap]:
    """The indicators' gaps under their clusters, in the instrument's order."""
    groups: dict[int, GroupGap] = {}
    for gap in found:
        group = gap.indicator.group
        groups.setdefault(group.pk, GroupGap(group)).indicators.append(gap)
    return list(groups.values())


def cheapest_path(
    assessment: Assessment,
    stage: str = Stage.Kind.SELF_ASSESSMENT,
    analysis: Analysis | None = None,
) -> Path:
    """Items ordered by effort (a missing document first) then by points to gain, taken until
    the next band's minimum is reached; a gate that caps below that band must be met too.
    ``analysis`` (of the same assessment and stage) is not changed: the path counts each
    item's gain against its indicator's room on copies of the items; an analysis from
    ``analyse`` brings its path computed already."""
    if analysis is not None and analysis.path is not None:
        return analysis.path
    result = result_for(assessment, stage)
    bands = list(
        PredicateBand.objects.filter(version_id=assessment.cycle.instrument_id).order_by("rank")
    )
    current = result.predicate.band
    rank = current.rank if current is not None else -1
    target = next((b for b in bands if b.rank > rank), None)
    found, analysed = analysis or _gaps(assessment, stage)
    all_items = [replace(i) for i in analysed]
    items = [i for i in all_items if i.gain > 0]
    if target is None:
        return Path(result.total, current, None, ZERO, [], True, [], result.predicate.capped_by)
    gates = [
        g
        for g in Gate.objects.filter(cycle_id=assessment.cycle_id).select_related(
            "max_band", "question"
        )
        if g.max_band.rank < target.rank
    ]
    gate_questions = {g.question_id for g in gates}
    # A gate is met by its question's own maximum, whatever its indicator's cap.
    must = [
        i
        for i in all_items
        if i.answer.question_id in gate_questions and i.points < i.answer.question.max_points
    ]
    rest = sorted(
        (i for i in items if i.answer.question_id not in gate_questions),
        key=lambda i: (i.effort, -i.gain),
    )
    needed = max(ZERO, target.min_score - result.total)
    # What each indicator can still take: items of the same indicator share its room.
    room = {pk: gap.room for pk, gap in found.items()}
    chosen: list[Item] = []
    gained = ZERO
    for item in must:
        gained += _take(item, room)
        chosen.append(item)
    for item in rest:
        if gained >= needed:
            break
        gain = _take(item, room)
        if gain > 0:
            chosen.append(item)
            gained += gain
    blocking = [g for g in gates if any(i.answer.question_id == g.question_id for i in must)]
    return Path(
        result.total,
        current,
        target,
        needed,
        chosen,
        gained >= needed,
        blocking,
        result.predicate.capped_by,
    )


def _take(item: Item, room: dict[int, Decimal]) -> Decimal:
    """Count the item's gain against its indicator's room; the item shows what it adds."""
    indicator = item.answer.question.indicator_id
    item.gain = min(item.gain, room.get(indicator, ZERO))
    room[indicator] = room.get(indicator, ZERO) - item.gain
    return item.gain
