"""An assessment's answers as the API gives them (``AnswerOut``), with their points at each
stage and the offices they are assigned to.

Two ways to the same bytes. Everywhere, rows of columns read in three queries and built into
dicts that the API's renderer turns into JSON (``answer_rows``). On PostgreSQL, for the list of
an assessment's answers, the database writes the JSON text itself in one statement
(``body``): each answer's object with its points and assignments, ``value`` passed through as
the stored ``jsonb`` (never decoded), decimals as the text of their column, in the same key
order and with the same separators as Python's ``json.dumps``; the statement is compiled once
per set of grants (``layak.core.shapes``). What Python's encoder writes differently from the
database (``ensure_ascii``: every character past ``~`` as ``\\uXXXX``) is put right on the
text. A ``value`` holding a JSON number (Python would read it as a float and write it again
in its own way) is never written by Layak's checks; should one be found, the answers are
built the first way. layak/api/tests/test_answers_json.py compares the two.
"""

from __future__ import annotations

import json.encoder
import re
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.db import connection, connections
from django.db.models import F, Func, OuterRef, Subquery, TextField

from layak import authz
from layak.accounts.models import User
from layak.core.shapes import Shapes
from layak.evaluation.models import Answer, Assessment, Assignment, Score
from layak.organisations.models import Organisation

A = authz.Action

# An answer's columns as ``answer_row`` reads them: the answer's own and its question's.
ANSWER_COLUMNS = (
    "id",
    "assessment_id",
    "question__code",
    "question__kind",
    "question__max_points",
    "value",
    "note",
    "status",
    "return_reason",
    "revision",
)
# The answers' order in a list: their indicator's, then their question's (the id settles ties).
ORDER = ("question__indicator__order", "question__order", "pk")

SHAPES = Shapes()


def _decimal(value: Decimal | None) -> str | None:
    """A decimal as the API's JSON encoder writes it (a string), without asking the encoder."""
    return None if value is None else str(value)


def answer_row(
    row: dict[str, Any], points: dict[str, str | None], assigned: list[dict[str, Any]]
) -> dict[str, Any]:
    """An answer as ``AnswerOut`` (``row`` holds ``ANSWER_COLUMNS``)."""
    return {
        "id": row["id"],
        "assessment_id": row["assessment_id"],
        "question": row["question__code"],
        "kind": row["question__kind"],
        "max_points": _decimal(row["question__max_points"]),
        "value": row["value"],
        "note": row["note"],
        "status": row["status"],
        "return_reason": row["return_reason"],
        "revision": row["revision"],
        "points": points,
        "assigned_to": assigned,
    }


def answer_rows(rows: list[dict[str, Any]], assessment: int | None = None) -> list[dict[str, Any]]:
    """Answer rows (``ANSWER_COLUMNS``, scoped, in the order given) as ``AnswerOut`` rows, in
    two more queries whatever their number: the active assignments with their organisations'
    names, in the order they were made; the points at each stage, in the order they were first
    given. No model instances: at 274 questions the rows are built straight from the columns.
    When the answers are all of ``assessment``, the assignments and points are read by the
    assessment and kept for the answers listed (a list of every id would be a parameter each
    to prepare, send and parse), their statements compiled once."""
    ids = {row["id"] for row in rows}
    lookup, value = (
        ("answer__assessment_id", assessment)
        if assessment is not None
        else ("answer_id__in", sorted(ids))
    )

    def assigned_to(value: Any) -> Any:
        return (
            Assignment.objects.filter(is_active=True, **{lookup: value})
            .order_by("pk")
            .values_list("answer_id", "organisation_id", "organisation__name")
        )

    def scored(value: Any) -> Any:
        return (
            Score.objects.filter(**{lookup: value})
            .order_by("pk")
            .values_list("answer_id", "stage", "points")
        )

    if assessment is not None:
        assignments = SHAPES.fetch("assigned", assigned_to, assessment)
        scores_ = SHAPES.fetch("scored", scored, assessment)
    else:
        assignments, scores_ = list(assigned_to(value)), list(scored(value))
    assigned: dict[int, list[dict[str, Any]]] = {}
    for answer_id, organisation_id, name in assignments:
        if answer_id in ids:
            assigned.setdefault(answer_id, []).append(
                {"organisation_id": organisation_id, "organisation": name}
            )
    points: dict[int, dict[str, str | None]] = {}
    for answer_id, stage, pts in scores_:
        if answer_id in ids:
            points.setdefault(answer_id, {})[stage] = _decimal(pts)
    return [answer_row(row, points.get(row["id"], {}), assigned.get(row["id"], [])) for row in rows]


