"""The XLSX reports, written row by row in openpyxl's write-only mode; the rows are read in
batches, each batch in a fixed number of queries, so a whole country's answers never sit in
memory nor cost a query per row. Text is written as text: a value typed by a user that starts
with "=" stays a string and is never taken as a formula. Points are numbers shown with two
decimals (the format "0.00", which Excel writes in its reader's own language, as the pages do)
and a day is a date cell."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.db.models import Prefetch
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from layak.evaluation.forms import describe_value
from layak.evaluation.models import Answer, Assessment, Cycle, Score, Stage
from layak.evaluation.scores import current_results, progress_words, results
from layak.frameworks.models import Group, Option, Question, in_language
from layak.indicators.models import DataValue
from layak.partners import totals
from layak.partners.models import Contribution
from layak.plans import progress as plan_progress
from layak.plans.models import Plan
from layak.regions.models import Region

BATCH = 10  # districts per batch of the answers export
BOLD = Font(bold=True)
WRAP = Alignment(wrap_text=True, vertical="top")
POINTS = "0.00"  # points always with two decimals, as the pages write them
DAY = "d mmm yyyy"
Tick = Callable[[int, int], None]


def _cell(sheet: WriteOnlyWorksheet, value: Any, bold: bool = False) -> Any:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never a formula
    if bold:
        cell.font = BOLD
    return cell


def _header(sheet: WriteOnlyWorksheet, titles: Iterable[str]) -> None:
    """The sheet's first row: each column wide enough for its title (wrapped past 40
    characters), the row kept in view while scrolling."""
    titles = list(titles)
    for number, title in enumerate(titles, start=1):
        width = min(max(len(str(title)) + 2, 10), 40)
        # Proxied to the worksheet it writes (the stubs omit it).
        sheet.column_dimensions[get_column_letter(number)].width = width  # type: ignore[attr-defined]
    sheet.freeze_panes = "A2"
    cells = []
    for title in titles:
        cell = _cell(sheet, title, bold=True)
        cell.alignment = WRAP
        cells.append(cell)
    sheet.append(cells)


def _row(sheet: WriteOnlyWorksheet, values: Iterable[Any]) -> None:
    sheet.append([_cell(sheet, _plain(v)) for v in values])


def _points(sheet: WriteOnlyWorksheet, value: Any) -> Any:
    """A points cell: a number shown with two decimals (empty for none)."""
    cell = _cell(sheet, _plain(value))
    if value is not None:
        cell.number_format = POINTS
    return cell


def _day(sheet: WriteOnlyWorksheet, moment: Any) -> Any:
    """The day of ``moment`` in the site's time zone (the day the pages show), as a date."""
    cell = _cell(sheet, timezone.localtime(moment).date() if moment else None)
    if moment:
        cell.number_format = DAY
    return cell


def _plain(value: Any) -> Any:
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral() else int(value)
    return value


def _new() -> Workbook:
    return Workbook(write_only=True)


# ---- answers and scores of a cycle --------------------------------------------------------


def answer_batches(
    cycle: Cycle, area: Region | None, batch: int = BATCH
) -> Iterator[tuple[list[Answer], dict[int, dict[str, Score]]]]:
    """The answers of ``batch`` districts at a time (ordered by district and question), with
    their scores per stage; three queries per batch (answers, options, scores)."""
    assessments = Assessment.objects.filter(cycle=cycle, region__level=Region.Level.REGENCY)
    if area is not None:
        assessments = assessments.filter(region__path__startswith=area.path)
    ids = list(assessments.order_by("region__code").values_list("pk", flat=True))
    for start in range(0, len(ids), batch):
        chunk = ids[start : start + batch]
        answers = list(
            Answer.objects.filter(assessment_id__in=chunk)
            .select_related("assessment__region", "question__indicator__group")
            .prefetch_related(Prefetch("question__options", queryset=Option.objects.all()))
            .order_by(
                "assessment__region__code",
                "question__indicator__group__order",
                "question__indicator__order",
                "question__order",
            )
        )
        scores: dict[int, dict[str, Score]] = {}
        for score in Score.objects.filter(answer__assessment_id__in=chunk).only(
            "answer_id", "stage", "points", "reason"
        ):
            scores.setdefault(score.answer_id, {})[score.stage] = score
        yield answers, scores


