"""Every change to cycles, assessments and answers, each with its audit entry.

The answer workflow (Permen PPPA 12/2022, self-assessment stage): draft → submitted by the
office → accepted by the district administrator, or returned with a reason → corrected and
submitted again. The district submits the whole self-assessment once every required answer is
accepted. Writes are refused while the self-assessment stage is closed for the district.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from layak import authz, workflow
from layak.accounts.models import User
from layak.audit.log import record
from layak.core import writes
from layak.core.shapes import Shapes, prefetch_one
from layak.evaluation import notices
from layak.evaluation.models import (
    Answer,
    AnswerRevision,
    Assessment,
    Assignment,
    Cycle,
    Score,
    Stage,
    StageReopening,
)
from layak.evaluation.querysets import PARTS, scoring_prefetch
from layak.evaluation.scores import answer_points
from layak.frameworks.models import InstrumentVersion, Question
from layak.frameworks.scoring import BAND_KINDS, OPTION_KINDS, is_answered, points_for
from layak.organisations.models import Organisation
from layak.regions.models import Region

A = authz.Action
S = Answer.Status


class EvaluationError(workflow.WorkflowError):
    """A change the rules refuse; the message is shown to the user."""


class AnswerConflict(EvaluationError):
    """Someone else saved the answer since it was opened."""

    def __init__(self, answer: Answer) -> None:
        super().__init__(
            _(
                "%(who)s saved this answer at %(when)s, after you opened it. "
                "Their version is shown; apply your change to it and save again."
            )
            % {
                "who": answer.updated_by or _("Someone"),
                "when": timezone.localtime(answer.updated_at).strftime("%H:%M:%S")
                if answer.updated_at
                else "",
            }
        )
        self.answer = answer


class AnswerInvalid(EvaluationError):
    """The value does not fit its question; ``errors`` names each field (the same check for
    the page, the API and imports)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(" ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def locked_message() -> str:
    return _(
        "A submitted or accepted answer cannot be changed; "
        "ask the district administrator to return it."
    )


def _require_national(actor: User) -> None:
    if not authz.reaches(actor, A.MANAGE, None):
        raise EvaluationError(_("Only the ministry administrator can do this."))


# ---- cycles ------------------------------------------------------------------------------


@transaction.atomic
def cycle_create(
    *,
    actor: User,
    name: str,
    instrument: InstrumentVersion,
    windows: dict[str, tuple[datetime.datetime, datetime.datetime]],
) -> Cycle:
    _require_national(actor)
    return create_cycle(actor=actor, name=name, instrument=instrument, windows=windows, region=None)


def create_cycle(
    *,
    actor: User,
    name: str,
    instrument: InstrumentVersion,
    windows: dict[str, tuple[datetime.datetime, datetime.datetime]],
    region: Region | None,
) -> Cycle:
    """The cycle with its stage windows and its audit entry, once the caller has checked who
    may start it (the ministry, or a district for its own kecamatan or villages)."""
    if not instrument.is_frozen:
        raise EvaluationError(_("A cycle uses a published instrument."))
    order = Stage.order_for(instrument.framework.region_level)
    if set(windows) != set(order):
        raise EvaluationError(_("Every stage needs its window."))
    _check_windows(windows, order)
    cycle = Cycle.objects.create(name=name, instrument=instrument, created_by=actor)
    Stage.objects.bulk_create(
        Stage(cycle=cycle, kind=kind, opens_at=opens, closes_at=closes)
        for kind, (opens, closes) in windows.items()
    )
    record(
        actor=actor,
        action="cycle.created",
        obj=cycle,
        region=region,
        after={"name": name, "instrument": instrument.pk, **_windows_json(windows)},
    )
    return cycle


def _check_windows(
    windows: dict[str, tuple[datetime.datetime, datetime.datetime]], order: list[str]
) -> None:
    previous_close = None
    for kind in order:
        opens, closes = windows[kind]
        if closes <= opens:
            raise EvaluationError(
                _("%(stage)s closes before it opens.") % {"stage": Stage.Kind(kind).label}
            )
        if previous_close is not None and opens < previous_close:
            raise EvaluationError(
                _("%(stage)s opens before the stage before it closes.")
                % {"stage": Stage.Kind(kind).label}
            )
        previous_close = closes


def _windows_json(
    windows: dict[str, tuple[datetime.datetime, datetime.datetime]],
) -> dict[str, Any]:
    return {k: [o.isoformat(), c.isoformat()] for k, (o, c) in windows.items()}


@transaction.atomic
def cycle_set_windows(
    *, actor: User, cycle: Cycle, windows: dict[str, tuple[datetime.datetime, datetime.datetime]]
) -> None:
    _require_national(actor)
    set_windows(actor=actor, cycle=cycle, windows=windows, region=None)


def set_windows(
    *,
    actor: User,
    cycle: Cycle,
    windows: dict[str, tuple[datetime.datetime, datetime.datetime]],
    region: Region | None,
) -> None:
    """New stage windows with their audit entry, once the caller has checked who may."""
    _check_windows(windows, Stage.order_for(cycle.instrument.framework.region_level))
    stages = {s.kind: s for s in Stage.objects.select_for_update(of=("self",)).filter(cycle=cycle)}
    before = _windows_json({k: (s.opens_at, s.closes_at) for k, s in stages.items()})
    for kind, (opens, closes) in windows.items():
        stage = stages[kind]
        stage.opens_at, stage.closes_at = opens, closes
        stage.save(update_fields=["opens_at", "closes_at"])
    record(
        actor=actor,
        action="cycle.windows_changed",
        obj=cycle,
        region=region,
        before=before,
        after=_windows_json(windows),
    )


def still_running(stages: Iterable[Stage], now: datetime.datetime) -> bool:
    """Whether a stage of the cycle is still to close: regions join only then."""
    return any(stage.closes_at >= now for stage in stages)


@transaction.atomic
def cycle_add_districts(
    *, actor: User, cycle: Cycle, regions: Iterable[Region]
) -> list[Assessment]:
    """Make the regions take part: an assessment with one empty answer per question. The
    ministry adds anywhere; a district administrator adds its own kecamatan and villages."""
    level = cycle.instrument.framework.region_level
    regions = list(regions)
    if not authz.reaches(actor, A.MANAGE, None) and not (
        level > 2 and all(authz.reaches(actor, A.MANAGE, r) for r in regions)
    ):
        raise EvaluationError(_("Only the ministry administrator can do this."))
    if not still_running(cycle.stages.all(), timezone.now()):
        raise EvaluationError(_("Every stage of this cycle has closed: no region can join it."))
    questions = list(
        Question.objects.filter(version_id=cycle.instrument_id).values_list("pk", flat=True)
    )
    created = []
    for region in regions:
        if region.level != level:
            raise EvaluationError(
                _("%(region)s is not at the level this instrument is answered at.")
                % {"region": region}
            )
        assessment, new = Assessment.objects.get_or_create(cycle=cycle, region=region)
        if not new:
            continue
        Answer.objects.bulk_create(Answer(assessment=assessment, question_id=q) for q in questions)
        if level == 2:
            from layak.evaluation import computed

            computed.refresh(region, actor)
        record(
            actor=actor,
            action="assessment.created",
            obj=assessment,
            region=region,
            after={"cycle": cycle.pk},
        )
        created.append(assessment)
    return created


# ---- stages ------------------------------------------------------------------------------


_SHAPES = Shapes()


def stage_open_for(assessment: Assessment, kind: str, now: datetime.datetime | None = None) -> bool:
    """Whether the stage is open for this district: inside its window, or reopened for it."""
    now = now or timezone.now()
    # One stage of a kind per cycle: no ordering (Stage's own would join the cycle to sort).
    found = _SHAPES.fetch(
        "stage",
        lambda cycle, kind: Stage.objects.filter(cycle_id=cycle, kind=kind).order_by()[:1],
        assessment.cycle_id,
        str(kind),
    )
    if not found:
        return False
    stage: Stage = found[0]
    if stage.is_open(now):
        return True
    # Its reopenings for the district (a few at most), compared with the clock here: the
    # statement then holds no time and is compiled once.
    reopened = _SHAPES.fetch(
        "reopened",
        lambda assessment, stage: (
            StageReopening.objects.filter(assessment_id=assessment, stage_id=stage)
            .order_by()
            .values_list("until", flat=True)
        ),
        assessment.pk,
        stage.pk,
    )
    return any(until > now for until in reopened)


def stage_closes_for(assessment: Assessment, stage: Stage) -> datetime.datetime:
    """When ``stage`` closes for this district: the cycle's closing, or the later moment the
    ministry reopened it until for this district (the deadline its pages show). One query."""
    reopened = (
        StageReopening.objects.filter(assessment=assessment, stage=stage)
        .order_by("-until")
        .values_list("until", flat=True)
        .first()
    )
    return max(stage.closes_at, reopened) if reopened else stage.closes_at


@transaction.atomic
def stage_reopen(
    *, actor: User, assessment: Assessment, kind: str, reason: str, until: datetime.datetime
) -> StageReopening:
    """The ministry reopens one district's stage after its deadline (audited, with a reason)."""
    _require_national(actor)
    if not reason.strip():
        raise EvaluationError(_("Give the reason for reopening."))
    if until <= timezone.now():
        raise EvaluationError(_("The new deadline must be in the future."))
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("region")
        .get(pk=assessment.pk)
    )
    stage = Stage.objects.filter(cycle_id=assessment.cycle_id, kind=kind).first()
    if stage is None:
        raise EvaluationError(_("This cycle has no such stage."))
    if assessment.determined_at is not None:
        raise EvaluationError(_("The final determination has been made; scores are fixed."))
    if (
        kind == Stage.Kind.SELF_ASSESSMENT
        and Score.objects.filter(answer__assessment=assessment)
        .exclude(stage=Stage.Kind.SELF_ASSESSMENT)
        .exists()
    ):
        raise EvaluationError(
            _(
                "Verification has started; return single items instead of "
                "reopening the self-assessment."
            )
        )
    status_before = assessment.status
    reopening = StageReopening.objects.create(
        assessment=assessment, stage=stage, reason=reason.strip(), until=until, created_by=actor
    )
    if kind == Stage.Kind.SELF_ASSESSMENT and assessment.status == Assessment.Status.SUBMITTED:
        Assessment.objects.filter(pk=assessment.pk).update(status=Assessment.Status.IN_PROGRESS)
    record(
        actor=actor,
        action="stage.reopened",
        obj=assessment,
        region=assessment.region,
        before={"status": status_before},
        after={
            "stage": kind,
            "until": until.isoformat(),
            "reason": reopening.reason,
            "status": Assessment.Status.IN_PROGRESS
            if kind == Stage.Kind.SELF_ASSESSMENT
            else status_before,
        },
    )
    return reopening


