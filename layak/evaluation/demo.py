"""Demo evaluation data: for each demo district a finished self-assessment in an earlier cycle
and one in progress in the current cycle, made through the same action functions people use."""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch
from django.utils import timezone

from layak.accounts.models import User
from layak.core.actions_list import end_of_day
from layak.evaluation import actions, cycle_actions
from layak.evaluation.models import Answer, Assessment, Assignment, Cycle, Stage
from layak.evaluation.proposal import proposal_confirm, propose
from layak.evidence.actions import evidence_attach, evidence_upload
from layak.frameworks.current import current_kla_version
from layak.frameworks.kla2024 import DEKELA_CODE, KELANA_CODE
from layak.frameworks.models import EvidenceRequirement, InstrumentVersion, Question
from layak.regions.models import Region

# KLA 2024, Indikator 17 question 5: does the local government still accept tobacco advertising,
# promotion and sponsorship? The ministry's gate of the current cycle caps the predicate on it.
TOBACCO_ADVERTISING = "K3-17.5"


def tiny_pdf(title: str) -> bytes:
    """A small valid PDF with one line of text."""
    text = title.replace("(", "").replace(")", "")
    stream = f"BT /F1 14 Tf 72 760 Td ({text}) Tj ET".encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, obj in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + obj + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def _value(question: Question, seed: int, strength: float) -> dict[str, Any]:
    """A plausible answer: ``strength`` (0–1) moves it towards the best option or band."""
    options = list(question.options.all())
    if question.kind in ("single", "yes_no"):
        ordered = sorted(options, key=lambda o: -o.points)
        # Otherwise any lower level: KLA 2024's fifths and quarters spread the totals out.
        index = 0 if (seed % 100) / 100 < strength else 1 + seed % max(1, len(ordered) - 1)
        index = min(index, len(ordered) - 1)
        return {"option": str(ordered[index].pk)}
    if question.kind == "multiple":
        return {"options": sorted(str(o.pk) for o in options[: 1 + seed % len(options)])}
    if question.kind == "percentage":
        base = Decimal(60 + int(35 * strength) + seed % 5)
        if question.direction == Question.Direction.LOWER:
            base = Decimal(3 + (seed % 6) + int(10 * (1 - strength)))
        return {"number": str(min(base, Decimal(100)))}
    if question.kind == "number":
        return {"number": str(1 + int(6 * strength) + seed % 3)}
    if question.kind == "table":
        cells = {}
        for i, row in enumerate(question.table_spec["rows"]):
            total = 20000 + 5000 * i + seed * 37 % 3000
            cells[f"{row}|{question.table_spec['columns'][0]}"] = str(total)
            cells[f"{row}|{question.table_spec['columns'][1]}"] = str(
                int(total * (0.72 + 0.25 * strength))
            )
        return {"cells": cells}
    if question.kind == "text":
        return {"text": "TP PKK, LPA, APSAI dan radio lokal terlibat dalam sosialisasi hak anak."}
    return {}


def _assign(admin: User, assessment: Assessment) -> None:
    """As the district administrator does it: confirm the proposed assignment (the offices the
    instrument names for each question, matched to the district's own offices), then give what
    no office of the district matches to the KLA secretariat (the administrator's office)."""
    proposal = propose(assessment)
    proposal_confirm(
        actor=admin,
        assessment=assessment,
        organisations=[o.pk for o, _answers in proposal.by_organisation],
    )
    rest = list(
        Answer.objects.filter(assessment=assessment, question__computed="").exclude(
            Exists(Assignment.objects.filter(answer=OuterRef("pk"), is_active=True))
        )
    )
    secretariat = admin.memberships.filter(is_active=True).select_related("organisation").first()
    if rest and secretariat is not None:
        actions.assignments_set(
            actor=admin,
            assessment=assessment,
            answers=rest,
            organisations=[secretariat.organisation],
        )


def _documents_for(question: Question, seed: int) -> list[EvidenceRequirement | None]:
    """The documents a district attaches: every required one (an evidence question without a
    named requirement takes one document), and the first optional one for about one answer in
    five, so the demo holds both without uploading a file for each of the 274 questions."""
    requirements = list(question.evidence_requirements.all())
    chosen: list[EvidenceRequirement | None] = [r for r in requirements if r.required]
    if not requirements and question.kind == Question.Kind.EVIDENCE:
        chosen.append(None)
    elif not chosen and requirements and seed % 5 == 0:
        chosen.append(requirements[0])
    return chosen


