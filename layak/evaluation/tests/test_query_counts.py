"""The evaluation's pages cost a fixed number of queries whatever the size of the assessment.

Each page is measured on two assessments built through the same actions people use: one of a
four-question instrument and one of a forty-question instrument (the same kinds of question, ten
times over), both answered in full with evidence, accepted, submitted and verified at every
stage; the district's verification page of a village evaluation likewise for two or twenty
questions. The counts must be equal, and no higher than the ones pinned here."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.evaluation import actions, verification
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, Stage
from layak.evidence.actions import evidence_attach, evidence_upload
from layak.frameworks.actions import version_publish
from layak.frameworks.models import EvidenceRequirement, Indicator
from layak.frameworks.spec import build_version
from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.testing import BEKASI, GUNUNG_MAS, move_stages, small_spec, tiny_village_spec

pytestmark = pytest.mark.django_db
K = Stage.Kind
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# The most queries each page may cost, whatever the data size: the signed-in request's own
# included (session, person, memberships), the session written back once a minute not. Pages
# that keep what they draw (``listing.Kept``) are counted on a first draw, with the shared
# store's read and write (six statements in a test's transaction, four in production).
PINNED = {
    "assessment (administrator)": 29,
    "assessment (office)": 28,
    # A first draw of the cards reads the verifiers' decisions too (one query).
    "indicator (administrator)": 24,
    "indicator (office)": 25,
    "indicator of numbers (office)": 26,
    "my items (office)": 18,
    "answer save": 17,
    "answer save (card)": 22,
    "answer history": 12,
    "verify queue (province)": 8,
    "verify queue (ministry)": 8,
    "verify province": 32,
    "verify ministry": 32,
    "verify field": 32,
    "verify final": 31,
    "scores": 18,  # every stage's totals, gates and indicator subtotals in one computation
    # A first visit keeps the analysis, with the plan's activities (a read of the shared store,
    # then its write: a savepoint, the culling count, the key, the row); again: the kept one.
    "gaps": 24,
    "gaps (again)": 6,
    "verify district (village)": 31,
}


def spec(copies: int, code: str):
    """The four-question test instrument with each indicator's questions ``copies`` times."""
    base = small_spec(code, 100 * copies)
    questions = [
        dataclasses.replace(q, code=f"{q.code}.{n}", order=n * 10 + i)
        for n in range(copies)
        for i, q in enumerate(base.questions)
    ]
    bands = [
        dataclasses.replace(b, min_score=b.min_score * copies, max_score=b.max_score * copies)
        for b in base.bands
    ]
    return dataclasses.replace(base, questions=questions, bands=bands)


def _value(answer: Answer) -> dict[str, Any]:
    question = answer.question
    if question.kind == "single":
        return {"option": str(question.options.order_by("-points").first().pk)}
    if question.kind == "percentage":
        return {"number": "92.5"}
    if question.kind == "table":
        return {"cells": {"0-<5|Anak": "100", "0-<5|Berakta": "90", "5-<18|Anak": "100"}}
    return {}


def page_queries(captured: list[dict[str, Any]]) -> int:
    """The queries a request ran, not counting the session written back: that happens at most
    once a minute (``SESSION_RENEW_SECONDS``), whenever the minute falls, and is the session
    middleware's cost, not the page's."""
    sql = [q["sql"] for q in captured]
    skipped: set[int] = set()
    for i, statement in enumerate(sql):
        if "django_session" in statement and not statement.startswith("SELECT"):
            skipped.add(i)
            if i > 0 and sql[i - 1].startswith("SAVEPOINT"):
                skipped.add(i - 1)
            if i + 1 < len(sql) and sql[i + 1].startswith("RELEASE SAVEPOINT"):
                skipped.add(i + 1)
    return len(sql) - len(skipped)


def count(client, url: str, data: dict[str, Any] | None = None, **extra: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra) if data is None else client.post(url, data, **extra)
    assert response.status_code in (200, 302), (url, response.status_code)
    return page_queries(ctx.captured_queries)