# ---- assignments -------------------------------------------------------------------------


def _require_district_admin(actor: User, assessment: Assessment) -> None:
    if not authz.reaches(actor, A.MANAGE, assessment.region):
        raise EvaluationError(_("Only the district administrator can do this."))


def assignment_refusal(assessment: Assessment) -> str:
    """Why the assessment's items cannot be given to offices now ("" when they can): its
    self-assessment closed before the district submitted, and no office could answer them."""
    if assessment.status == Assessment.Status.IN_PROGRESS and not stage_open_for(
        assessment, Stage.Kind.SELF_ASSESSMENT
    ):
        return str(_self_assessment_closed(assessment.region))
    return ""


@transaction.atomic
def assignments_set(
    *,
    actor: User,
    assessment: Assessment,
    answers: Iterable[Answer],
    organisations: Iterable[Organisation],
) -> int:
    """Give these answers to these organisations (replacing their previous assignment)."""
    _require_district_admin(actor, assessment)
    refusal = assignment_refusal(assessment)
    if refusal:
        raise EvaluationError(refusal)
    organisations = list(organisations)
    for org in organisations:
        if (
            org.region is None
            or not org.region.path.startswith(assessment.region.path)
            or not org.is_active
        ):
            raise EvaluationError(_("Only active organisations of the district can be assigned."))
    answers = [a for a in answers if a.assessment_id == assessment.pk]
    rows = {
        (a, o): active
        for a, o, active in Assignment.objects.filter(answer__in=answers).values_list(
            "answer_id", "organisation_id", "is_active"
        )
    }
    current = {pair for pair, active in rows.items() if active}
    wanted = {(a.pk, o.pk) for a in answers for o in organisations}
    removed = current - wanted
    added = wanted - current
    for answer_id, org_id in removed:
        Assignment.objects.filter(answer_id=answer_id, organisation_id=org_id).update(
            is_active=False
        )
    for answer_id, org_id in added & set(rows):
        Assignment.objects.filter(answer_id=answer_id, organisation_id=org_id).update(
            is_active=True
        )
    Assignment.objects.bulk_create(
        Assignment(answer_id=a, organisation_id=o, created_by=actor) for a, o in added - set(rows)
    )
    if added or removed:
        record(
            actor=actor,
            action="assignment.changed",
            obj=assessment,
            region=assessment.region,
            before={"assignments": sorted([list(x) for x in removed])},
            after={"assignments": sorted([list(x) for x in added])},
        )
    if added:
        notices.assigned(actor=actor, assessment=assessment, added=added)
    return len(added) + len(removed)