def seen(user: User, pk: int) -> bool:
    """Whether the person may see the assessment (compiled once per set of grants)."""
    return bool(
        SHAPES.fetch(
            ("seen", authz.scope_key(user)),
            lambda pk: (
                Assessment.objects.for_user(user, A.VIEW).filter(pk=pk).values_list("pk")[:1]
            ),
            pk,
        )
    )


def listed(user: User, pk: int) -> list[dict[str, Any]]:
    """The answers of assessment ``pk`` the person may see, as ``AnswerOut`` rows."""
    rows = SHAPES.fetch(
        ("answers", authz.scope_key(user)),
        lambda pk: (
            Answer.objects.for_user(user, A.VIEW)
            .filter(assessment_id=pk)
            .order_by(*ORDER)
            .values(*ANSWER_COLUMNS)
        ),
        pk,
    )
    return answer_rows(rows, pk)


# --- PostgreSQL: the JSON text written by the database -------------------------------------


class _Sql(Func):
    """SQL put together from literal text (each ``str``) and expressions, in the order given.
    No ``%`` in the text: it is passed on with the expressions' parameters."""

    def __init__(self, *parts: Any) -> None:
        self.parts = tuple(p if isinstance(p, str) else None for p in parts)
        super().__init__(*(p for p in parts if not isinstance(p, str)), output_field=TextField())

    def as_sql(
        self,
        compiler: Any,
        connection: Any,
        function: str | None = None,
        template: str | None = None,
        arg_joiner: str | None = None,
        **extra_context: Any,
    ) -> tuple[str, tuple[Any, ...]]:
        sql: list[str] = []
        params: list[Any] = []
        expressions = iter(self.get_source_expressions())
        for part in self.parts:
            if part is None:
                one, more = compiler.compile(next(expressions))
                sql.append(one)
                params.extend(more)
            else:
                sql.append(part)
        return "".join(sql), tuple(params)


class _Aggregated(_Sql):
    """An ``_Sql`` holding aggregates of the rows (grouping by none of its columns)."""

    contains_aggregate = True

    def get_group_by_cols(self) -> list[Any]:
        return []


def _json(expression: Any) -> tuple[Any, ...]:
    """A text column as a JSON string (the columns are never null)."""
    return ("to_json(", expression, ")::text")


def _decimal_json(expression: Any) -> tuple[Any, ...]:
    """A decimal column as the JSON string of its text (``str(Decimal)`` of the same value)."""
    return ("to_json((", expression, ")::text)::text")


# Whether a JSON value holds a number anywhere.
_NUMBER = "'strict $.** ? (@.type() == \"number\")'"


def _names(model: Any, *fields: str) -> tuple[str, ...]:
    """A model's table and the columns of ``fields``, quoted."""
    quote = connection.ops.quote_name
    return (quote(model._meta.db_table), *(quote(model._meta.get_field(f).column) for f in fields))


