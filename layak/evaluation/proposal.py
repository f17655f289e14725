"""The proposed assignment of a district's evaluation: every question not assigned yet, to the
district's own offices that match the offices the instrument names for it.

The instrument names, per question, the offices that supply it ("Dinkes", "Disdukcapil",
"UPPA Polres"); the district's office mapping (``layak.organisations.offices``) says which kind
of office each name stands for and which of its organisations is of that kind. The district
administrator reviews the proposal on the assignment page, leaves out any office, and confirms:
nothing is assigned until then, and questions already assigned keep their offices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.evaluation import actions
from layak.evaluation.models import Answer, Assessment, Assignment
from layak.frameworks.models import Group
from layak.organisations.models import Organisation
from layak.organisations.offices import BY_ORGANISATION_KIND, kinds_for, suggested_kind


@dataclass
class Proposal:
    """Per organisation, the answers proposed to it; the office names no organisation of the
    district matches, with their questions; how many answers are already assigned."""

    by_organisation: list[tuple[Organisation, list[Answer]]] = field(default_factory=list)
    unmatched: list[tuple[str, list[str]]] = field(default_factory=list)
    already_assigned: int = 0

    @property
    def by_group(self) -> list[tuple[Group, list[tuple[Organisation, list[Answer]]]]]:
        """The same proposal cluster by cluster, in the instrument's order, so the
        administrator reviews it group by group: per cluster, each office and its answers."""
        groups: dict[int, Group] = {}
        per_group: dict[int, dict[Organisation, list[Answer]]] = defaultdict(dict)
        for organisation, answers in self.by_organisation:
            for answer in answers:
                group = answer.question.indicator.group
                groups[group.pk] = group
                per_group[group.pk].setdefault(organisation, []).append(answer)
        ordered = sorted(groups.values(), key=lambda g: (g.order, g.pk))
        return [(g, list(per_group[g.pk].items())) for g in ordered]

    @property
    def answers(self) -> int:
        return len({a.pk for _org, answers in self.by_organisation for a in answers})

    def organisations_of(self) -> dict[int, set[int]]:
        """Answer id → the organisations proposed for it."""
        out: dict[int, set[int]] = defaultdict(set)
        for organisation, answers in self.by_organisation:
            for answer in answers:
                out[answer.pk].add(organisation.pk)
        return out


def propose(assessment: Assessment) -> Proposal:
    """The proposal for a regency's or city's assessment, in three queries whatever its size.
    Kecamatan and villages answer their own instruments themselves: no proposal."""
    proposal = Proposal()
    region = assessment.region
    if region.level != 2:
        return proposal
    kinds = kinds_for(region)
    # The district's own organisations (not its kecamatan's): their saved office kind, else
    # what their kind or name says; the administrator reviews the proposal before confirming.
    organisations = list(
        Organisation.objects.filter(region=region, is_active=True).order_by("name")
    )
    by_kind: dict[str, list[Organisation]] = defaultdict(list)
    for organisation in organisations:
        kind = (
            organisation.office_kind
            or BY_ORGANISATION_KIND.get(organisation.kind, "")
            or suggested_kind(organisation.name)
        )
        if kind:
            by_kind[kind].append(organisation)
    # Computed questions too: their offices supply the evidence.
    answers = (
        Answer.objects.filter(assessment=assessment)
        .exclude(question__offices=[])
        .annotate(assigned=Exists(Assignment.objects.filter(answer=OuterRef("pk"), is_active=True)))
        .select_related("question__indicator__group")
        .order_by(
            "question__indicator__group__order", "question__indicator__order", "question__order"
        )
    )
    proposed: dict[int, list[Answer]] = defaultdict(list)
    unmatched: dict[str, list[str]] = defaultdict(list)
    for answer in answers:
        if answer.assigned:  # type: ignore[attr-defined]
            proposal.already_assigned += 1
            continue
        for name in answer.question.offices:
            matches = by_kind.get(kinds.get(name, ""), [])
            if not matches:
                unmatched[name].append(answer.question.code)
            for organisation in matches:
                if answer not in proposed[organisation.pk]:
                    proposed[organisation.pk].append(answer)
    proposal.by_organisation = [(o, proposed[o.pk]) for o in organisations if proposed[o.pk]]
    proposal.unmatched = sorted(unmatched.items(), key=lambda item: item[0].casefold())
    return proposal


@transaction.atomic
def proposal_confirm(
    *,
    actor: User,
    assessment: Assessment,
    organisations: Iterable[int | None],
    pairs: Iterable[tuple[int, int]] | None = None,
) -> int:
    """Assign as proposed, to the organisations the administrator kept; when the proposal was
    reviewed cluster by cluster, ``pairs`` of (cluster, organisation) say in which clusters
    each office was kept. The proposal is worked out again here, so only what the page offered
    can be confirmed; each group of questions going to the same offices is one audited change.
    Returns the number of questions assigned."""
    kept = {pk for pk in organisations if pk is not None}
    kept_pairs = set(pairs) if pairs is not None else None
    proposal = propose(assessment)
    chosen = {o.pk: o for o, _answers in proposal.by_organisation if o.pk in kept}
    answers = {a.pk: a for _o, items in proposal.by_organisation for a in items}
    groups: dict[frozenset[int], list[Answer]] = defaultdict(list)
    for answer_id, orgs in proposal.organisations_of().items():
        group_id = answers[answer_id].question.indicator.group_id
        wanted = frozenset(
            o for o in orgs & set(chosen) if kept_pairs is None or (group_id, o) in kept_pairs
        )
        if wanted:
            groups[wanted].append(answers[answer_id])
    for group, items in groups.items():
        actions.assignments_set(
            actor=actor,
            assessment=assessment,
            answers=items,
            organisations=[chosen[pk] for pk in sorted(group)],
        )
    return sum(len(items) for items in groups.values())


# ---- copy from last year's cycle ------------------------------------------------------------


def previous_assessment(assessment: Assessment) -> Assessment | None:
    """The same district's assessment in the cycle of the same framework before this one."""
    return (
        Assessment.objects.filter(
            region_id=assessment.region_id,
            cycle__instrument__framework_id=assessment.cycle.instrument.framework_id,
            cycle__created_at__lt=assessment.cycle.created_at,
        )
        .select_related("cycle")
        .order_by("-cycle__created_at")
        .first()
    )