# ---- answers -----------------------------------------------------------------------------


def _lock(answer: Answer, editor: User | None = None) -> Answer:
    """The answer locked for the change. ``editor``: whether that person may change it is read
    with it (``may_edit``, for ``_check_may_edit``), in the same query."""
    locked = Answer.objects.select_for_update(of=("self",)).select_related(
        "assessment__region", "assessment__cycle", "question", "updated_by"
    )
    if editor is not None:
        locked = locked.annotate(
            may_edit=Exists(Answer.objects.for_user(editor, A.EDIT).filter(pk=OuterRef("pk")))
        )
    return locked.get(pk=answer.pk)


def _with_question_of(locked: Answer, given: Answer) -> Answer:
    """The locked answer with the question its caller loaded (a published question does not
    change), its options and score bands read once: the value's check and its score share
    them, and what the caller read already (the answer form's check) is not read again."""
    if Answer.question.is_cached(given) and given.question_id == locked.question_id:
        locked.question = given.question
    options, bands = scoring_prefetch()
    # Only what the question's kind is scored from (``frameworks.scoring``).
    if locked.question.kind in OPTION_KINDS:
        prefetch_one(PARTS, "options", locked.question, options)
    if locked.question.kind in BAND_KINDS:
        prefetch_one(PARTS, "bands", locked.question, bands)
    return locked


