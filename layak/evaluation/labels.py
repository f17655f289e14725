"""The words for the evaluation's audit actions (``layak.audit.display``). The answer
history's steps have theirs on ``AnswerRevision.Action``."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from layak.audit.display import (
    Choice,
    Deadline,
    Naming,
    Number,
    OfObject,
    Pairs,
    Ref,
    Text,
    Window,
    register,
)
from layak.evaluation.models import Answer, Assessment, Cycle, FieldPhoto, Stage
from layak.evaluation.querysets import options_prefetch
from layak.frameworks.models import InstrumentVersion, PredicateBand, Question
from layak.organisations.models import Organisation


def _answer_value(answer: Answer, value: Any) -> str:
    from layak.evaluation.forms import describe_value

    return describe_value(answer.question, value if isinstance(value, dict) else {})


def _answer_name(answer: Answer) -> str:
    return f"{answer.question.code} · {answer.assessment.region.name}"


STAGE = Choice(_("stage"), Stage.Kind)
WINDOWS = {str(kind): Window(label) for kind, label in Stage.Kind.choices}

register(
    names={
        Answer: Naming(
            name=_answer_name,
            related=("question", "assessment__region"),
            # In their own order: the options' default one would join the question to sort.
            prefetch=(options_prefetch("question__options"),),
        ),
        Assessment: Naming(
            name=lambda a: f"{a.cycle.name} · {a.region.name}", related=("cycle", "region")
        ),
        FieldPhoto: Naming(name=lambda p: p.note or str(_("a photo from the site"))),
        Question: Naming(name=lambda q: q.code),
        PredicateBand: Naming(name=lambda b: b.name),
    }
)
register(
    actions={
        "cycle.created": _("Cycle created"),
        "cycle.windows_changed": _("Stage windows changed"),
    },
    fields={"instrument": Ref(_("instrument"), InstrumentVersion), **WINDOWS},
)
register(
    actions={"gate.created": _("Gate added")},
    fields={
        "cycle": Ref(_("cycle"), Cycle),
        "question": Text(_("question that must be met")),
        "max_band": Ref(_("highest predicate when not met"), PredicateBand, by="code"),
        "reason": Text(_("reason shown")),
    },
)
register(
    actions={"stage.reopened": _("Stage reopened")},
    fields={"stage": STAGE, "until": Deadline(_("open until"))},
)
register(
    actions={
        "answer.saved": _("Answer saved"),
        "answer.computed": _("Answer counted from the programme's records"),
        "answer.reused": _("Answer copied from the previous cycle"),
    },
    fields={
        "value": OfObject(_("answer"), Answer, _answer_value),
        "points": Number(_("points"), places=2),
        "from_answer": Ref(_("copied from"), Answer),
    },
)
register(
    actions={
        "answer.submitted": _("Answer submitted"),
        "answer.accepted": _("Answer accepted"),
        "answer.returned": _("Answer returned by the district"),
        "answer.returned_by_province": _("Answer returned by the verifier"),
    }
)
register(
    actions={
        "assessment.created": _("Region added to the cycle"),
        "assessment.submitted": _("Self-assessment submitted"),
    },
    fields={"cycle": Ref(_("cycle"), Cycle)},
)
register(
    actions={"assessment.determined": _("Final score and predicate determined")},
    fields={
        "total": Number(_("total score"), places=2),
        "predicate": Text(_("predicate")),
        "capped_by": Text(_("capped because")),
    },
)
register(
    actions={"assignment.changed": _("Assignments changed")},
    fields={
        "assignments": Pairs(
            _("items and offices"), (Answer, Organisation), names=(lambda a: a.question.code, None)
        )
    },
)
register(
    actions={
        "score.agreed": _("Score agreed"),
        "score.adjusted": _("Score adjusted"),
        "score.agreed_rest": _("Every remaining score agreed"),
    },
    fields={
        "stage": STAGE,
        "points": Number(_("points"), places=2),
        "previous_level": Number(_("points at the level before"), places=2),
        "items": Number(_("items"), places=0),
    },
)
register(
    actions={"field_photo.added": _("Field photo added")},
    fields={"photo": Ref(_("photo"), FieldPhoto)},
)
