"""Changes made on a phone without a connection, stored when they arrive.

Each goes through the very action and checks of a save made online (``answer_save`` with its
value check, stage windows and revision check; ``evidence_upload`` and ``evidence_attach`` for a
photo). The audit entries they write carry the time the change was made on the phone
(``layak.audit.context.made_at``) besides the time it arrived. A change the phone sends twice
is stored once (``SentChange``).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _

from layak.accounts.models import User
from layak.audit.context import made_at as made_at_var
from layak.audit.log import _jsonable, record
from layak.evaluation import actions
from layak.evaluation.forms import describe_value, value_from_post
from layak.evaluation.models import Answer
from layak.evidence import actions as evidence_actions
from layak.frameworks.models import Question
from layak.offline.models import SentChange
from layak.offline.package import item


@dataclass
class Outcome:
    """What became of one change: ``saved``, ``conflict`` (someone else's version is shown
    with the person's own) or ``refused`` (the message says why; the phone keeps the change)."""

    status: str
    message: str = ""
    item: dict[str, Any] | None = None
    mine: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "message": self.message,
            "item": self.item,
            "mine": self.mine,
            **self.extra,
        }


@contextmanager
def made_on_phone(moment: datetime.datetime) -> Iterator[None]:
    """Audit entries written inside carry the time the change was made on the phone."""
    token = made_at_var.set(moment)
    try:
        yield
    finally:
        made_at_var.reset(token)


def _fresh_item(answer: Answer) -> dict[str, Any]:
    from layak.offline.package import package_answer

    return item(package_answer(answer.pk))


def _already(actor: User, client_id: str) -> SentChange | None:
    return SentChange.objects.filter(user=actor, client_id=client_id).first()


def _sent_before(answer: Answer) -> Outcome:
    return Outcome("saved", _("Saved."), item=_fresh_item(answer))


def send_answer(
    *,
    actor: User,
    answer: Answer,
    client_id: str,
    made_at: datetime.datetime,
    fields: QueryDict,
) -> Outcome:
    """Store an answer typed offline: ``fields`` are the answer form's fields as the phone
    kept them (read in the person's language, as online), ``revision`` the one the phone had."""
    if _already(actor, client_id) is not None:
        return _sent_before(answer)
    question = Question.objects.prefetch_related("options").get(pk=answer.question_id)
    value, errors = value_from_post(question, fields)
    if errors:
        return Outcome("refused", " ".join(errors))
    note = fields.get("note", "").strip()
    try:
        revision = int(fields.get("revision", "-1"))
    except ValueError:
        revision = -1
    try:
        with transaction.atomic(), made_on_phone(made_at):
            saved = actions.answer_save(
                actor=actor, answer=answer, value=value, note=note, revision=revision
            )
            SentChange.objects.create(
                user=actor,
                client_id=client_id,
                kind=SentChange.Kind.ANSWER,
                answer=answer,
                made_at=made_at,
                revision=saved.revision,
            )
    except IntegrityError:
        # The same change arrived twice at once; the other request stored it.
        return _sent_before(answer)
    except actions.AnswerConflict as exc:
        # As online: their version is shown, and what this person typed beside it.
        mine = describe_value(question, value)
        if note:
            mine = f"{mine} — {_('note')}: {note}"
        return Outcome("conflict", str(exc), item=_fresh_item(answer), mine=mine)
    except actions.EvaluationError as exc:
        return Outcome("refused", str(exc))
    return Outcome("saved", _("Saved."), item=_fresh_item(saved))


@dataclass(frozen=True)
class Place:
    """Where and when the phone says a photo was taken (no place when it did not allow it)."""

    taken_at: datetime.datetime
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    accuracy: int | None = None


def _place_fields(place: Place) -> dict[str, Any]:
    return {
        "taken_at": place.taken_at,
        "latitude": place.latitude,
        "longitude": place.longitude,
        "accuracy": place.accuracy,
    }


def _record_place(actor: User, obj: Any, place: Place, answer: Answer) -> None:
    """The audit entry of when and where a photo was taken, in words in audit panels."""
    record(
        actor=actor,
        action="photo.placed",
        obj=obj,
        region=answer.assessment.region,
        after={k: _jsonable(v) for k, v in _place_fields(place).items()},
    )


@dataclass(frozen=True)
class Photo:
    """A photo as it came from the phone."""

    data: IO[bytes]
    name: str
    size: int
    place: Place


def _store_photo(
    *,
    actor: User,
    answer: Answer,
    client_id: str,
    made_at: datetime.datetime,
    photo: Photo,
    kind: str,
    store: Callable[[], dict[str, Any]],
    fresh: Callable[[Answer], dict[str, Any]],
) -> Outcome:
    """Store a photo through ``store`` (the online rules; it returns what the photo became,
    ``evidence`` or ``field_photo``), with its ``SentChange`` row and the audit entry of its
    place, once however often the phone sends it."""
    if _already(actor, client_id) is not None:
        return Outcome("saved", _("Photo attached."), item=fresh(answer))
    try:
        with transaction.atomic(), made_on_phone(made_at):
            stored = store()
            SentChange.objects.create(
                user=actor,
                client_id=client_id,
                kind=kind,
                answer=answer,
                made_at=made_at,
                evidence=stored.get("evidence"),
                field_photo=stored.get("field_photo"),
                **_place_fields(photo.place),
            )
            _record_place(actor, stored.get("evidence") or answer, photo.place, answer)
    except IntegrityError:
        return Outcome("saved", _("Photo attached."), item=fresh(answer))
    except (evidence_actions.UploadRefused, actions.EvaluationError) as exc:
        return Outcome("refused", str(exc))
    return Outcome(
        "saved",
        _("Photo attached."),
        item=fresh(answer),
        extra={k: v for k, v in stored.items() if k == "revision_before"},
    )