def _self_assessment_closed(region: Region) -> EvaluationError:
    """The refusal names the region and its kind: a village is not told about its district."""
    return EvaluationError(
        _("The self-assessment stage is closed for %(name)s (%(kind)s).")
        % {"name": region.name, "kind": region.get_kind_display()}
    )


def _check_open(answer: Answer) -> None:
    if answer.assessment.determined_at is not None:
        raise EvaluationError(_("The final determination has been made; scores are fixed."))
    if answer.returned_at_stage:
        # Sent back by the verifier: corrected within the verifier's stage.
        if not stage_open_for(answer.assessment, answer.returned_at_stage):
            raise EvaluationError(_("The verification stage is closed for this region."))
        return
    if answer.assessment.status == Assessment.Status.SUBMITTED:
        raise EvaluationError(
            _("The self-assessment has been submitted; it can no longer be changed.")
        )
    if not stage_open_for(answer.assessment, Stage.Kind.SELF_ASSESSMENT):
        raise _self_assessment_closed(answer.assessment.region)


def _check_may_edit(actor: User, answer: Answer) -> None:
    may_edit = getattr(answer, "may_edit", None)  # read with the lock (``_lock(editor=)``)
    if may_edit is None:
        may_edit = Answer.objects.for_user(actor, A.EDIT).filter(pk=answer.pk).exists()
    if not may_edit:
        raise EvaluationError(_("This answer is not assigned to you."))


def _revise(
    answer: Answer,
    *,
    actor: User,
    action: str,
    before: dict[str, Any] | None,
    fields: list[str],
    detail: str = "",
) -> None:
    answer.revision += 1
    answer.updated_by = actor
    answer.updated_at = timezone.now()
    writes.update(answer, [*fields, "revision", "updated_by", "updated_at"])
    writes.insert(
        AnswerRevision(
            answer=answer,
            revision=answer.revision,
            action=action,
            value_before=before,
            value_after=answer.value,
            note=answer.note,
            status=answer.status,
            author=actor,
            detail=detail,
        )
    )


def _rescore(answer: Answer, actor: User) -> Score:
    """The answer's self-assessment points set again: one UPDATE of its score (inserted for an
    answer that has none yet). The documents it counts are the ones in force as its caller
    read them (``active_links``), or counted here."""
    links = getattr(answer, "active_links", None)
    if links is None:
        points = answer_points(answer)
    else:
        question = answer.question
        points = points_for(
            question,
            answer.value,
            options=list(question.options.all()) if question.kind in OPTION_KINDS else [],
            bands=list(question.score_bands.all()) if question.kind in BAND_KINDS else [],
            evidence_count=len(links),
        )
    kind, now = Stage.Kind.SELF_ASSESSMENT, timezone.now()
    changed = writes.update_where(
        Score,
        {"answer_id": answer.pk, "stage": kind},
        {"points": points, "reason": "", "scored_by_id": actor.pk, "scored_at": now},
    )
    score = Score(
        answer=answer, stage=kind, points=points, reason="", scored_by=actor, scored_at=now
    )
    if not changed:
        # The answer is locked by its caller: nobody else adds its score meanwhile.
        writes.insert(score)
    return score