def _row() -> _Sql:
    """One answer's ``AnswerOut`` object (keys in ``answer_row``'s order). Its points and
    assignments are read by the answer, each in one aggregate without grouping (half the work
    of a grouped subquery, run once an answer)."""
    score, answer_id, stage, points, pk = _names(Score, "answer", "stage", "points", "id")
    points_sql = (
        f"(SELECT string_agg(to_json(layak_s.{stage})::text || ': ' || "  # noqa: S608
        f"to_json((layak_s.{points})::text)::text, ', ' ORDER BY layak_s.{pk}) "
        f"FROM {score} layak_s WHERE layak_s.{answer_id} = ("
    )
    assignment, answer_id, organisation_id, active, pk = _names(
        Assignment, "answer", "organisation", "is_active", "id"
    )
    organisation, org_pk, name = _names(Organisation, "id", "name")
    assigned_sql = (
        "(SELECT string_agg('{\"organisation_id\": ' || (layak_x."  # noqa: S608
        f"{organisation_id})::text || ', \"organisation\": ' || to_json(layak_o.{name})::text "
        f"|| '}}', ', ' ORDER BY layak_x.{pk}) FROM {assignment} layak_x "
        f"JOIN {organisation} layak_o ON layak_o.{org_pk} = layak_x.{organisation_id} "
        f"WHERE layak_x.{active} AND layak_x.{answer_id} = ("
    )
    return _Sql(
        "'{\"id\": ' || (",
        F("pk"),
        ")::text || ', \"assessment_id\": ' || (",
        F("assessment_id"),
        ")::text || ', \"question\": ' || ",
        *_json(F("question__code")),
        " || ', \"kind\": ' || ",
        *_json(F("question__kind")),
        " || ', \"max_points\": ' || ",
        *_decimal_json(F("question__max_points")),
        " || ', \"value\": ' || coalesce((",
        F("value"),
        ")::text, 'null') || ', \"note\": ' || ",
        *_json(F("note")),
        " || ', \"status\": ' || ",
        *_json(F("status")),
        " || ', \"return_reason\": ' || ",
        *_json(F("return_reason")),
        " || ', \"revision\": ' || (",
        F("revision"),
        f")::text || ', \"points\": ' || coalesce('{{' || {points_sql}",
        F("pk"),
        f")) || '}}', '{{}}') || ', \"assigned_to\": ' || coalesce('[' || {assigned_sql}",
        F("pk"),
        ")) || ']', '[]') || '}'",
    )


def _statement(user: User) -> Callable[[int], Any]:
    """The assessment (when the person may see it) with the JSON text of the answers they may
    see, in their order: ``''`` when a ``value`` holds a number."""

    def build(pk: int) -> Any:
        ordering: list[Any] = []
        for name in ORDER:
            ordering += [", " if ordering else "", F(name)]
        text = (
            Answer.objects.for_user(user, A.VIEW)
            .filter(assessment_id=OuterRef("pk"))
            .order_by()
            .values("assessment_id")
            .annotate(
                text=_Aggregated(
                    "CASE WHEN bool_or(jsonb_path_exists(",
                    F("value"),
                    f", {_NUMBER})) THEN '' ELSE '[' || string_agg(",
                    _row(),
                    ", ', ' ORDER BY ",
                    *ordering,
                    ") || ']' END",
                )
            )
            .values("text")
        )
        return (
            Assessment.objects.for_user(user, A.VIEW)
            .filter(pk=pk)
            .order_by()
            .annotate(answers_json=_Sql("coalesce((", Subquery(text), "), '[]')"))
            .values_list("answers_json")[:1]
        )

    return build


class BuiltInPython(Exception):
    """A ``value`` holds a JSON number: the answers are built in Python (``listed``)."""


# What Python's encoder (``ensure_ascii``) writes as ``\uXXXX`` and the database does not.
_NOT_ASCII = re.compile("[^\x00-\x7e]+")


def _ascii(match: re.Match[str]) -> str:
    return str(json.encoder.encode_basestring_ascii(match.group()))[1:-1]


def body(user: User, pk: int) -> str | None:
    """PostgreSQL: the JSON text of the answers of assessment ``pk`` the person may see, as
    ``json.dumps(listed(user, pk))`` writes it; ``None`` when they may not see the assessment.
    Raises ``BuiltInPython`` when the text must be built in Python (a number in a value)."""
    found = SHAPES.fetch(("answers-json", authz.scope_key(user)), _statement(user), pk)
    if not found:
        return None
    text: str = found[0][0]
    if not text:
        raise BuiltInPython
    return text if text.isascii() and "\x7f" not in text else _NOT_ASCII.sub(_ascii, text)


def json_in_database(alias: str = "default") -> bool:
    return connections[alias].vendor == "postgresql"