def build_and_measure(client, personas, copies: int, code: str) -> dict[str, int]:
    """An instrument with ``copies`` times the test questions, Bekasi's assessment answered in
    full by Dinkes, accepted, submitted and verified at each stage, its pages measured on the
    way."""
    version = version_publish(actor=personas.ministry, version=build_version(spec(copies, code)))
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name=f"Evaluasi {code}",
        instrument=version,
        windows=windows_open_at(K.SELF_ASSESSMENT),
    )
    bekasi, _gm = actions.cycle_add_districts(
        actor=personas.ministry,
        cycle=cycle,
        regions=Region.objects.filter(code__in=[BEKASI, GUNUNG_MAS]).order_by("code"),
    )
    admin, dinkes = personas.bekasi_admin, personas.bekasi_dinkes
    answers = list(
        Answer.objects.filter(assessment=bekasi)
        .select_related("question", "assessment__region")
        .order_by("question__order")
    )
    actions.assignments_set(
        actor=admin,
        assessment=bekasi,
        answers=answers,
        organisations=[Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")],
    )
    document, _created = evidence_upload(
        actor=dinkes, region=bekasi.region, data=BytesIO(PDF), name="sk.pdf", size=len(PDF)
    )
    # The last percentage question is answered on its page, measured.
    last = [a for a in answers if a.question.kind == "percentage"][-1]
    for answer in [a for a in answers if a != last]:
        if _value(answer):
            actions.answer_save(
                actor=dinkes, answer=answer, value=_value(answer), note="Data 2025", revision=0
            )
        requirements: list[EvidenceRequirement | None] = list(
            answer.question.evidence_requirements.all()
        )
        for requirement in requirements or [None]:
            evidence_attach(
                actor=dinkes,
                answer=Answer.objects.get(pk=answer.pk),
                evidence=document,
                requirement=requirement,
            )
    counts: dict[str, int] = {}
    url = f"/evaluation/assessments/{bekasi.pk}/"
    indicator = Indicator.objects.get(version=version, code="T-1")
    page = f"{url}indicators/{indicator.pk}/"
    numbers = f"{url}indicators/{Indicator.objects.get(version=version, code='T-2').pk}/"
    client.force_login(dinkes)
    counts["assessment (office)"] = count(client, url)
    counts["indicator (office)"] = count(client, page)
    counts["indicator of numbers (office)"] = count(client, numbers)
    counts["my items (office)"] = count(client, "/evaluation/my-items/")
    save = f"/evaluation/answers/{last.pk}/save/"
    counts["answer save"] = count(client, save, {"revision": 0, "number": "80"})
    counts["answer save (card)"] = count(
        client, save, {"revision": 1, "number": "81"}, HTTP_HX_REQUEST="true"
    )
    counts["answer history"] = count(client, f"/evaluation/answers/{last.pk}/history/")
    # Every card of the office's pages is open for writing while measured; then each item is
    # submitted, and the administrator's cards offer to accept or return them.
    for answer in answers:
        actions.answer_submit(actor=dinkes, answer=Answer.objects.get(pk=answer.pk))
    client.force_login(admin)
    counts["assessment (administrator)"] = count(client, url)
    counts["indicator (administrator)"] = count(client, page)
    for answer in answers:
        actions.answer_accept(actor=admin, answer=Answer.objects.get(pk=answer.pk))
    actions.assessment_submit(actor=admin, assessment=bekasi)
    for stage, verifier in (
        (K.PROVINCE, personas.jabar),
        (K.MINISTRY, personas.ministry),
        (K.FIELD, personas["assessor"]),
    ):
        move_stages(cycle, stage)
        if stage == K.PROVINCE:
            client.force_login(verifier)
            counts["verify queue (province)"] = count(client, "/evaluation/verify/")
        verification.verify_item(
            actor=verifier,
            answer=answers[0],
            stage=stage,
            points=Decimal(10),
            reason="Dokumen belum lengkap",
        )
        verification.verify_agree_rest(actor=verifier, assessment=bekasi, stage=stage)
    move_stages(cycle, K.FINAL)
    client.force_login(personas.ministry)
    counts["verify queue (ministry)"] = count(client, "/evaluation/verify/")
    for stage in (K.PROVINCE, K.MINISTRY, K.FIELD, K.FINAL):
        who = {K.PROVINCE: personas.jabar, K.FIELD: personas["assessor"]}.get(
            stage, personas.ministry
        )
        client.force_login(who)
        counts[f"verify {stage}"] = count(client, f"{url}verify/{stage}/?indicator=all")
    client.force_login(admin)
    counts["scores"] = count(client, f"{url}scores/")
    counts["gaps"] = count(client, f"{url}gaps/?stage=field")
    counts["gaps (again)"] = count(client, f"{url}gaps/?stage=field")
    return counts


def build_village_and_measure(client, personas, copies: int) -> int:
    """A village evaluation with ``copies`` times the two village questions, answered and
    submitted by the kecamatan operator, verified by the district; its verification page."""
    base = tiny_village_spec()
    village_spec = dataclasses.replace(
        base,
        framework_code=f"desa-uji-{copies}",
        scale_max=base.scale_max * copies,
        bands=[
            dataclasses.replace(b, min_score=b.min_score * copies, max_score=b.max_score * copies)
            for b in base.bands
        ],
        questions=[
            dataclasses.replace(q, code=f"{q.code}.{n}", order=n * 10 + i)
            for n in range(copies)
            for i, q in enumerate(base.questions)
        ],
    )
    version = version_publish(actor=personas.ministry, version=build_version(village_spec))
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name=f"DEKELA {copies}",
        instrument=version,
        windows=windows_open_at(K.SELF_ASSESSMENT, level=4),
    )
    village = Region.objects.filter(parent__code="32.16.09").order_by("code")[0]
    (assessment,) = actions.cycle_add_districts(
        actor=personas.bekasi_admin, cycle=cycle, regions=[village]
    )
    operator = personas["bekasi.kecamatan"]
    for answer in Answer.objects.filter(assessment=assessment).select_related("question"):
        option = str(answer.question.options.order_by("-points").first().pk)
        answer = actions.answer_save(
            actor=operator, answer=answer, value={"option": option}, note="", revision=0
        )
        actions.answer_submit(actor=operator, answer=answer)
    actions.assessment_submit(actor=operator, assessment=assessment)
    move_stages(cycle, K.DISTRICT)
    admin = personas.bekasi_admin
    first = Answer.objects.filter(assessment=assessment).order_by("question__order").first()
    verification.verify_item(
        actor=admin, answer=first, stage=K.DISTRICT, points=Decimal(0), reason="Belum berjalan"
    )
    verification.verify_agree_rest(actor=admin, assessment=assessment, stage=K.DISTRICT)
    client.force_login(admin)
    return count(client, f"/evaluation/assessments/{assessment.pk}/verify/district/?indicator=all")


@pytest.fixture
def measured(client, personas):
    small = build_and_measure(client, personas, 1, "uji")
    large = build_and_measure(client, personas, 10, "uji10")
    small["verify district (village)"] = build_village_and_measure(client, personas, 1)
    large["verify district (village)"] = build_village_and_measure(client, personas, 10)
    return SimpleNamespace(small=small, large=large)


def test_every_page_costs_the_same_queries_for_4_or_40_questions(measured):
    assert set(measured.small) == set(PINNED)
    grown = {
        page: (measured.small[page], measured.large[page])
        for page in PINNED
        if measured.small[page] != measured.large[page]
    }
    assert not grown, grown
    over = {page: n for page, n in measured.large.items() if n > PINNED[page]}
    assert not over, repr(over)