def answers_workbook(cycle: Cycle, area: Region | None, target: IO[bytes], tick: Tick) -> int:
    """Sheet "Answers": one row per answer with its points at every stage; sheet "Totals": per
    district and stage the total, each cluster and the predicate. Returns the answer rows."""
    book = _new()
    sheet = book.create_sheet(_("Answers"))
    stages = [Stage.Kind(k) for k in Stage.ORDER]
    _header(
        sheet,
        [
            _("Region code"),
            _("Regency/city"),
            _("Cluster"),
            _("Indicator"),
            _("Question code"),
            _("Question"),
            _("Answer"),
            _("Status"),
            _("Maximum"),
            *[str(s.label) for s in stages],
            _("Reasons for adjustments"),
            _("Note"),
            _("Evidence files"),
        ],
    )
    assessments = Assessment.objects.filter(cycle=cycle, region__level=Region.Level.REGENCY)
    if area is not None:
        assessments = assessments.filter(region__path__startswith=area.path)
    count = assessments.count()
    done = rows = 0
    for answers, scores in answer_batches(cycle, area):
        files = _evidence_names([a.pk for a in answers])
        for answer in answers:
            q = answer.question
            by_stage = scores.get(answer.pk, {})
            reasons = "; ".join(
                f"{s.label}: {by_stage[s].reason}"
                for s in stages
                if s in by_stage and by_stage[s].reason
            )
            cells = [
                _cell(sheet, _plain(v))
                for v in [
                    answer.assessment.region.code,
                    answer.assessment.region.name,
                    q.indicator.group.code,
                    q.indicator.code,
                    q.code,
                    in_language(q),
                ]
            ]
            cells.append(_answer_cell(sheet, answer))
            cells.append(_cell(sheet, _plain(answer.get_status_display())))
            cells += [
                _points(sheet, v)
                for v in [
                    q.max_points,
                    *[(by_stage[s].points if s in by_stage else None) for s in stages],
                ]
            ]
            cells += [
                _cell(sheet, v) for v in [reasons, answer.note, "; ".join(files.get(answer.pk, []))]
            ]
            sheet.append(cells)
            rows += 1
        done += len({a.assessment_id for a in answers})
        tick(done, count)
    _totals_sheet(book, cycle, assessments)
    book.save(target)
    return rows


def _evidence_names(answer_ids: list[int]) -> dict[int, list[str]]:
    """The names of the files linked to each of these answers (links in force). One query."""
    from layak.evidence.models import EvidenceLink

    names: dict[int, list[str]] = {}
    for answer_id, name in (
        EvidenceLink.objects.filter(answer_id__in=answer_ids, is_active=True)
        .order_by("answer_id", "pk")
        .values_list("answer_id", "file__name")
    ):
        if name not in names.setdefault(answer_id, []):
            names[answer_id].append(name)
    return names


def _answer_cell(sheet: WriteOnlyWorksheet, answer: Answer) -> Any:
    """A number answered is a number in the sheet: a percentage in the percent format (92,5 %
    is 0.925), any other number as it is; every other answer in words."""
    q = answer.question
    number = (answer.value or {}).get("number")
    if number not in (None, "") and q.kind in (Question.Kind.NUMBER, Question.Kind.PERCENTAGE):
        try:
            value = Decimal(str(number))
        except ArithmeticError:
            value = None
        if value is not None and value.is_finite():
            if q.kind == Question.Kind.PERCENTAGE:
                cell = _cell(sheet, float(value / 100))
                cell.number_format = "0.0##%"
            else:
                cell = _cell(sheet, _plain(value))
            return cell
    return _cell(sheet, describe_value(q, answer.value))


def _totals_sheet(book: Workbook, cycle: Cycle, assessments: Any) -> None:
    sheet = book.create_sheet(_("Totals"))
    groups = list(
        Group.objects.filter(version_id=cycle.instrument_id)
        .order_by("order")
        .values_list("code", flat=True)
    )
    titles = [_("Region code"), _("Regency/city"), _("Stage"), _("Total")]
    last = [_("Predicate"), _("Predicate capped by"), _("Progress"), _("Determined on")]
    _header(sheet, [*titles, *groups, *last])
    listed = list(assessments.select_related("region").order_by("region__code"))
    ids = [a.pk for a in listed]
    # Each stage up to the one the district stands at, as it stands (the pages' rule); at that
    # stage a determined result is the fixed one, with the day it was determined.
    standing = current_results(cycle, listed)
    reached = {pk: r.stage for pk, r in standing.items()}
    for kind in Stage.ORDER:
        found = results(cycle, ids, kind)
        for a in listed:
            result = found.get(a.pk)
            if result is None or Stage.ORDER.index(kind) > Stage.ORDER.index(
                Stage.Kind(reached.get(a.pk, Stage.Kind.SELF_ASSESSMENT))
            ):
                continue
            fixed = a.determined_at is not None and kind == reached.get(a.pk)
            if fixed:
                result = standing[a.pk]
            sheet.append(
                [
                    *[_cell(sheet, _plain(v)) for v in [a.region.code, a.region.name]],
                    _cell(sheet, str(Stage.Kind(kind).label)),
                    _points(sheet, result.total),
                    *[_points(sheet, result.by_group.get(g)) for g in groups],
                    *[
                        _cell(sheet, _plain(v))
                        for v in [
                            result.predicate.name,
                            "; ".join(result.predicate.capped_by),
                            progress_words(result),
                        ]
                    ],
                    _day(sheet, a.determined_at if fixed else None),
                ]
            )


