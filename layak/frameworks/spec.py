"""An instrument as plain data, its validation and its creation in the database.

Both the bundled frameworks (``bundled.py``) and XLSX workbooks (``workbook.py``) are read into an
``InstrumentSpec``; ``validate`` lists every problem with where it was found, and
``build_version`` creates a draft version from a valid spec in one transaction. One path, so a
workbook and the bundled data obey the same rules.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise

from django.db import transaction
from django.utils.translation import gettext as _

from layak.frameworks.models import (
    EvidenceRequirement,
    Framework,
    Group,
    Indicator,
    InstrumentVersion,
    Option,
    PredicateBand,
    Question,
    ScoreBand,
)
from layak.frameworks.scoring import OPTION_KINDS

KINDS = {k.value for k in Question.Kind}
BANDED_KINDS = {Question.Kind.NUMBER, Question.Kind.PERCENTAGE, Question.Kind.TABLE}


# The kind of answer each computed question holds.
COMPUTED_KINDS: dict[str, str] = {
    "kelana_share": "percentage",
    "dekela_share": "percentage",
    "gt_meetings": "number",
    "partner_count": "number",
    "kelana_yes": "percentage",
    "dekela_yes": "percentage",
}


@dataclass
class Where:
    """Where a problem is: sheet, row (1-based, as a spreadsheet shows it) and column."""

    sheet: str = ""
    row: int = 0
    column: str = ""


@dataclass
class BandSpec:
    code: str
    name: str
    min_score: Decimal
    max_score: Decimal
    rank: int
    where: Where = field(default_factory=Where)
    name_en: str = ""


@dataclass
class GroupSpec:
    code: str
    name: str
    order: int = 0
    where: Where = field(default_factory=Where)
    name_en: str = ""


@dataclass
class IndicatorSpec:
    code: str
    group: str
    name: str
    number: int = 0
    measure: str = ""
    order: int = 0
    where: Where = field(default_factory=Where)
    # The indicator's own maximum; None means the sum of its questions' maxima.
    max_points: Decimal | None = None
    name_en: str = ""


@dataclass
class OptionSpec:
    label: str
    points: Decimal
    order: int = 0
    where: Where = field(default_factory=Where)
    label_en: str = ""
    # Frameworks without points: choosing it meets the criterion.
    meets: bool = False


@dataclass
class ScoreBandSpec:
    lower: Decimal | None
    upper: Decimal | None
    points: Decimal
    where: Where = field(default_factory=Where)


@dataclass
class EvidenceSpec:
    name: str
    required: bool = False
    order: int = 0
    where: Where = field(default_factory=Where)
    kind: str = "document"
    name_en: str = ""


@dataclass
class QuestionSpec:
    code: str
    indicator: str
    kind: str
    text: str
    max_points: Decimal = Decimal(0)
    order: int = 0
    help_text: str = ""
    text_en: str = ""
    direction: str = "higher"
    required: bool = True
    table_rows: list[str] = field(default_factory=list)
    table_columns: list[str] = field(default_factory=list)
    table_ratio: list[str] = field(default_factory=list)
    computed: str = ""
    offices: list[str] = field(default_factory=list)
    options: list[OptionSpec] = field(default_factory=list)
    score_bands: list[ScoreBandSpec] = field(default_factory=list)
    evidence: list[EvidenceSpec] = field(default_factory=list)
    where: Where = field(default_factory=Where)


@dataclass
class InstrumentSpec:
    framework_code: str
    framework_name: str
    label: str
    scale_max: Decimal = Decimal(0)
    region_level: int = 2
    has_points: bool = True
    is_default_scheme: bool = False
    description: str = ""
    framework_name_en: str = ""
    description_en: str = ""
    label_en: str = ""
    reconstructed: bool = False
    source: str = ""
    bands: list[BandSpec] = field(default_factory=list)
    groups: list[GroupSpec] = field(default_factory=list)
    indicators: list[IndicatorSpec] = field(default_factory=list)
    questions: list[QuestionSpec] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        place = ", ".join(
            p
            for p in (
                self.sheet,
                _("row %(row)s") % {"row": self.row} if self.row else "",
                _("column %(column)s") % {"column": self.column} if self.column else "",
            )
            if p
        )
        return f"{place}: {self.message}" if place else self.message


def _problem(where: Where, message: str, column: str | None = None) -> Problem:
    return Problem(where.sheet, where.row, column if column is not None else where.column, message)


def validate(spec: InstrumentSpec) -> list[Problem]:
    """Every problem of the spec, in sheet order. An empty list means it can be built."""
    problems: list[Problem] = []
    top = Where(sheet="Instrument")
    if not spec.framework_code.strip():
        problems.append(_problem(top, _("The framework code is missing."), "framework_code"))
    if not spec.label.strip():
        problems.append(_problem(top, _("The version label is missing."), "label"))
    if spec.region_level not in (2, 3, 4):
        problems.append(_problem(top, _("The level must be 2, 3 or 4."), "region_level"))

    ranks: set[int] = set()
    band_codes: set[str] = set()
    for band in spec.bands:
        if band.code in band_codes:
            problems.append(_problem(band.where, _("This band code is used twice."), "code"))
        band_codes.add(band.code)
        if band.rank in ranks:
            problems.append(_problem(band.where, _("This rank is used twice."), "rank"))
        ranks.add(band.rank)
        if band.min_score > band.max_score:
            problems.append(_problem(band.where, _("“From” is above “to”."), "min"))
    ordered = sorted(spec.bands, key=lambda b: b.min_score)
    for a, b in pairwise(ordered):
        if b.min_score <= a.max_score:
            problems.append(_problem(b.where, _("This band overlaps the one before it."), "min"))

    group_codes: set[str] = set()
    for group in spec.groups:
        if not group.code:
            problems.append(_problem(group.where, _("The code is missing."), "code"))
        elif group.code in group_codes:
            problems.append(_problem(group.where, _("This code is used twice."), "code"))
        group_codes.add(group.code)
        if not group.name:
            problems.append(_problem(group.where, _("The name is missing."), "name"))

    indicator_codes: set[str] = set()
    for ind in spec.indicators:
        if not ind.code:
            problems.append(_problem(ind.where, _("The code is missing."), "code"))
        elif ind.code in indicator_codes:
            problems.append(_problem(ind.where, _("This code is used twice."), "code"))
        indicator_codes.add(ind.code)
        if ind.group not in group_codes:
            problems.append(
                _problem(
                    ind.where, _("No group has the code “%(code)s”.") % {"code": ind.group}, "group"
                )
            )
        if not ind.name:
            problems.append(_problem(ind.where, _("The name is missing."), "name"))

    question_codes: set[str] = set()
    by_indicator: dict[str, Decimal] = {}
    for q in spec.questions:
        problems.extend(_validate_question(spec, q, indicator_codes, question_codes))
        question_codes.add(q.code)
        by_indicator[q.indicator] = by_indicator.get(q.indicator, Decimal(0)) + q.max_points
    problems.extend(_validate_maxima(spec, by_indicator))
    return problems


def _validate_maxima(spec: InstrumentSpec, by_indicator: dict[str, Decimal]) -> list[Problem]:
    """An indicator's own maximum caps its questions' sum (never above it: it could not be
    reached); the indicators' maxima, or their questions' sums where they have none, add up to
    the scale (1000 in the national instrument)."""
    problems: list[Problem] = []
    total = Decimal(0)
    for ind in spec.indicators:
        questions = by_indicator.get(ind.code, Decimal(0))
        if ind.max_points is None:
            total += questions
            continue
        total += ind.max_points
        if ind.max_points < 0:
            problems.append(_problem(ind.where, _("Points cannot be negative."), "max_points"))
        elif ind.max_points > questions:
            problems.append(
                _problem(
                    ind.where,
                    _(
                        "The indicator's maximum (%(max)s) is above the sum of its questions' "
                        "maxima (%(sum)s)."
                    )
                    % {"max": _fmt(ind.max_points), "sum": _fmt(questions)},
                    "max_points",
                )
            )
    # Questions of an unknown indicator are reported on their own row; their points still count.
    known = {i.code for i in spec.indicators}
    total += sum((v for code, v in by_indicator.items() if code not in known), Decimal(0))
    if spec.has_points and spec.questions and total != spec.scale_max:
        problems.append(
            _problem(
                Where(sheet="Questions"),
                _("The maximum points add up to %(total)s, not %(scale)s.")
                % {"total": _fmt(total), "scale": _fmt(spec.scale_max)},
                "max_points",
            )
        )
    return problems


def _validate_question(
    spec: InstrumentSpec, q: QuestionSpec, indicator_codes: set[str], seen: set[str]
) -> list[Problem]:
    problems: list[Problem] = []
    w = q.where
    if not q.code:
        problems.append(_problem(w, _("The code is missing."), "code"))
    elif q.code in seen:
        problems.append(_problem(w, _("This code is used twice."), "code"))
    if q.indicator not in indicator_codes:
        problems.append(
            _problem(
                w, _("No indicator has the code “%(code)s”.") % {"code": q.indicator}, "indicator"
            )
        )
    if q.kind not in KINDS:
        problems.append(
            _problem(
                w,
                _("Unknown kind “%(kind)s”; use one of: %(kinds)s.")
                % {"kind": q.kind, "kinds": ", ".join(sorted(KINDS))},
                "kind",
            )
        )
        return problems
    if not q.text:
        problems.append(_problem(w, _("The question text is missing."), "text"))
    if q.max_points < 0:
        problems.append(_problem(w, _("Points cannot be negative."), "max_points"))
    if not spec.has_points and q.max_points:
        problems.append(_problem(w, _("This framework has no points."), "max_points"))
    if q.direction not in ("higher", "lower"):
        problems.append(_problem(w, _("The direction must be “higher” or “lower”."), "direction"))
    if q.kind in OPTION_KINDS:
        if len(q.options) < 2:
            problems.append(_problem(w, _("A choice question needs at least two options."), "kind"))
        if not spec.has_points and not any(o.meets for o in q.options):
            problems.append(
                _problem(
                    w,
                    _("Without points, one of the options must say the criterion is met."),
                    "kind",
                )
            )
        for option in q.options:
            if option.points < 0 or option.points > q.max_points:
                problems.append(
                    _problem(
                        option.where,
                        _("Option points must be between 0 and the question's maximum."),
                        "points",
                    )
                )
    elif q.options:
        problems.append(_problem(w, _("Only choice questions have options."), "kind"))
    if q.score_bands and q.kind not in BANDED_KINDS:
        problems.append(
            _problem(w, _("Only number, percentage and table questions have score bands."), "kind")
        )
    for band in q.score_bands:
        if band.points < 0 or band.points > q.max_points:
            problems.append(
                _problem(
                    band.where,
                    _("Band points must be between 0 and the question's maximum."),
                    "points",
                )
            )
        if band.lower is not None and band.upper is not None and band.lower >= band.upper:
            problems.append(_problem(band.where, _("“From” must be below “below”."), "from"))
    for evidence in q.evidence:
        if evidence.kind not in EvidenceRequirement.Kind.values:
            problems.append(
                _problem(
                    evidence.where,
                    _("Unknown kind of evidence “%(kind)s”; use one of: %(kinds)s.")
                    % {"kind": evidence.kind, "kinds": ", ".join(EvidenceRequirement.Kind.values)},
                    "kind",
                )
            )
    if q.computed and (
        q.computed not in Question.Computed.values
        or q.kind != COMPUTED_KINDS.get(q.computed, Question.Kind.PERCENTAGE)
    ):
        problems.append(
            _problem(
                w,
                _(
                    "A computed question is a percentage of kelana_share, dekela_share, "
                    "kelana_yes or dekela_yes, or a number of gt_meetings or partner_count."
                ),
                "computed",
            )
        )
    if q.kind == Question.Kind.TABLE:
        if not q.table_rows or not q.table_columns:
            problems.append(_problem(w, _("A table needs rows and columns."), "table_rows"))
        if q.table_ratio and (
            len(q.table_ratio) != 2 or any(c not in q.table_columns for c in q.table_ratio)
        ):
            problems.append(
                _problem(
                    w,
                    _("The ratio names two of the table's columns: numerator, denominator."),
                    "table_ratio",
                )
            )
        if q.score_bands and not q.table_ratio:
            problems.append(_problem(w, _("A scored table needs a ratio."), "table_ratio"))
    return problems


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


@transaction.atomic
def build_version(
    spec: InstrumentSpec, *, previous: InstrumentVersion | None = None
) -> InstrumentVersion:
    """Create a draft version from a valid spec (``validate`` must have returned nothing).

    Questions whose code also exists in ``previous`` (default: the framework's latest version)
    are mapped to it, so answers can be offered for reuse."""
    framework, created = Framework.objects.get_or_create(
        code=spec.framework_code,
        defaults={
            "name": spec.framework_name or spec.framework_code,
            "name_en": spec.framework_name_en,
            "region_level": spec.region_level,
            "has_points": spec.has_points,
            "description": spec.description,
            "description_en": spec.description_en,
        },
    )
    if not created and previous is None:
        previous = framework.versions.order_by("-number").first()
    number = (
        framework.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    version = InstrumentVersion.objects.create(
        framework=framework,
        number=number,
        label=spec.label,
        label_en=spec.label_en,
        is_default_scheme=spec.is_default_scheme,
        reconstructed=spec.reconstructed,
        source=spec.source,
        scale_max=spec.scale_max,
        previous=previous,
    )
    PredicateBand.objects.bulk_create(
        PredicateBand(
            version=version,
            code=b.code,
            name=b.name,
            name_en=b.name_en,
            min_score=b.min_score,
            max_score=b.max_score,
            rank=b.rank,
        )
        for b in spec.bands
    )
    groups = {
        g.code: g
        for g in Group.objects.bulk_create(
            Group(version=version, code=g.code, name=g.name, name_en=g.name_en, order=g.order or i)
            for i, g in enumerate(spec.groups)
        )
    }
    indicators = {
        i.code: i
        for i in Indicator.objects.bulk_create(
            Indicator(
                version=version,
                group=groups[s.group],
                code=s.code,
                number=s.number,
                name=s.name,
                name_en=s.name_en,
                measure=s.measure,
                order=s.order or n,
                max_points=s.max_points,
            )
            for n, s in enumerate(spec.indicators)
        )
    }
    old = dict(previous.questions.values_list("code", "pk")) if previous is not None else {}
    questions = Question.objects.bulk_create(
        Question(
            version=version,
            indicator=indicators[q.indicator],
            code=q.code,
            order=q.order or n,
            text=q.text,
            text_en=q.text_en,
            help_text=q.help_text,
            kind=q.kind,
            max_points=q.max_points,
            direction=q.direction,
            required=q.required,
            table_spec=(
                {"rows": q.table_rows, "columns": q.table_columns, "ratio": q.table_ratio}
                if q.kind == Question.Kind.TABLE
                else {}
            ),
            previous_id=old.get(q.code),
            computed=q.computed,
            offices=q.offices,
        )
        for n, q in enumerate(spec.questions)
    )
    options: list[Option] = []
    bands: list[ScoreBand] = []
    evidence: list[EvidenceRequirement] = []
    for question, q in zip(questions, spec.questions, strict=True):
        options += [
            Option(
                question=question,
                order=o.order or i,
                label=o.label,
                label_en=o.label_en,
                points=o.points,
                meets=o.meets,
            )
            for i, o in enumerate(q.options)
        ]
        bands += [
            ScoreBand(question=question, lower=b.lower, upper=b.upper, points=b.points)
            for b in q.score_bands
        ]
        evidence += [
            EvidenceRequirement(
                question=question,
                order=e.order or i,
                name=e.name,
                name_en=e.name_en,
                required=e.required,
                kind=e.kind,
            )
            for i, e in enumerate(q.evidence)
        ]
    Option.objects.bulk_create(options)
    ScoreBand.objects.bulk_create(bands)
    EvidenceRequirement.objects.bulk_create(evidence)
    return version


def spec_of(version: InstrumentVersion) -> InstrumentSpec:
    """The spec of a stored version (for export and for copying into a new version)."""
    framework = version.framework
    questions = (
        version.questions.select_related("indicator")
        .prefetch_related("options", "score_bands", "evidence_requirements")
        .order_by("indicator__group__order", "indicator__order", "order")
    )
    return InstrumentSpec(
        framework_code=framework.code,
        framework_name=framework.name,
        label=version.label,
        scale_max=version.scale_max,
        region_level=framework.region_level,
        has_points=framework.has_points,
        is_default_scheme=version.is_default_scheme,
        description=framework.description,
        framework_name_en=framework.name_en,
        description_en=framework.description_en,
        label_en=version.label_en,
        reconstructed=version.reconstructed,
        source=version.source,
        bands=[
            BandSpec(b.code, b.name, b.min_score, b.max_score, b.rank, name_en=b.name_en)
            for b in version.bands.all()
        ],
        groups=[
            GroupSpec(g.code, g.name, g.order, name_en=g.name_en) for g in version.groups.all()
        ],
        indicators=[
            IndicatorSpec(
                i.code,
                i.group.code,
                i.name,
                i.number,
                i.measure,
                i.order,
                max_points=i.max_points,
                name_en=i.name_en,
            )
            for i in version.indicators.select_related("group")
        ],
        questions=[
            QuestionSpec(
                code=q.code,
                indicator=q.indicator.code,
                kind=q.kind,
                text=q.text,
                text_en=q.text_en,
                max_points=q.max_points,
                order=q.order,
                help_text=q.help_text,
                direction=q.direction,
                required=q.required,
                table_rows=list(q.table_spec.get("rows", [])),
                table_columns=list(q.table_spec.get("columns", [])),
                table_ratio=list(q.table_spec.get("ratio", [])),
                computed=q.computed,
                offices=list(q.offices),
                options=[
                    OptionSpec(o.label, o.points, o.order, label_en=o.label_en, meets=o.meets)
                    for o in q.options.all()
                ],
                score_bands=[
                    ScoreBandSpec(b.lower, b.upper, b.points) for b in q.score_bands.all()
                ],
                evidence=[
                    EvidenceSpec(e.name, e.required, e.order, kind=e.kind, name_en=e.name_en)
                    for e in q.evidence_requirements.all()
                ],
            )
            for q in questions
        ],
    )
