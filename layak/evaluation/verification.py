"""Verification of a submitted self-assessment, level by level (Permen PPPA 12/2022):

1. the province verifier reviews each item while the province stage is open: agrees, adjusts
   the score with a reason, or returns the item to the district, which corrects and resubmits it
   within the stage;
2. the ministry reviews the province's verification;
3. independent assessors verify in the field the districts assigned to them;
4. the ministry's final determination fixes the score and the predicate.

Each level keeps its own ``Score`` row per item, with its reason; "agree" takes the previous
level's points. The engine in ``scores.py`` totals any stage.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Protocol

from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layak import authz
from layak.accounts.models import User
from layak.audit.log import record
from layak.evaluation import notices
from layak.evaluation.actions import EvaluationError, _lock, _revise, stage_open_for
from layak.evaluation.models import Answer, Assessment, Score, Stage
from layak.evaluation.scores import DONE_AFTER_RETURN as DONE_AFTER_RETURN
from layak.evaluation.scores import result_for
from layak.organisations.roles import Role

K = Stage.Kind
VERIFICATION_STAGES = [K.PROVINCE, K.MINISTRY, K.FIELD, K.FINAL, K.DISTRICT]
PREVIOUS: dict[str, str] = {
    K.PROVINCE: K.SELF_ASSESSMENT,
    K.MINISTRY: K.PROVINCE,
    K.FIELD: K.MINISTRY,
    K.FINAL: K.FIELD,
    K.DISTRICT: K.SELF_ASSESSMENT,
}
# The stage whose verifier may send items back, and the stage that fixes the result, by level.
RETURN_STAGE = {2: K.PROVINCE, 3: K.DISTRICT, 4: K.DISTRICT}
DETERMINATION_STAGE = {2: K.FINAL, 3: K.DISTRICT, 4: K.DISTRICT}


class ItemState(models.TextChoices):
    """Where an item stands for the verifier of a stage."""

    CORRECTED = "corrected", gettext_lazy("corrected, waiting for re-check")
    PENDING = "pending", gettext_lazy("not yet verified")
    AGREED = "done", gettext_lazy("agreed")
    ADJUSTED = "adjusted", gettext_lazy("adjusted")
    RETURNED = "returned", gettext_lazy("back with the region")


class Reviewed(Protocol):
    """What an item's state is read from: an answer, or a row of its columns."""

    status: str
    returned_at_stage: str


class Decided(Protocol):
    decision: str


def item_state(answer: Reviewed, mine: Decided | None, level: int) -> str:
    """An item's state at the verifier's stage (``mine``: its score at that stage) in a cycle
    answered at ``level``."""
    if answer.status == Answer.Status.RETURNED:
        return ItemState.RETURNED
    if answer.returned_at_stage:
        return ItemState.CORRECTED if answer.status in _DONE[level] else ItemState.RETURNED
    if mine is None:
        return ItemState.PENDING
    return ItemState.ADJUSTED if mine.decision == Score.Decision.ADJUSTED else ItemState.AGREED


def level_of(assessment: Assessment) -> int:
    return int(assessment.cycle.instrument.framework.region_level)


# When an item sent back is ready again (``scores.DONE_AFTER_RETURN``, the rule the totals'
# "back" count shares).
_DONE = DONE_AFTER_RETURN


def may_verify(actor: User, assessment: Assessment, stage: str) -> bool:
    """Who verifies at each stage: the province verifier (its province), the ministry, the
    independent assessors assigned to the district; the ministry may act at every stage."""
    if stage not in Stage.order_for(level_of(assessment))[1:]:
        return False
    if authz.reaches(actor, authz.Action.MANAGE, None):
        return True
    if stage == K.DISTRICT:
        # Kecamatan and villages are verified by their district's administrator.
        return authz.reaches(actor, authz.Action.MANAGE, assessment.region)
    if stage not in (K.PROVINCE, K.FIELD):
        return False
    role = Role.PROVINCE_VERIFIER if stage == K.PROVINCE else Role.ASSESSOR
    path = assessment.region.path
    return any(
        g.role == role
        and g.allows(authz.Action.VERIFY)
        and any(path.startswith(p) for p in g.paths)
        for g in authz.grants(actor)
    )


def refusal(
    actor: User, assessment: Assessment, stage: str, *, open_now: bool | None = None
) -> str | None:
    """Why ``actor`` may not act on ``assessment`` at ``stage`` now (None: they may): the rule
    every verification action and the final determination enforce. ``open_now``: whether the
    stage is open for the district (``stage_open_for``), when the caller already knows."""
    if stage not in VERIFICATION_STAGES:
        return _("Unknown verification stage.")
    if not may_verify(actor, assessment, stage):
        return _("You do not verify this district at this stage.")
    if assessment.status != Assessment.Status.SUBMITTED:
        return _("The district has not submitted its self-assessment yet.")
    if assessment.determined_at is not None:
        return _("The final determination has been made; scores are fixed.")
    if not (stage_open_for(assessment, stage) if open_now is None else open_now):
        return _("The stage “%(stage)s” is not open for this district.") % {
            "stage": Stage.Kind(stage).label
        }
    return None


