"""Who is told of each evaluation hand-off, and where the notice leads.

Called by the actions in ``actions.py`` and ``verification.py`` inside their transaction. The
message parameters are indicator codes, region and organisation names, people's names and the
reasons staff type when returning work: nothing about a child (see ``layak.notifications.email``).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_noop

from layak.accounts.models import User
from layak.evaluation.models import Answer, Assessment, Assignment, Stage
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.organisations.models import Membership, Organisation
from layak.organisations.querysets import MembershipQuerySet
from layak.organisations.roles import ORGANISATION_SCOPED_ROLES, Role
from layak.regions.models import Region, path_for

N = Notice.Kind
K = Stage.Kind


def _holders(memberships: MembershipQuerySet) -> QuerySet[User]:
    return User.objects.filter(
        is_active=True, pk__in=memberships.active().values("user_id")
    ).order_by("pk")


def office_people(organisation_ids: Iterable[int]) -> QuerySet[User]:
    """The people working for these offices (operators and the other organisation roles)."""
    return _holders(
        Membership.objects.filter(
            organisation_id__in=list(organisation_ids), role__in=ORGANISATION_SCOPED_ROLES
        )
    )


def region_role_holders(region: Region, role: str) -> QuerySet[User]:
    """Who holds ``role`` over ``region``: in an organisation of the region or an ancestor (the
    ministry's organisation has no region and reaches everywhere); assessors by assignment."""
    paths = [path_for(code) for code in [*region.ancestor_codes, region.code]]
    memberships = Membership.objects.filter(role=role)
    if role == Role.ASSESSOR:
        memberships = memberships.filter(assigned_regions__path__in=paths)
    else:
        memberships = memberships.filter(organisation__region__path__in=paths) | memberships.filter(
            organisation__region__isnull=True
        )
    return _holders(memberships)


def assignees(answer: Answer) -> QuerySet[User]:
    return office_people(
        Assignment.objects.filter(answer=answer, is_active=True).values_list(
            "organisation_id", flat=True
        )
    )


def indicator_url(answer: Answer) -> str:
    """The item on its indicator page (several items of one indicator merge to the page)."""
    page = reverse(
        "evaluation:indicator", args=[answer.assessment_id, answer.question.indicator_id]
    )
    return f"{page}#answer-{answer.pk}"


def assessment_url(answer: Answer) -> str:
    """Where several items of different indicators lead."""
    return reverse("evaluation:assessment", args=[answer.assessment_id])


def _item_params(actor: User | None, answer: Answer, **more: str) -> dict[str, str]:
    return {
        "actor": str(actor) if actor else "Layak",
        "item": answer.question.code,
        "region": str(answer.assessment.region),
        "cycle": str(answer.assessment.cycle),
        **more,
    }


def _item(
    recipients: Iterable[User],
    kind: str,
    *,
    actor: User,
    answer: Answer,
    message: str,
    many_message: str,
    url: str | None = None,
    many_url: str | None = None,
    **more: str,
) -> None:
    """One item's hand-off; several in one request, or one after another on one day while the
    notice is unread, make one notice per person."""
    notify(
        recipients,
        kind,
        actor=actor,
        url=url or indicator_url(answer),
        message=message,
        params=_item_params(actor, answer, **more),
        target=answer,
        region=answer.assessment.region,
        items=[answer.question.code],
        many_message=many_message,
        many_url=many_url or assessment_url(answer),
        # Items of one assessment handed off one after another grow one notice a day.
        group=answer.assessment,
    )


def assigned(*, actor: User, assessment: Assessment, added: set[tuple[int, int]]) -> None:
    """New assignments: each office's people hear once, with the items given to them."""
    by_answer = {
        a.pk: a
        for a in Answer.objects.filter(pk__in={a for a, _o in added}).select_related("question")
    }
    by_org: dict[int, list[Answer]] = {}
    for answer_id, org_id in sorted(added):
        by_org.setdefault(org_id, []).append(by_answer[answer_id])
    names = dict(Organisation.objects.filter(pk__in=list(by_org)).values_list("pk", "name"))
    for org_id, items in by_org.items():
        indicators = {a.question.indicator_id for a in items}
        if len(items) == 1:
            url = indicator_url(items[0])
        elif len(indicators) == 1:
            url = reverse("evaluation:indicator", args=[assessment.pk, indicators.pop()])
        else:
            url = reverse("evaluation:my_items")
        notify(
            office_people([org_id]),
            N.ITEM_ASSIGNED,
            actor=actor,
            url=url,
            message=gettext_noop(
                "%(item)s of %(region)s (%(cycle)s) assigned to %(organisation)s by %(actor)s: "
                "%(question)s"
            ),
            many_message=gettext_noop(
                "%(count)s items of %(region)s (%(cycle)s) assigned to %(organisation)s by "
                "%(actor)s: %(items)s"
            ),
            params={
                "actor": str(actor),
                "item": items[0].question.code,
                "question": Truncator(items[0].question.text).chars(90),
                "cycle": str(assessment.cycle),
                "region": str(assessment.region),
                "organisation": names.get(org_id, ""),
            },
            target=assessment,
            region=assessment.region,
            items=[a.question.code for a in items],
            many_url=reverse("evaluation:my_items"),
        )


def submitted(*, actor: User, answer: Answer) -> None:
    """An office submitted an item: the district administrators review it."""
    _item(
        region_role_holders(answer.assessment.region, Role.DISTRICT_ADMIN),
        N.ITEM_SUBMITTED,
        actor=actor,
        answer=answer,
        message=gettext_noop(
            "%(item)s of %(region)s (%(cycle)s) submitted for review by %(actor)s."
        ),
        many_message=gettext_noop(
            "%(count)s items of %(region)s (%(cycle)s) submitted for review by %(actor)s: %(items)s"
        ),
        # Items of several indicators: the assessment's items waiting for review.
        many_url=f"{assessment_url(answer)}?status=submitted",
    )


def accepted(*, actor: User, answer: Answer, author: User | None) -> None:
    _item(
        [*assignees(answer), *([author] if author else [])],
        N.ITEM_ACCEPTED,
        actor=actor,
        answer=answer,
        message=gettext_noop("%(item)s of %(region)s (%(cycle)s) accepted by %(actor)s."),
        many_message=gettext_noop(
            "%(count)s items of %(region)s (%(cycle)s) accepted by %(actor)s: %(items)s"
        ),
        many_url=reverse("evaluation:my_items"),
    )


def returned(*, actor: User, answer: Answer, author: User | None) -> None:
    """Returned by the district: the item's offices and its last author correct it."""
    _item(
        [*assignees(answer), *([author] if author else [])],
        N.ITEM_RETURNED,
        actor=actor,
        answer=answer,
        message=gettext_noop(
            "%(item)s of %(region)s (%(cycle)s) returned by %(actor)s: %(reason)s"
        ),
        many_message=gettext_noop(
            "%(count)s items of %(region)s (%(cycle)s) returned by %(actor)s: %(items)s"
        ),
        many_url=reverse("evaluation:my_items"),
        reason=answer.return_reason,
    )


def returned_by_verifier(*, actor: User, answer: Answer, author: User | None) -> None:
    """Returned by a verifier: the offices and the district's secretariat (its administrators)."""
    _item(
        [
            *assignees(answer),
            *([author] if author else []),
            *region_role_holders(answer.assessment.region, Role.DISTRICT_ADMIN),
        ],
        N.ITEM_RETURNED_BY_VERIFIER,
        actor=actor,
        answer=answer,
        message=gettext_noop(
            "%(item)s of %(region)s (%(cycle)s) returned for correction by %(actor)s (verifier): "
            "%(reason)s"
        ),
        many_message=gettext_noop(
            "%(count)s items of %(region)s (%(cycle)s) returned for correction by %(actor)s "
            "(verifier): "
            "%(items)s"
        ),
        reason=answer.return_reason,
    )


def score_adjusted(*, actor: User, answer: Answer, reason: str) -> None:
    """A verifier gave an item other points than the level before: its offices and the
    district's secretariat hear of it (the card shows the points and the reason)."""
    _item(
        [*assignees(answer), *region_role_holders(answer.assessment.region, Role.DISTRICT_ADMIN)],
        N.SCORE_ADJUSTED,
        actor=actor,
        answer=answer,
        message=gettext_noop(
            "The score of %(item)s of %(region)s was changed by %(actor)s (verifier): %(reason)s"
        ),
        many_message=gettext_noop(
            "The scores of %(count)s items of %(region)s were changed by %(actor)s (verifier): "
            "%(items)s"
        ),
        reason=Truncator(reason).chars(200),
    )


VERIFIER_ROLE: dict[str, str] = {
    K.PROVINCE: Role.PROVINCE_VERIFIER,
    K.FIELD: Role.ASSESSOR,
    K.DISTRICT: Role.DISTRICT_ADMIN,
}


def stage_people(region: Region, stage: str) -> QuerySet[User]:
    """Who works at a stage over a region: the district administrators at self-assessment, the
    stage's verifiers after, the ministry at the ministry review and final determination."""
    if stage == K.SELF_ASSESSMENT:
        return region_role_holders(region, Role.DISTRICT_ADMIN)
    return region_role_holders(region, VERIFIER_ROLE.get(stage, str(Role.MINISTRY_ADMIN)))


def corrected(*, actor: User, answer: Answer, stage: str) -> None:
    """A returned item is ready again: the verifiers of the stage that returned it re-check it."""
    page = reverse("evaluation:verify", args=[answer.assessment_id, stage])
    _item(
        stage_people(answer.assessment.region, stage),
        N.ITEM_CORRECTED,
        actor=actor,
        answer=answer,
        url=f"{page}?indicator={answer.question.indicator_id}#item-{answer.pk}",
        many_url=page,
        message=gettext_noop("%(item)s of %(region)s is corrected and waits for a re-check."),
        many_message=gettext_noop(
            "%(count)s items of %(region)s are corrected and wait for a re-check: %(items)s"
        ),
    )


def maybe_corrected(*, actor: User, answer: Answer) -> bool:
    """After a submit or an accept: an item a verifier returned that is ready again. Returns
    whether the verifiers were told."""
    from layak.evaluation.verification import DONE_AFTER_RETURN, level_of

    stage = answer.returned_at_stage
    if stage and answer.status in DONE_AFTER_RETURN[level_of(answer.assessment)]:
        corrected(actor=actor, answer=answer, stage=stage)
        return True
    return False