@transaction.atomic
def answer_save(
    *,
    actor: User,
    answer: Answer,
    value: dict[str, Any],
    note: str,
    revision: int,
    locked: bool = False,
) -> Answer:
    """Save a draft. ``revision`` is the one the person opened: if the answer has changed since,
    nothing is saved and ``AnswerConflict`` carries the other person's version. ``locked``: the
    caller has just read ``answer`` locked in this transaction (``select_for_update``), with
    its assessment, cycle, region, question and author and whether ``actor`` may change it
    (``may_edit``): it is not read again."""
    answer = _with_question_of(answer if locked else _lock(answer, editor=actor), answer)
    _check_open(answer)
    _check_may_edit(actor, answer)
    if answer.question.computed:
        raise EvaluationError(
            _("This answer is computed by Layak from the records it comes from; it is not typed.")
        )
    # An answer submitted meanwhile is refused as such, not shown as someone's newer draft.
    if answer.status not in (S.DRAFT, S.RETURNED):
        raise EvaluationError(locked_message())
    if answer.revision != revision:
        raise AnswerConflict(answer)
    from layak.evaluation.forms import ValueInvalid, validate_value

    try:
        value = validate_value(answer.question, value)
    except ValueInvalid as invalid:
        raise AnswerInvalid(invalid.errors) from invalid
    if answer.value == value and answer.note == note:
        return answer
    before = {"value": answer.value, "note": answer.note}
    answer.value = value
    answer.note = note
    _revise(answer, actor=actor, action="saved", before=before["value"], fields=["value", "note"])
    score = _rescore(answer, actor)
    answer.self_score = score  # type: ignore[attr-defined]  # the points its card shows
    record(
        actor=actor,
        action="answer.saved",
        obj=answer,
        region=answer.assessment.region,
        before=before,
        after={"value": value, "note": note, "points": str(score.points)},
    )
    return answer


def _step(answer: Answer, step: workflow.Step, reason: str = "") -> str:
    try:
        return workflow.apply(answer, step, reason)
    except workflow.WorkflowError as error:
        raise EvaluationError(str(error)) from error


def missing_evidence(answer: Answer) -> list[str]:
    required = {r.pk: r.name for r in answer.question.evidence_requirements.all() if r.required}
    if not required:
        return []
    # The links in force as the answer's page loaded them (``active_links``), or read here.
    links = getattr(answer, "active_links", None)
    if links is None:
        links = answer.evidence_links.filter(is_active=True)
    covered = {link.requirement_id for link in links}
    if None in covered and len(required) == 1:
        return []  # a document attached without naming it stands for the single requirement
    return [name for pk, name in required.items() if pk not in covered]


def submit_refusal(answer: Answer) -> str | None:
    """Why ``answer`` cannot be submitted as it stands (None: it can): a required question not
    answered, or a required document not attached. Its documents in force are those the page
    loaded (``active_links``) or read here. The rule of ``answer_submit`` and of the count of
    items ready to submit at once (``bulk.readiness``)."""
    links = getattr(answer, "active_links", None)
    evidence = (
        len(links) if links is not None else answer.evidence_links.filter(is_active=True).count()
    )
    if answer.question.required and not is_answered(answer.question, answer.value, evidence):
        return str(_("Answer the question before submitting it."))
    if missing := missing_evidence(answer):
        return str(
            _("Attach the required evidence first: %(docs)s.") % {"docs": "; ".join(missing)}
        )
    return None


@transaction.atomic
def answer_submit(*, actor: User, answer: Answer) -> Answer:
    answer = _lock(answer, editor=actor)
    _check_open(answer)
    _check_may_edit(actor, answer)
    if not workflow.allowed(answer.status, workflow.Step.SUBMIT):
        raise EvaluationError(workflow.refusal(workflow.Step.SUBMIT))
    if refusal := submit_refusal(answer):
        raise EvaluationError(refusal)
    before = _step(answer, workflow.Step.SUBMIT)
    _revise(
        answer,
        actor=actor,
        action="submitted",
        before=answer.value,
        fields=["status", "return_reason"],
    )
    record(
        actor=actor,
        action="answer.submitted",
        obj=answer,
        region=answer.assessment.region,
        before={"status": before},
        after={"status": S.SUBMITTED},
    )
    # A kecamatan's or village's corrected item goes straight back to its verifier (the
    # district): one "waits for re-check" notice, not a second "waits for review".
    if not notices.maybe_corrected(actor=actor, answer=answer):
        notices.submitted(actor=actor, answer=answer)
    return answer