def send_photo(
    *, actor: User, answer: Answer, client_id: str, made_at: datetime.datetime, photo: Photo
) -> Outcome:
    """A photo taken offline joins the region's evidence library and is attached to the answer
    (the upload and attach rules of an online upload), with when and where it was taken."""

    def store() -> dict[str, Any]:
        evidence, _created = evidence_actions.evidence_upload(
            actor=actor,
            region=answer.assessment.region,
            data=photo.data,
            name=photo.name,
            size=photo.size,
        )
        # The phone moves an answer still waiting for this item on from the revision before.
        before = Answer.objects.values_list("revision", flat=True).get(pk=answer.pk)
        evidence_actions.evidence_attach(
            actor=actor, answer=answer, evidence=evidence, requirement=None
        )
        return {"evidence": evidence, "revision_before": before}

    return _store_photo(
        actor=actor,
        answer=answer,
        client_id=client_id,
        made_at=made_at,
        photo=photo,
        kind=SentChange.Kind.PHOTO,
        store=store,
        fresh=_fresh_item,
    )


def now_or(moment: datetime.datetime | None) -> datetime.datetime:
    """The phone's time, never later than the server's (a phone clock running ahead)."""
    now = timezone.now()
    return min(moment, now) if moment is not None else now


# ---- field verification ------------------------------------------------------------------


def _fresh_field_item(answer: Answer) -> dict[str, Any]:
    from layak.offline.package import field_item, field_package_answer

    return field_item(field_package_answer(answer.pk))


def send_score(
    *,
    actor: User,
    answer: Answer,
    client_id: str,
    made_at: datetime.datetime,
    fields: QueryDict,
) -> Outcome:
    """An assessor's field verification score decided on site: agreed with the previous level,
    or adjusted with a reason (``verification.verify_item``, its checks and audit entry). A score
    someone else gave the item since the phone took it along is a conflict, both shown."""
    from layak.core.numbers import NumberError, parse_number
    from layak.evaluation import verification
    from layak.evaluation.models import Score, Stage
    from layak.offline.package import field_seen, field_shown

    if _already(actor, client_id) is not None:
        return Outcome("saved", _("Saved."), item=_fresh_field_item(answer))
    decision = fields.get("decision", "")
    reason = fields.get("reason", "").strip()
    points: Decimal | None = None
    if decision == "adjust":
        try:
            points = parse_number(fields.get("points", ""), language=None)
        except NumberError as exc:
            return Outcome("refused", str(exc))
    elif decision != "agree":
        return Outcome("refused", _("Agree with the score or change it."))
    try:
        with transaction.atomic(), made_on_phone(made_at):
            locked = actions._lock(answer)
            current = (
                Score.objects.filter(answer=locked, stage=Stage.Kind.FIELD)
                .select_related("scored_by")
                .first()
            )
            if current is not None and field_seen(current) != fields.get("seen", ""):
                raise _ScoreConflict(current)
            verification.verify_item(
                actor=actor, answer=locked, stage=Stage.Kind.FIELD, points=points, reason=reason
            )
            SentChange.objects.create(
                user=actor,
                client_id=client_id,
                kind=SentChange.Kind.SCORE,
                answer=answer,
                made_at=made_at,
            )
    except IntegrityError:
        return Outcome("saved", _("Saved."), item=_fresh_field_item(answer))
    except _ScoreConflict as conflict:
        mine = (
            _("agree")
            if points is None
            else field_shown(Score(points=points, decision=Score.Decision.ADJUSTED, reason=reason))
        )
        return Outcome("conflict", str(conflict), item=_fresh_field_item(answer), mine=mine)
    except actions.EvaluationError as exc:
        return Outcome("refused", str(exc))
    return Outcome("saved", _("Saved."), item=_fresh_field_item(answer))


class _ScoreConflict(Exception):
    def __init__(self, score: Any) -> None:
        super().__init__(
            _(
                "%(who)s scored this item at %(when)s, after you took it along. "
                "Their score is shown; decide again and send."
            )
            % {
                "who": score.scored_by or _("Someone"),
                "when": timezone.localtime(score.scored_at).strftime("%H:%M:%S"),
            }
        )


def send_field_photo(
    *, actor: User, answer: Answer, client_id: str, made_at: datetime.datetime, photo: Photo
) -> Outcome:
    """An assessor's photo from the site, through ``verification.field_photo_add``, with when
    and where it was taken."""
    from layak.evaluation import verification

    def store() -> dict[str, Any]:
        added = verification.field_photo_add(
            actor=actor, answer=answer, data=photo.data, name=photo.name, size=photo.size, note=""
        )
        return {"field_photo": added}

    return _store_photo(
        actor=actor,
        answer=answer,
        client_id=client_id,
        made_at=made_at,
        photo=photo,
        kind=SentChange.Kind.FIELD_PHOTO,
        store=store,
        fresh=_fresh_field_item,
    )
