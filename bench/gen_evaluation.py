"""The national dataset: three cycles of the evaluation with answers, evidence and scores."""

from __future__ import annotations

import datetime
import hashlib
import json
import random
import uuid
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bench.gen_base import (
    GATE_QUESTION,
    GROUP_OFFICES,
    INDICATOR_OFFICES,
    Context,
    District,
    Event,
    Log,
    copy_rows,
)

# --- evaluation ------------------------------------------------------------------------------


@dataclass
class Q:
    """A question of the instrument, with what generating and scoring its answers needs."""

    obj: Any
    id: int
    code: str
    kind: str
    group: str
    indicator: str
    computed: str
    options: list[Any]  # best first
    bands: list[Any]
    requirement: int | None
    evidence_required: bool


def _questions(version: Any) -> list[Q]:
    from layak.frameworks.models import Question

    out = []
    for q in (
        Question.objects.filter(version=version)
        .select_related("indicator__group")
        .prefetch_related("options", "score_bands", "evidence_requirements")
        .order_by("indicator__group__order", "indicator__order", "order")
    ):
        reqs = list(q.evidence_requirements.all())
        out.append(
            Q(
                q,
                q.pk,
                q.code,
                q.kind,
                q.indicator.group.code,
                q.indicator.code,
                q.computed,
                sorted(q.options.all(), key=lambda o: -o.points),
                list(q.score_bands.all()),
                reqs[0].pk if reqs else None,
                any(r.required for r in reqs),
            )
        )
    return out


def _number_in(band: Any, rng: random.Random, percentage: bool) -> Decimal:
    lower = band.lower if band.lower is not None else Decimal(0)
    upper = band.upper if band.upper is not None else (Decimal(100) if percentage else lower + 10)
    if upper <= lower:
        upper = lower + 1
    value = lower + (upper - lower) * Decimal(rng.random() * 0.98)
    return value.quantize(Decimal("0.01") if percentage else Decimal(1), rounding="ROUND_DOWN")


def _band(q: Q, strength: float, rng: random.Random) -> Any:
    best = sorted(q.bands, key=lambda b: -b.points)
    if rng.random() < strength:
        return best[0]
    return best[min(len(best) - 1, 1 + int(rng.random() * (len(best) - 1)))]


def answer_value(q: Q, strength: float, rng: random.Random) -> dict[str, Any]:
    """A plausible answer for the question's kind, better with ``strength``."""
    if q.kind in ("single", "yes_no"):
        if rng.random() < strength:
            return {"option": str(q.options[0].pk)}
        return {"option": str(rng.choice(q.options[1:] or q.options).pk)}
    if q.kind == "multiple":
        chosen = [o for o in q.options if rng.random() < strength] or q.options[:1]
        return {"options": sorted(str(o.pk) for o in chosen)}
    if q.kind in ("number", "percentage"):
        return {"number": str(_number_in(_band(q, strength, rng), rng, q.kind == "percentage"))}
    if q.kind == "table":
        spec = q.obj.table_spec
        numerator, denominator = spec["ratio"]
        ratio = _number_in(_band(q, strength, rng), rng, True) / 100
        cells = {}
        for row in spec["rows"]:
            total = 2000 + int(rng.random() * 40000)
            cells[f"{row}|{denominator}"] = str(total)
            cells[f"{row}|{numerator}"] = str(min(total, int(total * ratio)))
        return {"cells": cells}
    if q.kind == "text":
        return {"text": "TP PKK, LPA, APSAI dan radio lokal terlibat dalam sosialisasi hak anak."}
    return {}


def _windows(
    ctx: Context, years_ago: int
) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    from layak.evaluation.demo import windows_open_at
    from layak.evaluation.models import Stage

    if years_ago == 0:
        return windows_open_at(Stage.Kind.SELF_ASSESSMENT, days=60)
    start = datetime.datetime(ctx.year - years_ago, 1, 6, tzinfo=datetime.UTC)
    out = {}
    for kind, length in zip(Stage.ORDER, [60, 45, 30, 30, 20], strict=True):
        out[str(kind)] = (start, start + datetime.timedelta(days=length))
        start += datetime.timedelta(days=length + 1)
    return out