@transaction.atomic
def answer_accept(*, actor: User, answer: Answer) -> Answer:
    answer = _lock(answer)
    _check_open(answer)
    _require_district_admin(actor, answer.assessment)
    author = answer.updated_by
    _step(answer, workflow.Step.ACCEPT)
    _revise(answer, actor=actor, action="accepted", before=answer.value, fields=["status"])
    record(
        actor=actor,
        action="answer.accepted",
        obj=answer,
        region=answer.assessment.region,
        before={"status": S.SUBMITTED},
        after={"status": S.ACCEPTED},
    )
    notices.accepted(actor=actor, answer=answer, author=author)
    notices.maybe_corrected(actor=actor, answer=answer)
    return answer


@transaction.atomic
def answer_return(*, actor: User, answer: Answer, reason: str) -> Answer:
    answer = _lock(answer)
    _check_open(answer)
    _require_district_admin(actor, answer.assessment)
    author = answer.updated_by
    before = _step(answer, workflow.Step.RETURN, reason)
    _revise(
        answer,
        actor=actor,
        action="returned",
        before=answer.value,
        fields=["status", "return_reason"],
        detail=answer.return_reason,
    )
    record(
        actor=actor,
        action="answer.returned",
        obj=answer,
        region=answer.assessment.region,
        before={"status": before},
        after={"status": S.RETURNED, "reason": answer.return_reason},
    )
    notices.returned(actor=actor, answer=answer, author=author)
    return answer


def _lower(assessment: Assessment) -> bool:
    """A kecamatan or village evaluation (Kecamatan / Desa-Kelurahan Layak Anak)."""
    return bool(assessment.cycle.instrument.framework.region_level > 2)


def assessment_missing(assessment: Assessment) -> list[Answer]:
    """Required answers not yet ready: not accepted by the district (its own evaluation), or
    not submitted (a kecamatan or village, whose operator answers and submits itself)."""
    ready = [S.SUBMITTED, S.ACCEPTED] if _lower(assessment) else [S.ACCEPTED]
    return list(
        Answer.objects.filter(assessment=assessment, question__required=True)
        .exclude(status__in=ready)
        .select_related("question__indicator")
        .order_by("question__indicator__order", "question__order")
    )


@transaction.atomic
def assessment_submit(*, actor: User, assessment: Assessment) -> Assessment:
    assessment = (
        Assessment.objects.select_for_update(of=("self",))
        .select_related("region", "cycle__instrument__framework")
        .get(pk=assessment.pk)
    )
    if _lower(assessment):
        if not authz.reaches(actor, A.EDIT, assessment.region):
            raise EvaluationError(_("Only the region's operator can submit its evaluation."))
    else:
        _require_district_admin(actor, assessment)
    if assessment.status == Assessment.Status.SUBMITTED:
        raise EvaluationError(_("The self-assessment has already been submitted."))
    if not stage_open_for(assessment, Stage.Kind.SELF_ASSESSMENT):
        raise _self_assessment_closed(assessment.region)
    missing = assessment_missing(assessment)
    if missing:
        raise EvaluationError(
            _("%(n)s required answers are not accepted yet: %(codes)s.")
            % {"n": len(missing), "codes": ", ".join(a.question.code for a in missing[:20])}
        )
    assessment.status = Assessment.Status.SUBMITTED
    assessment.submitted_at = timezone.now()
    assessment.submitted_by = actor
    assessment.save(update_fields=["status", "submitted_at", "submitted_by"])
    record(
        actor=actor,
        action="assessment.submitted",
        obj=assessment,
        region=assessment.region,
        before={"status": Assessment.Status.IN_PROGRESS},
        after={"status": Assessment.Status.SUBMITTED},
    )
    return assessment


# Last cycle's answers (``reuse``), still reachable here.
from layak.evaluation.reuse import answer_reuse_previous as answer_reuse_previous  # noqa: E402
from layak.evaluation.reuse import previous_answer as previous_answer  # noqa: E402
from layak.evaluation.reuse import previous_answers as previous_answers  # noqa: E402
from layak.evaluation.reuse import previous_cycles as previous_cycles  # noqa: E402