@dataclass
class CopyResult:
    """What copying last year's assignments did: the questions given their offices again, the
    organisations of last year that no longer exist (or left the district), with their number
    of questions, not copied; questions of last year this year's instrument has no match for."""

    previous: Assessment | None = None
    copied: int = 0
    changes: int = 0
    not_copied: list[tuple[Organisation, int]] = field(default_factory=list)
    unmatched: int = 0


@transaction.atomic
def assignments_copy_previous(*, actor: User, assessment: Assessment) -> CopyResult:
    """Give each question the offices its match had in last year's cycle (same code, or the
    question it continues: ``question.previous``), replacing its current offices. Questions
    without a match keep theirs. Through ``actions.assignments_set``: one audited change per
    set of offices. A fixed number of queries besides those writes."""
    if not authz.reaches(actor, authz.Action.MANAGE, assessment.region):
        raise actions.EvaluationError(_("Only the district administrator can do this."))
    result = CopyResult(previous=previous_assessment(assessment))
    if result.previous is None:
        return result
    old_orgs: dict[int, set[int]] = defaultdict(set)
    old_codes: dict[str, int] = {}
    for question_id, organisation_id, code in Assignment.objects.filter(
        answer__assessment=result.previous, is_active=True
    ).values_list("answer__question_id", "organisation_id", "answer__question__code"):
        old_orgs[question_id].add(organisation_id)
        old_codes[code] = question_id
    organisations = Organisation.objects.select_related("region").in_bulk(
        {pk for orgs in old_orgs.values() for pk in orgs}
    )
    usable = {
        pk
        for pk, o in organisations.items()
        if o.is_active and o.region is not None and o.region.path.startswith(assessment.region.path)
    }
    matched_old: set[int] = set()
    groups: dict[frozenset[int], list[Answer]] = defaultdict(list)
    lost: dict[int, int] = defaultdict(int)
    for answer in Answer.objects.filter(assessment=assessment).select_related("question"):
        question = answer.question
        source = (
            question.previous_id
            if question.previous_id in old_orgs
            else old_codes.get(question.code)
        )
        if source is None:
            continue
        matched_old.add(source)
        for pk in old_orgs[source] - usable:
            lost[pk] += 1
        wanted = frozenset(old_orgs[source] & usable)
        if wanted:
            groups[wanted].append(answer)
    for group, items in groups.items():
        result.changes += actions.assignments_set(
            actor=actor,
            assessment=assessment,
            answers=items,
            organisations=[organisations[pk] for pk in sorted(group)],
        )
        result.copied += len(items)
    result.not_copied = sorted(
        ((organisations[pk], n) for pk, n in lost.items()), key=lambda item: item[0].name
    )
    result.unmatched = len(set(old_orgs) - matched_old)
    return result