def may_determine(actor: User, assessment: Assessment, *, open_now: bool | None = None) -> bool:
    """Whether ``actor`` may make the final determination of ``assessment`` now (the rule
    ``assessment_determine`` enforces; ``open_now`` as for ``refusal``)."""
    stage = DETERMINATION_STAGE[level_of(assessment)]
    return refusal(actor, assessment, stage, open_now=open_now) is None


def _check(actor: User, assessment: Assessment, stage: str) -> None:
    why = refusal(actor, assessment, stage)
    if why is not None:
        raise EvaluationError(why)


def points_before(answer: Answer, stage: str) -> Decimal:
    """The points of the nearest earlier stage that scored the item."""
    scores = dict(Score.objects.filter(answer=answer).values_list("stage", "points"))
    kind: str | None = PREVIOUS.get(stage)
    while kind is not None:
        if kind in scores:
            return scores[kind]
        kind = PREVIOUS.get(kind)
    return Decimal(0)


def _decide(
    actor: User,
    answer: Answer,
    stage: str,
    *,
    points: Decimal,
    decision: str,
    reason: str,
    before: Decimal,
    old: Score | None,
) -> Score:
    """Store a verifier's decision on one item at ``stage`` (``old``: its earlier one there)
    and audit it: the points, the reason and the previous level's points (``before``)."""
    score, _created = Score.objects.update_or_create(
        answer=answer,
        stage=stage,
        defaults={
            "points": points,
            "decision": decision,
            "reason": reason,
            "scored_by": actor,
            "scored_at": timezone.now(),
        },
    )
    if answer.returned_at_stage:
        Answer.objects.filter(pk=answer.pk).update(returned_at_stage="")
    record(
        actor=actor,
        action=f"score.{decision}",
        obj=answer,
        region=answer.assessment.region,
        before={"stage": stage, "points": str(old.points), "reason": old.reason}
        if old
        else {"stage": stage},
        after={
            "stage": stage,
            "points": str(points),
            "reason": reason,
            "previous_level": str(before),
        },
    )
    return score


@transaction.atomic
def verify_item(
    *, actor: User, answer: Answer, stage: str, points: Decimal | None = None, reason: str = ""
) -> Score:
    """Agree (``points`` None: the previous level's points) or adjust, with a reason."""
    answer = _lock(answer)
    _check(actor, answer.assessment, stage)
    if answer.status == Answer.Status.RETURNED or (
        answer.returned_at_stage and answer.status not in _DONE[level_of(answer.assessment)]
    ):
        raise EvaluationError(
            _("The item is back with the district; verify it once it is accepted again.")
        )
    before = points_before(answer, stage)
    reason = reason.strip()
    if points is None:
        points, decision = before, Score.Decision.AGREED
    else:
        if points < 0 or points > answer.question.max_points:
            raise EvaluationError(
                _("The score must be between 0 and %(max)s.")
                % {"max": f"{answer.question.max_points.normalize():f}"}
            )
        decision = Score.Decision.AGREED if points == before else Score.Decision.ADJUSTED
        if decision == Score.Decision.ADJUSTED and not reason:
            raise EvaluationError(_("Give the reason for changing the score."))
    old = Score.objects.filter(answer=answer, stage=stage).first()
    score = _decide(
        actor,
        answer,
        stage,
        points=points,
        decision=decision,
        reason=reason,
        before=before,
        old=old,
    )
    if decision == Score.Decision.ADJUSTED and (
        old is None or old.points != points or old.reason != reason
    ):
        notices.score_adjusted(actor=actor, answer=answer, reason=reason)
    return score


