"""The instruments on the API, read-only: frameworks, versions with their predicate bands and
groups, indicators with their maxima, and questions with their options, score bands, evidence
requirements and supplying offices.

Instruments are reference data: every signed-in caller (session or token) reads them, as on the
web pages; writes happen only through the workbook import on the web. Each endpoint costs a
fixed number of queries whatever the instrument's size. Registered on the API in
``layak.api.api``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db.models import DecimalField, Prefetch, Q, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Field, Router, Schema

from layak.api import schemas as s
from layak.api.params import Cursor, Id, Integer
from layak.frameworks.models import (
    EvidenceRequirement,
    Framework,
    Group,
    Indicator,
    InstrumentVersion,
    Question,
)

router = Router(tags=["instruments"])
ERRORS = s.ERRORS
MAX_LIMIT = 500
ZERO = Value(Decimal(0), output_field=DecimalField(max_digits=10, decimal_places=2))


class FrameworkOut(Schema):
    code: str
    name: str
    name_en: str
    description: str
    description_en: str
    region_level: int = Field(description="2 regency/city, 3 kecamatan, 4 village")
    has_points: bool = Field(description="False for frameworks whose criteria are met or not")
    versions: list[int] = Field(description="Instrument version ids, newest first")


class BandOut(Schema):
    code: str
    name: str
    min_score: Decimal
    max_score: Decimal
    rank: int


class GroupOut(Schema):
    code: str
    name: str
    name_en: str
    order: int
    max_points: Decimal = Field(description="The sum of its indicators' maxima")


class InstrumentOut(Schema):
    id: int
    framework: str
    number: int
    label: str
    label_en: str
    status: str
    scale_max: Decimal
    is_default_scheme: bool
    reconstructed: bool = Field(
        description="The answer levels and their points are inferred, not the ministry's own"
    )
    source: str
    previous_id: int | None
    bands: list[BandOut]
    groups: list[GroupOut]


class IndicatorOut(Schema):
    id: int
    code: str
    group: str
    number: int
    name: str
    name_en: str
    measure: str
    max_points: Decimal = Field(
        description="The indicator's own maximum, or the sum of its questions' maxima"
    )
    questions_max_points: Decimal
    questions: int


class OptionOut(Schema):
    id: int
    label: str
    label_en: str
    points: Decimal
    meets: bool = Field(description="Frameworks without points: it meets the criterion")


class ScoreBandOut(Schema):
    lower: Decimal | None = Field(description="Inclusive; null is no lower limit")
    upper: Decimal | None = Field(description="Exclusive; null is no upper limit")
    points: Decimal


class EvidenceRequirementOut(Schema):
    id: int
    name: str
    kind: str
    required: bool
    template: str | None = Field(description="Where to download the matrix template, if any")


class QuestionOut(Schema):
    id: int
    code: str
    indicator: str
    order: int
    kind: str
    text: str
    text_en: str
    guidance: str
    max_points: Decimal
    direction: str
    required: bool
    computed: str = Field(
        description="Computed by Layak instead of typed: kelana_share, dekela_share, kelana_yes "
        "(the share of kecamatan answering yes to the same code on kelana2024), dekela_yes "
        "(villages, dekela2024), gt_meetings, partner_count; empty when typed"
    )
    computed_label: str = Field(description="The computed kind in words, in the caller's language")
    table: dict[str, Any]
    offices: list[str] = Field(description="The offices that supply it, as the instrument says")
    previous_id: int | None
    options: list[OptionOut]
    score_bands: list[ScoreBandOut]
    evidence: list[EvidenceRequirementOut]


class QuestionPage(s.Page):
    items: list[QuestionOut]


def _version(pk: int) -> InstrumentVersion:
    version = InstrumentVersion.objects.filter(pk=pk).select_related("framework").first()
    if version is None:
        raise Http404
    return version


def _indicators(version: InstrumentVersion) -> list[Indicator]:
    return list(
        Indicator.objects.filter(version=version)
        .select_related("group")
        .annotate(
            questions_max=Coalesce(Sum("questions__max_points"), ZERO),
            question_count=Sum(Value(1), filter=Q(questions__isnull=False)),
        )
        .order_by("group__order", "order", "number")
    )


def _maximum(indicator: Indicator) -> Decimal:
    own = indicator.max_points
    return own if own is not None else indicator.questions_max  # type: ignore[attr-defined]


@router.get("/frameworks", response={200: list[FrameworkOut], **ERRORS})
def instrument_frameworks(request: HttpRequest) -> Any:
    """Every framework with its instrument versions (reference data)."""
    frameworks = Framework.objects.prefetch_related(
        Prefetch("versions", queryset=InstrumentVersion.objects.order_by("-number"))
    ).order_by("code")
    return [
        {
            "code": f.code,
            "name": f.name,
            "name_en": f.name_en,
            "description": f.description,
            "description_en": f.description_en,
            "region_level": f.region_level,
            "has_points": f.has_points,
            "versions": [v.pk for v in f.versions.all()],
        }
        for f in frameworks
    ]


@router.get("/instruments/{pk}", response={200: InstrumentOut, **ERRORS})
def instrument_detail(request: HttpRequest, pk: Id) -> Any:
    """One instrument version: its predicate bands and its groups with their maxima."""
    version = _version(pk)
    maxima: dict[int, Decimal] = {}
    for indicator in _indicators(version):
        maxima[indicator.group_id] = maxima.get(indicator.group_id, Decimal(0)) + _maximum(
            indicator
        )
    groups = Group.objects.filter(version=version).order_by("order", "code")
    return {
        "id": version.pk,
        "framework": version.framework.code,
        "number": version.number,
        "label": version.label,
        "label_en": version.label_en,
        "status": version.status,
        "scale_max": version.scale_max,
        "is_default_scheme": version.is_default_scheme,
        "reconstructed": version.reconstructed,
        "source": version.source,
        "previous_id": version.previous_id,
        "bands": list(version.bands.order_by("rank")),
        "groups": [
            {
                "code": g.code,
                "name": g.name,
                "name_en": g.name_en,
                "order": g.order,
                "max_points": maxima.get(g.pk, Decimal(0)),
            }
            for g in groups
        ],
    }


@router.get("/instruments/{pk}/indicators", response={200: list[IndicatorOut], **ERRORS})
def instrument_indicators(request: HttpRequest, pk: Id) -> Any:
    """The version's indicators with their maxima; an indicator whose questions add up to more
    than its own maximum is capped there in every total."""
    version = _version(pk)
    return [
        {
            "id": i.pk,
            "code": i.code,
            "group": i.group.code,
            "number": i.number,
            "name": i.name,
            "name_en": i.name_en,
            "measure": i.measure,
            "max_points": _maximum(i),
            "questions_max_points": i.questions_max,  # type: ignore[attr-defined]
            "questions": i.question_count or 0,  # type: ignore[attr-defined]
        }
        for i in _indicators(version)
    ]


@router.get("/instruments/{pk}/questions", response={200: QuestionPage, **ERRORS})
def instrument_questions(
    request: HttpRequest, pk: Id, indicator: str = "", after: Cursor = 0, limit: Integer = 100
) -> Any:
    """The version's questions in the instrument's order, with their options, score bands,
    evidence requirements and offices; ``indicator`` (a code) narrows them to one indicator.
    Keyset pagination by id: pass ``next`` back as ``after``."""
    version = _version(pk)
    limit = max(1, min(limit, MAX_LIMIT))
    qs = version.questions.select_related("indicator").prefetch_related(
        "options",
        "score_bands",
        Prefetch("evidence_requirements", queryset=EvidenceRequirement.objects.order_by("order")),
    )
    if indicator:
        qs = qs.filter(indicator__code=indicator)
    items = list(qs.filter(pk__gt=after).order_by("pk")[: limit + 1])
    more = len(items) > limit
    items = items[:limit]
    return {
        "items": [_question(version, q) for q in items],
        "next": items[-1].pk if more and items else None,
    }


def _question(version: InstrumentVersion, q: Question) -> dict[str, Any]:
    return {
        "id": q.pk,
        "code": q.code,
        "indicator": q.indicator.code,
        "order": q.order,
        "kind": q.kind,
        "text": q.text,
        "text_en": q.text_en,
        "guidance": q.help_text,
        "max_points": q.max_points,
        "direction": q.direction,
        "required": q.required,
        "computed": q.computed,
        "computed_label": str(q.get_computed_display()) if q.computed else "",
        "table": q.table_spec,
        "offices": list(q.offices),
        "previous_id": q.previous_id,
        "options": [
            {
                "id": o.pk,
                "label": o.label,
                "label_en": o.label_en,
                "points": o.points,
                "meets": o.meets,
            }
            for o in q.options.all()
        ],
        "score_bands": [
            {"lower": b.lower, "upper": b.upper, "points": b.points} for b in q.score_bands.all()
        ],
        "evidence": [
            {
                "id": e.pk,
                "name": e.name,
                "kind": e.kind,
                "required": e.required,
                "template": reverse("frameworks:matrix", args=[version.pk, q.pk])
                if e.kind == EvidenceRequirement.Kind.MATRIX
                else None,
            }
            for e in q.evidence_requirements.all()
        ],
    }