def load_evaluation(ctx: Context, log: Log) -> list[Any]:
    """Cycles, assessments, answers, assignments, revisions, scores and evidence."""
    from django.contrib.contenttypes.models import ContentType

    from layak.accounts.models import User
    from layak.evaluation import actions, computed, cycle_actions
    from layak.evaluation.demo import tiny_pdf
    from layak.evaluation.models import (
        Answer,
        AnswerRevision,
        Assessment,
        Assignment,
        Score,
        Stage,
    )
    from layak.evidence.models import EvidenceFile, EvidenceLink
    from layak.frameworks.current import current_kla_version
    from layak.frameworks.models import Question

    version = current_kla_version()
    assert version is not None, "the bundled frameworks are loaded first"
    questions = _questions(version)
    minister = User.objects.get(pk=ctx.ministry[0])
    cycles = []
    for years_ago in (2, 1, 0):
        cycle = actions.cycle_create(
            actor=minister,
            name=f"Evaluasi KLA {ctx.year - years_ago}",
            instrument=version,
            windows=_windows(ctx, years_ago),
        )
        cycle_actions.gate_add(
            actor=minister,
            cycle=cycle,
            question=Question.objects.get(version=version, code=GATE_QUESTION),
            max_band=version.bands.get(code="UTAMA"),
            reason="Larangan iklan, promosi dan sponsor rokok",
        )
        cycles.append((cycle, years_ago))

    # Computed answers count task force meetings, partners' commitments and lower-level
    # results; the generated districts have none of these, so every district gets the same
    # value the application computes (asked once per kind and year of the first district).
    from layak.regions.models import Region

    first = Region.objects.get(pk=ctx.districts[0].id)
    # KLA 2024's KELANA/DEKELA questions are shares of the district's kecamatan or villages
    # that answered "yes" in a determined evaluation: none in the generated data, so 0 %.
    computed_values: dict[tuple[str, int], tuple[dict[str, Any], str]] = {}
    shares = {kind: computed.yes_shares(first, kind) for kind in computed.YES}
    for _cycle, years_ago in cycles:
        year = ctx.year - years_ago - 1
        for q in questions:
            if q.computed in shares:
                found = shares[q.computed].share(q.code)
                note = shares[q.computed].note(q.code)
                key = q.code
            elif q.computed:
                found = computed.value_of(q.computed, first, year)
                note = computed.note_of(q.computed, year)
                key = q.computed
            else:
                continue
            computed_values[(key, years_ago)] = (
                {"number": f"{found}"} if found is not None else {},
                note,
            )

    # Evidence: per district, files for half the questions, reused by every cycle's answer.
    half = len(questions) // 2
    evidence_questions: dict[int, list[Q]] = {}
    files: list[tuple[Any, ...]] = []
    file_of: dict[tuple[int, int], int] = {}
    written = 0
    for d in ctx.districts:
        must = [
            q
            for q in questions
            if q.evidence_required or (q.kind == "evidence" and ctx.rng.random() < 0.3 + d.strength)
        ]
        rest = [q for q in questions if q not in must]
        chosen = must + ctx.rng.sample(rest, half - len(must))
        evidence_questions[d.id] = chosen
        folder = ctx.media_root / "evidence" / d.code
        folder.mkdir(parents=True, exist_ok=True)
        for q in chosen:
            data = tiny_pdf(f"{q.code} - {d.name}")
            name = uuid.UUID(int=ctx.rng.getrandbits(128)).hex
            path = f"evidence/{d.code}/{name}.pdf"
            (ctx.media_root / path).write_bytes(data)
            written += len(data)
            pk = ctx.ids.take(EvidenceFile)
            file_of[(d.id, q.id)] = pk
            files.append(
                (
                    pk,
                    d.id,
                    _office_for(d, q, GROUP_OFFICES, INDICATOR_OFFICES),
                    path,
                    f"Data dukung {q.code}.pdf",
                    "pdf",
                    "application/pdf",
                    len(data),
                    hashlib.sha256(data).hexdigest(),
                    d.admin,
                    ctx.now,
                    False,
                )
            )
    ctx.counts["evidence_files"] = copy_rows(
        EvidenceFile,
        [
            "id",
            "region",
            "organisation",
            "file",
            "name",
            "extension",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "is_public",
        ],
        files,
    )
    ctx.counts["evidence_bytes"] = written

    assessments: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    assignments: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    scores: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    events: list[Event] = []
    from layak.frameworks.scoring import points_for

    def flush() -> None:
        """COPY one cycle's rows and let them go: memory stays that of one cycle."""
        ctx.counts["assessments"] = ctx.counts.get("assessments", 0) + copy_rows(
            Assessment,
            [
                "id",
                "cycle",
                "region",
                "status",
                "submitted_at",
                "submitted_by",
                "final_total",
                "final_band",
                "determined_at",
                "determined_by",
                "created_at",
            ],
            assessments,
        )
        ctx.counts["answers"] = ctx.counts.get("answers", 0) + copy_rows(
            Answer,
            [
                "id",
                "assessment",
                "question",
                "value",
                "note",
                "status",
                "return_reason",
                "returned_at_stage",
                "revision",
                "updated_at",
                "updated_by",
            ],
            answers,
        )
        answers.clear()
        ctx.counts["assignments"] = ctx.counts.get("assignments", 0) + copy_rows(
            Assignment,
            ["id", "answer", "organisation", "is_active", "created_at", "created_by"],
            assignments,
        )
        assignments.clear()
        ctx.counts["answer_revisions"] = ctx.counts.get("answer_revisions", 0) + copy_rows(
            AnswerRevision,
            [
                "id",
                "answer",
                "revision",
                "action",
                "value_before",
                "value_after",
                "note",
                "status",
                "author",
                "at",
            ],
            revisions,
        )
        revisions.clear()
        ctx.counts["scores"] = ctx.counts.get("scores", 0) + copy_rows(
            Score,
            ["id", "answer", "stage", "points", "decision", "reason", "scored_by", "scored_at"],
            scores,
        )
        scores.clear()
        ctx.counts["evidence_links"] = ctx.counts.get("evidence_links", 0) + copy_rows(
            EvidenceLink,
            ["id", "answer", "file", "requirement", "is_active", "linked_by", "linked_at"],
            links,
        )
        links.clear()
        assessments.clear()

    for cycle, years_ago in cycles:
        stages = {s.kind: s for s in Stage.objects.filter(cycle=cycle)}
        self_stage = stages[Stage.Kind.SELF_ASSESSMENT]
        done = years_ago > 0
        for d in ctx.districts:
            rng = ctx.rng
            strength = min(1.0, d.strength + 0.05 * (2 - years_ago))
            progress = 1.0 if done else rng.random()
            assessment = ctx.ids.take(Assessment)
            submitted_at = self_stage.closes_at - datetime.timedelta(days=2) if done else None
            assessments.append(
                (
                    assessment,
                    cycle.pk,
                    d.id,
                    "submitted" if done else "in_progress",
                    submitted_at,
                    d.admin if done else None,
                    None,
                    None,
                    None,
                    None,
                    self_stage.opens_at,
                )
            )
            with_evidence = {q.id for q in evidence_questions[d.id]}
            for i, q in enumerate(questions):
                answer = ctx.ids.take(Answer)
                offices = [
                    d.offices[a]
                    for a in INDICATOR_OFFICES.get(q.indicator, GROUP_OFFICES.get(q.group, []))
                    if a in d.offices
                ] or [d.offices["DP3A"]]
                for office in offices:
                    assignments.append(
                        (
                            ctx.ids.take(Assignment),
                            answer,
                            office,
                            True,
                            self_stage.opens_at,
                            d.admin,
                        )
                    )
                author = d.admin if q.computed else d.operators.get(offices[0], d.admin)
                t = self_stage.opens_at + datetime.timedelta(days=1 + i % 40, hours=rng.random())
                has_evidence = q.id in with_evidence
                if has_evidence:
                    links.append(
                        (
                            ctx.ids.take(EvidenceLink),
                            answer,
                            file_of[(d.id, q.id)],
                            q.requirement,
                            True,
                            author,
                            t,
                        )
                    )
                answered = done or i < progress * len(questions)
                if not answered:
                    answers.append(
                        (answer, assessment, q.id, "{}", "", "draft", "", "", 0, None, None)
                    )
                    continue
                if q.computed:
                    value, note = computed_values[
                        (q.code if q.computed in shares else q.computed, years_ago)
                    ]
                else:
                    # Hardly any district meets the gate (the tobacco-advertising ban) yet.
                    gate = q.code == GATE_QUESTION
                    value = answer_value(q, strength * 0.3 if gate else strength, rng)
                    note = "Data dari perangkat daerah."
                # The steps this answer went through; the open cycle leaves some on the way.
                if done:
                    status = "accepted"
                else:
                    roll = rng.random()
                    status = (
                        "accepted"
                        if roll < 0.55
                        else "submitted"
                        if roll < 0.8
                        else "returned"
                        if roll < 0.85
                        else "draft"
                    )
                steps = [("saved", "draft", author, t)]
                if status != "draft":
                    steps.append(
                        ("submitted", "submitted", author, t + datetime.timedelta(hours=2))
                    )
                if status == "accepted":
                    steps.append(("accepted", "accepted", d.admin, t + datetime.timedelta(days=1)))
                if status == "returned":
                    steps.append(("returned", "returned", d.admin, t + datetime.timedelta(days=1)))
                value_json = _json(value)
                for n, (action, st, who, at) in enumerate(steps, start=1):
                    revisions.append(
                        (
                            ctx.ids.take(AnswerRevision),
                            answer,
                            n,
                            action,
                            "{}" if n == 1 else value_json,
                            value_json,
                            note,
                            st,
                            who,
                            at,
                        )
                    )
                    events.append(
                        Event(
                            at,
                            who,
                            f"answer.{action}",
                            answer,
                            d,
                            q.code,
                            {"value": {}} if n == 1 else {"status": steps[n - 2][1]},
                            {"value": value} if n == 1 else {"status": st},
                        )
                    )
                last = steps[-1]
                answers.append(
                    (
                        answer,
                        assessment,
                        q.id,
                        value_json,
                        note,
                        status,
                        "Lengkapi data dukung tahun berjalan." if status == "returned" else "",
                        "self" if status == "returned" else "",
                        len(steps),
                        last[3],
                        last[2],
                    )
                )
                points = points_for(
                    q.obj,
                    value,
                    options=q.options,
                    bands=q.bands,
                    evidence_count=1 if has_evidence else 0,
                )
                scores.append(
                    (ctx.ids.take(Score), answer, "self", points, "computed", "", author, t)
                )
                if not done:
                    continue
                previous = points
                verifier = ctx.verifiers[d.province_id]
                for kind, who, adjust in (
                    ("province", verifier, 0.08),
                    ("ministry", ctx.ministry[0], 0.0),
                    ("field", ctx.ministry[1 % len(ctx.ministry)], 0.03),
                ):
                    at = stages[kind].opens_at + datetime.timedelta(days=1 + i % 20)
                    if previous > 0 and rng.random() < adjust:
                        new = (previous * Decimal("0.6")).quantize(Decimal("0.01"))
                        scores.append(
                            (
                                ctx.ids.take(Score),
                                answer,
                                kind,
                                new,
                                "adjusted",
                                "Data dukung tidak sesuai dengan tahun penilaian.",
                                who,
                                at,
                            )
                        )
                        events.append(
                            Event(
                                at,
                                who,
                                "score.adjusted",
                                answer,
                                d,
                                q.code,
                                {"stage": kind},
                                {
                                    "stage": kind,
                                    "points": str(new),
                                    "previous_level": str(previous),
                                },
                            )
                        )
                        previous = new
                    else:
                        scores.append(
                            (ctx.ids.take(Score), answer, kind, previous, "agreed", "", who, at)
                        )
                scores.append(
                    (
                        ctx.ids.take(Score),
                        answer,
                        "final",
                        previous,
                        "carried",
                        "",
                        ctx.ministry[0],
                        stages["final"].opens_at + datetime.timedelta(days=1),
                    )
                )
        flush()
        log(f"  cycle {cycle.name}: {len(ctx.districts)} assessments")

    _determine(ctx, [c for c, y in cycles if y > 0])
    ctx.events = events
    ctx.answer_type = ContentType.objects.get_for_model(Answer).pk
    return [c for c, _y in cycles]