@transaction.atomic
def verify_agree_rest(*, actor: User, assessment: Assessment, stage: str) -> int:
    """Agree with the previous level on every item not yet verified at this stage."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=assessment.pk)
    )
    _check(actor, assessment, stage)
    pending = (
        Answer.objects.filter(assessment=assessment)
        .filter(~Q(scores__stage=stage) | Q(returned_at_stage=stage))
        .exclude(status=Answer.Status.RETURNED)
        .select_related("question")
        .distinct()
    )
    count = 0
    for answer in pending:
        if answer.returned_at_stage and answer.status not in _DONE[level_of(assessment)]:
            continue
        before = points_before(answer, stage)
        old = Score.objects.filter(answer=answer, stage=stage).first()
        # Each item's decision is stored and audited as one made on its own (its history
        # lists it).
        answer.assessment = assessment
        _decide(
            actor,
            answer,
            stage,
            points=before,
            decision=Score.Decision.AGREED,
            reason="",
            before=before,
            old=old,
        )
        count += 1
    record(
        actor=actor,
        action="score.agreed_rest",
        obj=assessment,
        region=assessment.region,
        after={"stage": stage, "items": count},
    )
    return count


@transaction.atomic
def verify_return(*, actor: User, answer: Answer, reason: str) -> Answer:
    """The province (or, for kecamatan and villages, the district) sends an item back; it is
    corrected and submitted again within the stage."""
    answer = _lock(answer)
    stage = RETURN_STAGE[level_of(answer.assessment)]
    _check(actor, answer.assessment, stage)
    if not reason.strip():
        raise EvaluationError(_("Say why the item is returned."))
    if answer.status == Answer.Status.RETURNED:
        raise EvaluationError(_("The item is already back with the district."))
    before = answer.status
    author = answer.updated_by
    answer.status = Answer.Status.RETURNED
    answer.return_reason = reason.strip()
    answer.returned_at_stage = stage
    _revise(
        answer,
        actor=actor,
        action="returned_by_province",
        before=answer.value,
        fields=["status", "return_reason", "returned_at_stage"],
        detail=answer.return_reason,
    )
    record(
        actor=actor,
        action="answer.returned_by_province",
        obj=answer,
        region=answer.assessment.region,
        before={"status": before},
        after={"status": Answer.Status.RETURNED, "reason": answer.return_reason},
    )
    notices.returned_by_verifier(actor=actor, answer=answer, author=author)
    return answer


@transaction.atomic
def assessment_determine(*, actor: User, assessment: Assessment) -> Assessment:
    """The final determination: items without a final score take the nearest earlier level's;
    the total and the predicate (gates applied) are fixed on the assessment."""
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("region", "cycle__instrument__framework")
        .get(pk=assessment.pk)
    )
    stage = DETERMINATION_STAGE[level_of(assessment)]
    _check(actor, assessment, stage)
    back = Answer.objects.filter(assessment=assessment).filter(
        Q(status=Answer.Status.RETURNED) | ~Q(returned_at_stage="")
    )
    if back.exists():
        raise EvaluationError(
            _("%(n)s items are still back with the region; verify them first.")
            % {"n": back.count()}
        )
    missing = Answer.objects.filter(assessment=assessment).exclude(scores__stage=stage)
    Score.objects.bulk_create(
        Score(
            answer=answer,
            stage=stage,
            points=points_before(answer, stage),
            decision=Score.Decision.CARRIED,
            scored_by=actor,
        )
        for answer in missing
    )
    result = result_for(assessment, stage)
    assessment.final_total = result.total
    assessment.final_band = result.predicate.band
    assessment.determined_at = timezone.now()
    assessment.determined_by = actor
    assessment.save(update_fields=["final_total", "final_band", "determined_at", "determined_by"])
    if level_of(assessment) > 2:
        # The district's KELANA/DEKELA shares follow from this result.
        from layak.evaluation import computed

        computed.refresh(computed.district_of(assessment.region), actor)
    record(
        actor=actor,
        action="assessment.determined",
        obj=assessment,
        region=assessment.region,
        after={
            "total": str(result.total),
            "predicate": result.predicate.name,
            "capped_by": list(result.predicate.capped_by),
        },
    )
    return assessment


def field_photo_add(
    *, actor: User, answer: Answer, data: Any, name: str, size: int, note: str
) -> Any:
    """An assessor's photo from the site (JPEG or PNG, sniffed from its content)."""
    from django.conf import settings

    from layak.evaluation.models import FieldPhoto
    from layak.evidence.sniff import UploadRefused, sniff
    from layak.evidence.storage import save_with_file

    answer = Answer.objects.select_related(
        "assessment__region", "assessment__cycle__instrument__framework"
    ).get(pk=answer.pk)
    _check(actor, answer.assessment, K.FIELD)
    sniffed = sniff(data, name, size, settings.EVIDENCE_MAX_BYTES)
    if sniffed.extension not in ("jpg", "png"):
        raise UploadRefused(_("A field photo is a JPEG or PNG image."))
    photo = FieldPhoto(
        answer=answer,
        extension=sniffed.extension,
        content_type=sniffed.content_type,
        note=note.strip()[:300],
        uploaded_by=actor,
    )
    save_with_file(
        photo,
        data,
        sniffed.extension,
        lambda: record(
            actor=actor,
            action="field_photo.added",
            obj=answer,
            region=answer.assessment.region,
            after={"photo": photo.pk, "note": photo.note},
        ),
    )
    return photo