def _attach(
    answer: Answer,
    question: Question,
    seed: int,
    *,
    actor: User,
    uploader: User,
    evidence: dict[str, Any],
) -> None:
    """Upload (once per region and document name) and attach the answer's documents."""
    region = answer.assessment.region
    for requirement in _documents_for(question, seed):
        name = requirement.name if requirement else question.text[:60]
        key = f"{region.code}:{name}"
        if key not in evidence:
            pdf = tiny_pdf(f"{name} - {region.name}")
            evidence[key], _created = evidence_upload(
                actor=uploader,
                region=region,
                data=BytesIO(pdf),
                name=f"{name[:80].replace('/', '-')}.pdf",
                size=len(pdf),
            )
        evidence_attach(actor=actor, answer=answer, evidence=evidence[key], requirement=requirement)


def _operator_for(answer: Answer, operators: dict[str, User], admin: User) -> User:
    acronyms = {a.organisation.acronym for a in answer.assignments.all() if a.is_active}
    for acronym, user in operators.items():
        if acronym in acronyms:
            return user
    return admin


def _fill(
    assessment: Assessment,
    admin: User,
    operators: dict[str, User],
    *,
    strength: float,
    share: float,
    accept_share: float,
    evidence: dict[str, Any],
) -> None:
    answers = list(
        Answer.objects.filter(assessment=assessment)
        .select_related("question__indicator", "assessment__region", "assessment__cycle")
        .prefetch_related(
            "question__options",
            "question__evidence_requirements",
            Prefetch("assignments", Assignment.objects.select_related("organisation")),
        )
        .order_by("question__indicator__order", "question__order")
    )
    cutoff = int(len(answers) * share)
    accept_until = int(len(answers) * accept_share)
    for n, answer in enumerate(answers[:cutoff]):
        seed = int(
            hashlib.sha256(f"{assessment.region.code}{answer.question.code}".encode()).hexdigest()[
                :6
            ],
            16,
        )
        question = answer.question  # with its prefetched options and requirements
        actor = _operator_for(answer, operators, admin)
        if question.computed:
            if not answer.value:
                continue  # nothing to count it from yet: it stays empty, as for a district
            actor = admin  # Layak computed the value; the secretariat adds the documents
        else:
            answer = actions.answer_save(
                actor=actor,
                answer=answer,
                value=_value(question, seed, strength),
                note="Data dari perangkat daerah, diperbarui tahun berjalan.",
                revision=answer.revision,
            )
        _attach(answer, question, seed, actor=actor, uploader=admin, evidence=evidence)
        actions.answer_submit(actor=actor, answer=answer)
        if n < accept_until:
            actions.answer_accept(actor=admin, answer=answer)


def windows_open_at(
    kind: str, days: int = 60, level: int = 2
) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """Stage windows with ``kind`` open now (for ``days``), earlier stages past, later ahead;
    whole days, as the stage form makes them (a deadline ends at midnight)."""
    now = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    day = datetime.timedelta(days=1)
    order = Stage.order_for(level)
    index = order.index(kind)
    start = now - day - 10 * day * index
    out: dict[str, tuple[datetime.datetime, datetime.datetime]] = {}
    for i, stage in enumerate(order):
        length = days if i == index else 10
        out[stage] = (start, start + length * day)
        start += length * day
    return out


def _verify(
    cycle: Cycle, users: dict[str, User], assessments: list[Assessment], *, determine: bool
) -> None:
    """Province, ministry and field verification of submitted assessments, with a few
    adjustments, and the final determination."""
    from layak.evaluation import verification

    ministry = users["ministry"]
    for kind, who in (
        (Stage.Kind.PROVINCE, None),
        (Stage.Kind.MINISTRY, ministry),
        (Stage.Kind.FIELD, users["assessor"]),
    ):
        actions.cycle_set_windows(actor=ministry, cycle=cycle, windows=windows_open_at(kind))
        for assessment in assessments:
            verifier = (
                who
                or users[
                    "verifier.jabar"
                    if assessment.region.code.startswith("32")
                    else "verifier.kalteng"
                ]
            )
            answers = list(
                Answer.objects.filter(assessment=assessment, question__max_points__gt=0)
                .select_related("question")
                .order_by("question__indicator__order", "question__order")
            )
            if kind != Stage.Kind.MINISTRY and answers:
                target = answers[3 if kind == Stage.Kind.PROVINCE else 7]
                current = verification.points_before(target, kind)
                verification.verify_item(
                    actor=verifier,
                    answer=target,
                    stage=kind,
                    points=max(Decimal(0), current - target.question.max_points / 2),
                    reason="Data dukung belum menunjukkan pelaksanaan penuh"
                    if kind == Stage.Kind.PROVINCE
                    else "Temuan lapangan: fasilitas belum berfungsi",
                )
            verification.verify_agree_rest(actor=verifier, assessment=assessment, stage=kind)
    if determine:
        actions.cycle_set_windows(
            actor=ministry, cycle=cycle, windows=windows_open_at(Stage.Kind.FINAL)
        )
        for assessment in assessments:
            verification.assessment_determine(actor=ministry, assessment=assessment)