def _json(value: Any) -> str:

    return json.dumps(value, ensure_ascii=False)


def _office_for(
    d: District, q: Q, groups: dict[str, list[str]], indicators: dict[str, list[str]]
) -> int | None:
    for acronym in indicators.get(q.indicator, groups.get(q.group, [])):
        if acronym in d.offices:
            return d.offices[acronym]
    return None


def _determine(ctx: Context, cycles: list[Any]) -> None:
    """The final determination of completed cycles: total and predicate from the application's
    scoring of the stored final-stage scores."""
    from layak.evaluation import scores
    from layak.evaluation.models import Assessment, Stage

    determined = 0
    for cycle in cycles:
        results = scores.results(cycle, stage=Stage.Kind.FINAL)
        final = cycle.stages.get(kind=Stage.Kind.FINAL)
        rows = list(Assessment.objects.filter(pk__in=list(results)))
        for assessment in rows:
            result = results[assessment.pk]
            assessment.final_total = result.total
            assessment.final_band = result.predicate.band
            assessment.determined_at = final.closes_at - datetime.timedelta(days=1)
            assessment.determined_by_id = ctx.ministry[0]
        Assessment.objects.bulk_update(
            rows, ["final_total", "final_band", "determined_at", "determined_by"], batch_size=500
        )
        determined += len(rows)
    ctx.counts["assessments_determined"] = determined
