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

from layak.accounts.models import User
from layak.evaluation import actions
from layak.evaluation.models import Answer, Assessment, Assignment
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
    answers = (
        Answer.objects.filter(assessment=assessment, question__computed="")
        .exclude(question__offices=[])
        .annotate(assigned=Exists(Assignment.objects.filter(answer=OuterRef("pk"), is_active=True)))
        .select_related("question")
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
    *, actor: User, assessment: Assessment, organisations: Iterable[int | None]
) -> int:
    """Assign as proposed, to the organisations the administrator kept. The proposal is worked
    out again here, so only what the page offered can be confirmed; each group of questions
    going to the same offices is one audited change. Returns the number of questions
    assigned."""
    kept = {pk for pk in organisations if pk is not None}
    proposal = propose(assessment)
    chosen = {o.pk: o for o, _answers in proposal.by_organisation if o.pk in kept}
    answers = {a.pk: a for _o, items in proposal.by_organisation for a in items}
    groups: dict[frozenset[int], list[Answer]] = defaultdict(list)
    for answer_id, orgs in proposal.organisations_of().items():
        wanted = frozenset(orgs & set(chosen))
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