@transaction.atomic
def seed_evaluation_demo(users: dict[str, User]) -> None:
    """Gunung Mas (and Bekasi) with a fully verified earlier cycle; Bekasi with the current cycle
    in province verification; Gunung Mas still answering the current cycle (reopened)."""
    from layak.evaluation import verification

    if Cycle.objects.exists():
        return
    ministry = users["ministry"]
    instrument = current_kla_version()
    if instrument is None:
        return
    districts = list(Region.objects.filter(code__in=["32.16", "62.10"]).order_by("code"))
    earlier = actions.cycle_create(
        actor=ministry,
        name="Evaluasi KLA 2025",
        instrument=instrument,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    current = actions.cycle_create(
        actor=ministry,
        name="Evaluasi KLA 2026",
        instrument=instrument,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    evidence: dict[str, Any] = {}
    people: dict[str, tuple[User, dict[str, User]]] = {}
    for region in districts:
        slug = "bekasi" if region.code == "32.16" else "gunungmas"
        people[region.code] = (
            users[f"{slug}.admin"],
            {
                "Dinkes": users[f"{slug}.dinkes"],
                "Disdukcapil": users[f"{slug}.disdukcapil"],
                "Forum Anak": users[f"{slug}.forum"],
            },
        )
    earlier_assessments = actions.cycle_add_districts(
        actor=ministry, cycle=earlier, regions=districts
    )
    for assessment in earlier_assessments:
        admin, operators = people[assessment.region.code]
        _assign(admin, assessment)
        # KLA 2024 totals: Bekasi about 725 (Nindya), Gunung Mas about 550 (Pratama).
        strength = 0.65 if assessment.region.code == "32.16" else 0.35
        _fill(
            assessment,
            admin,
            operators,
            strength=strength,
            share=1,
            accept_share=1,
            evidence=evidence,
        )
        actions.assessment_submit(actor=admin, assessment=assessment)
    _verify(earlier, users, earlier_assessments, determine=True)
    windows_2025 = _dated(2025)
    actions.cycle_set_windows(
        actor=ministry,
        cycle=earlier,
        windows=windows_2025,
    )
    # The 2025 results were determined in 2025, in their final stage, as its pages say.
    final_opens, _final_closes = windows_2025[Stage.Kind.FINAL]
    Assessment.objects.filter(cycle=earlier, determined_at__isnull=False).update(
        determined_at=final_opens + datetime.timedelta(days=9)
    )

    # The kecamatan and villages evaluated and determined first: the current cycle's KELANA and
    # DEKELA questions are computed from their results.
    seed_lower_levels(users)
    current_assessments = actions.cycle_add_districts(
        actor=ministry, cycle=current, regions=districts
    )
    for assessment in current_assessments:
        admin, operators = people[assessment.region.code]
        _assign(admin, assessment)
        if assessment.region.code == "32.16":
            _fill(
                assessment,
                admin,
                operators,
                strength=0.65,
                share=1,
                accept_share=1,
                evidence=evidence,
            )
            actions.assessment_submit(actor=admin, assessment=assessment)
        else:
            _fill(
                assessment,
                admin,
                operators,
                strength=0.45,
                share=0.6,
                accept_share=0.35,
                evidence=evidence,
            )
    bekasi, gunung_mas = current_assessments
    actions.cycle_set_windows(
        actor=ministry, cycle=current, windows=windows_open_at(Stage.Kind.PROVINCE, days=45)
    )
    actions.stage_reopen(
        actor=ministry,
        assessment=gunung_mas,
        kind=Stage.Kind.SELF_ASSESSMENT,
        reason="Perpanjangan: pergantian operator di perangkat daerah",
        # A whole day, as the reopening form gives it: open to the end of that day.
        until=end_of_day(timezone.localdate() + datetime.timedelta(days=29)),
    )
    # The Jawa Barat verifier is half way through Bekasi: one adjustment, one item returned.
    verifier = users["verifier.jabar"]
    answers = list(
        Answer.objects.filter(assessment=bekasi, question__max_points__gt=0)
        .select_related("question")
        .order_by("question__indicator__order", "question__order")
    )
    # Half the maximum, or a quarter where the district itself gave half: a real adjustment.
    half = answers[0].question.max_points / 2
    own = verification.points_before(answers[0], Stage.Kind.PROVINCE)
    verification.verify_item(
        actor=verifier,
        answer=answers[0],
        stage=Stage.Kind.PROVINCE,
        points=half if own != half else half / 2,
        reason="Perda masih dalam proses harmonisasi; dinilai sebagai Perbup",
    )
    verification.verify_return(
        actor=verifier,
        answer=answers[5],
        # The item is a policy question (KL-1.2e on KLA 2024): the reason asks for its document.
        reason="Lampirkan salinan kebijakan yang sudah ditetapkan dan ditandatangani, bukan draf",
    )
    for answer in answers[1:5]:
        verification.verify_item(actor=verifier, answer=answer, stage=Stage.Kind.PROVINCE)
    cycle_actions.gate_add(
        actor=ministry,
        cycle=current,
        question=Question.objects.get(version=instrument, code=TOBACCO_ADVERTISING),
        max_band=instrument.bands.get(code="UTAMA"),
        reason="Larangan iklan, promosi dan sponsor rokok (Menteri PPPA, Agustus 2025)",
    )


def _dated(year: int) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """The stage windows of a past cycle, January to July, from midnight to midnight where
    the districts are (a stage's last day ends at 23.59 WIB, as one entered on its form)."""
    start = datetime.datetime(year, 1, 6, tzinfo=timezone.get_current_timezone())
    out: dict[str, tuple[datetime.datetime, datetime.datetime]] = {}
    for kind, length in zip(Stage.ORDER, [60, 45, 30, 30, 20], strict=True):
        out[kind] = (start, start + datetime.timedelta(days=length))
        start += datetime.timedelta(days=length)
    return out


def seed_lower_levels(users: dict[str, User]) -> None:
    """KELANA and DEKELA 2024 evaluations in both districts: the kecamatan operator answered for
    villages of its kecamatan, the district verified some and determined their status."""
    from layak.evaluation import verification

    ministry = users["ministry"]
    evidence: dict[str, Any] = {}
    for code, name, level in (
        (KELANA_CODE, "Evaluasi KELANA 2026", 3),
        (DEKELA_CODE, "Evaluasi DEKELA 2026", 4),
    ):
        instrument = (
            InstrumentVersion.objects.filter(framework__code=code).order_by("-number").first()
        )
        if instrument is None or Cycle.objects.filter(name=name).exists():
            continue
        cycle = actions.cycle_create(
            actor=ministry,
            name=name,
            instrument=instrument,
            windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT, level=level),
        )
        for slug, district_code in (("bekasi", "32.16"), ("gunungmas", "62.10")):
            admin, operator = users[f"{slug}.admin"], users[f"{slug}.kecamatan"]
            kecamatan = (
                operator.memberships.select_related("organisation__region")
                .get()
                .organisation.region
            )
            assert kecamatan is not None
            if level == 3:
                regions = list(
                    Region.objects.filter(parent__code=district_code, level=3).order_by("code")[:4]
                )
                if kecamatan not in regions:
                    regions[-1] = kecamatan
            else:
                regions = list(Region.objects.filter(parent=kecamatan).order_by("code")[:5])
            assessments = actions.cycle_add_districts(actor=admin, cycle=cycle, regions=regions)
            for n, assessment in enumerate(assessments[:3]):
                answerer = operator if assessment.region.path.startswith(kecamatan.path) else admin
                strength = 0.9 if n != 1 else 0.3
                for answer in (
                    Answer.objects.filter(assessment=assessment)
                    .select_related("question", "assessment__region")
                    .prefetch_related("question__options", "question__evidence_requirements")
                ):
                    question = answer.question
                    seed = int(
                        hashlib.sha256(
                            f"{assessment.region.code}{answer.question.code}".encode()
                        ).hexdigest()[:6],
                        16,
                    )
                    answer = actions.answer_save(
                        actor=answerer,
                        answer=answer,
                        value=_value(question, seed, strength),
                        note="",
                        revision=answer.revision,
                    )
                    _attach(
                        answer,
                        question,
                        seed,
                        actor=answerer,
                        uploader=answerer,
                        evidence=evidence,
                    )
                    actions.answer_submit(actor=answerer, answer=answer)
                actions.assessment_submit(actor=answerer, assessment=assessment)
        actions.cycle_set_windows(
            actor=ministry, cycle=cycle, windows=windows_open_at(Stage.Kind.DISTRICT, level=level)
        )
        for assessment in Assessment.objects.filter(
            cycle=cycle, status=Assessment.Status.SUBMITTED
        ).select_related("region"):
            slug = "bekasi" if assessment.region.code.startswith("32.16") else "gunungmas"
            admin = users[f"{slug}.admin"]
            verification.verify_agree_rest(
                actor=admin, assessment=assessment, stage=Stage.Kind.DISTRICT
            )
            verification.assessment_determine(actor=admin, assessment=assessment)