# ---- the RAD KLA with progress ------------------------------------------------------------


def plan_workbook(plan: Plan, target: IO[bytes], tick: Tick) -> int:
    """Sheet per year: the plan's items with target, budget per source, realised output and
    spending of accepted reports, and the behind flag. Returns the item rows of one year."""
    book = _new()
    years = list(range(plan.start_year, plan.end_year + 1))
    items = 0
    for n, year in enumerate(years, start=1):
        sheet = book.create_sheet(str(year))
        _header(
            sheet,
            [
                _("Reference"),
                _("Level"),
                _("Indicator"),
                _("Name"),
                _("Responsible office"),
                _("Performance indicator"),
                _("Unit"),
                _("Baseline"),
                _("Target"),
                _("Budget"),
                _("Realised"),
                _("Realised (%)"),
                _("Spent"),
                _("Last period reported"),
                _("Behind"),
            ],
        )
        rows = plan_progress.flatten(plan_progress.plan_progress(plan, year))
        for _depth, node in rows:
            item = node.item
            _row(
                sheet,
                [
                    item.ref,
                    item.get_level_display(),
                    item.indicator.code if item.indicator_id else "",
                    item.name,
                    item.responsible.name if item.responsible_id else "",
                    item.performance_indicator,
                    item.unit,
                    item.baseline,
                    node.target,
                    node.budget,
                    node.output,
                    node.percent,
                    node.spent,
                    node.last_period,
                    _("yes") if node.behind else "",
                ],
            )
        items = len(rows)
        tick(n, len(years))
    book.save(target)
    return items


# ---- partner contributions ----------------------------------------------------------------


def partners_workbook(district: Region, year: int, target: IO[bytes], tick: Tick) -> int:
    book = _new()
    sheet = book.create_sheet(_("Contributions"))
    _header(
        sheet,
        [
            _("Date"),
            _("Partner"),
            _("Kind of partner"),
            _("Commitment"),
            _("Cluster"),
            _("Kind of resource"),
            _("Description"),
            _("Amount (rupiah)"),
            _("People"),
            _("Children reached"),
            _("Status"),
        ],
    )
    contributions = (
        Contribution.objects.filter(
            commitment__organisation__region__path__startswith=district.path,
            is_active=True,
            date__year=year,
        )
        .select_related("commitment__organisation", "commitment__cluster")
        .order_by("date", "pk")
    )
    count = 0
    for c in contributions.iterator(chunk_size=500):
        org = c.commitment.organisation
        _row(
            sheet,
            [
                c.date,
                org.name,
                org.get_kind_display(),
                c.commitment.title,
                str(c.commitment.cluster) if c.commitment.cluster_id else "",
                c.get_kind_display(),
                c.description,
                c.amount,
                c.people,
                c.children_reached,
                c.get_status_display(),
            ],
        )
        count += 1
    tick(1, 2)
    found = totals.involvement(district, year)
    summary = book.create_sheet(_("Involvement"))
    titles = [_("Partners"), _("Contributions"), _("Funds (rupiah)"), _("People"), _("Children")]
    _header(summary, [_("Partner kind"), *titles])
    for row in found.by_kind:
        _row(summary, [row.label, *_figures(row.figures)])
    _row(summary, [_("Total"), *_figures(found.total)])
    _row(summary, [])
    _header(summary, [_("Cluster"), *titles])
    for row in found.by_cluster:
        _row(summary, [row.label, *_figures(row.figures)])
    tick(2, 2)
    book.save(target)
    return count


def _figures(f: totals.Figures) -> list[Any]:
    return [f.partners, f.contributions, f.funds, f.people, f.children]


# ---- indicator data values ----------------------------------------------------------------


def indicator_values_workbook(district: Region, year: int, target: IO[bytes], tick: Tick) -> int:
    book = _new()
    sheet = book.create_sheet(_("Data values"))
    _header(
        sheet,
        [
            _("Cluster"),
            _("Element code"),
            _("Data element"),
            _("Unit"),
            _("Region code"),
            _("Region"),
            _("Period"),
            _("Disaggregation"),
            _("Value"),
            _("Source office"),
            _("Source dataset"),
            _("Source date"),
        ],
    )
    values = (
        DataValue.objects.active()
        .filter(region__path__startswith=district.path, period_start__year=year)
        .select_related("element", "region", "organisation")
        .order_by("element__cluster", "element__code", "region__code", "period_start", "pk")
    )
    total = values.count()
    count = 0
    for v in values.iterator(chunk_size=1000):
        _row(
            sheet,
            [
                v.element.cluster,
                v.element.code,
                v.element.name,
                v.element.unit,
                v.region.code,
                v.region.name,
                v.period,
                v.disaggregation,
                v.value,
                v.organisation.name if v.organisation else "",
                v.dataset,
                v.source_date,
            ],
        )
        count += 1
        if count % 1000 == 0:
            tick(count, total)
    tick(count, total)
    book.save(target)
    return count
