"""What the evaluation's read endpoints cost: built from database columns rather than model
instances, rendered without validating every row again, in a fixed number of queries whatever
the data size. What they return does not change: the answers are compared, byte for byte, with
the per-object serialisation they replaced, and every body is what the documented schema makes
of it."""

from __future__ import annotations

import json
import re
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.db.models import Prefetch
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder
from pydantic import TypeAdapter

from layak import authz
from layak.api import schemas as s
from layak.api.actions import token_create
from layak.api.api import RegionPage
from layak.evaluation import actions, verification
from layak.evaluation.models import Answer, Assignment, Score, Stage
from layak.evaluation.tests.test_kla2024_lists import new_cycle
from layak.evaluation.tests.test_query_counts import spec
from layak.evidence.actions import evidence_attach, evidence_upload
from layak.frameworks.actions import version_publish
from layak.frameworks.models import EvidenceRequirement
from layak.frameworks.spec import build_version
from layak.organisations.models import Organisation
from layak.testing import BEKASI, make_cycle, move_stages

pytestmark = pytest.mark.django_db
K = Stage.Kind
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
DP3A = "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"
PERSONAS = ("ministry", "bekasi.admin", "bekasi.dinkes", "verifier.jabar", "gunungmas.admin")

# The most queries each endpoint may cost, whatever the data size, the token's own two included
# (the token with its owner; the request counted against the rate limit).
PINNED = {
    "cycles": 5,
    "assessments": 4,
    "assessment": 4,
    # At the self-assessment stage, computed (each later stage the assessment reached adds its
    # own five) and kept by the data version: the first read also asks the shared store and
    # writes it (a savepoint, the culling count, the key, the row, the release).
    "scores": 20,
    "answers": 7,
    "answer": 6,
    "regions": 3,
}


def bearer(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def rendered(schema: Any, data: Any) -> bytes:
    """``data`` as ninja renders a result it validated against ``schema``."""
    adapter = TypeAdapter(schema)
    dumped = adapter.dump_python(adapter.validate_python(data))
    return json.dumps(dumped, cls=NinjaJSONEncoder).encode()


def conforms(schema: Any, body: bytes) -> bool:
    """Validating the body against its documented schema and rendering it again changes
    nothing: it was of the documented types already (a number where the schema says decimal
    text, or a date in another form, would come out different)."""
    # Django's encoder writes milliseconds whenever a moment has microseconds: one of under a
    # millisecond reads ".000Z", which comes back as a whole second and renders without them.
    return rendered(schema, TypeAdapter(schema).validate_json(body)) == re.sub(
        rb"(T\d\d:\d\d:\d\d)\.000Z", rb"\1Z", body
    )


def per_object(user, assessment_id: int) -> list[dict[str, Any]]:
    """The reference: the answers serialised from model instances, one per answer, question,
    assignment, organisation and score."""
    answers = (
        Answer.objects.for_user(user, authz.Action.VIEW)
        .filter(assessment_id=assessment_id)
        .select_related("question")
        .prefetch_related(
            Prefetch(
                "assignments", Assignment.objects.select_related("organisation").order_by("pk")
            ),
            Prefetch("scores", Score.objects.order_by("pk")),
        )
        .order_by("question__indicator__order", "question__order")
    )
    return [
        {
            "id": a.pk,
            "assessment_id": a.assessment_id,
            "question": a.question.code,
            "kind": a.question.kind,
            "max_points": a.question.max_points,
            "value": a.value,
            "note": a.note,
            "status": a.status,
            "return_reason": a.return_reason,
            "revision": a.revision,
            "points": {score.stage: score.points for score in a.scores.all()},
            "assigned_to": [
                {"organisation_id": x.organisation_id, "organisation": x.organisation.name}
                for x in a.assignments.all()
                if x.is_active
            ],
        }
        for a in answers
    ]


def same_as_per_object(client, personas, tokens, assessment) -> None:
    for key in PERSONAS:
        headers = bearer(tokens[key])
        expected = per_object(personas[key], assessment.pk)
        response = client.get(f"/api/v1/assessments/{assessment.pk}/answers", **headers)
        if response.status_code == 404:
            assert not expected and key == "gunungmas.admin"
            continue
        assert response.content == rendered(list[s.AnswerOut], expected), key
        assert conforms(list[s.AnswerOut], response.content)
        for row in expected:
            one = client.get(f"/api/v1/answers/{row['id']}", **headers)
            assert one.content == rendered(s.AnswerOut, row), (key, row["question"])


def office(name: str) -> Organisation:
    return Organisation.objects.get(name=f"{name} Kabupaten Bekasi")


@pytest.fixture
def tokens(personas, settings):
    settings.API_RATE_LIMIT = 100_000
    return {key: token_create(actor=personas[key], name="uji", days=30)[1] for key in PERSONAS}


def test_answers_are_the_per_object_serialisation_at_every_step(client, personas, tokens):
    """Bekasi's answers as drafts, submitted, accepted and returned, assigned to offices and
    taken back from one; then verified at the province (one adjusted, one sent back) and at the
    ministry: the same bytes as one model instance per row gave, for every persona."""
    users = personas.users
    admin, dinkes, capil = (
        users["bekasi.admin"],
        users["bekasi.dinkes"],
        users["bekasi.disdukcapil"],
    )
    ev = make_cycle(personas)
    a = ev.answers
    # DP3A no longer answers T-1.2 (its assignment kept, inactive).
    actions.assignments_set(
        actor=admin,
        assessment=ev.bekasi,
        answers=[a["T-1.2"]],
        organisations=[office("Dinas Kesehatan")],
    )
    perda = str(a["T-1.1"].question.options.get(label="Perda").pk)
    actions.answer_save(
        actor=dinkes, answer=a["T-1.1"], value={"option": perda}, note="Perda 2023", revision=0
    )
    document, _created = evidence_upload(
        actor=dinkes, region=ev.bekasi.region, data=BytesIO(PDF), name="sk.pdf", size=len(PDF)
    )
    evidence_attach(actor=dinkes, answer=a["T-1.2"], evidence=document, requirement=None)
    actions.answer_submit(actor=dinkes, answer=Answer.objects.get(pk=a["T-1.2"].pk))
    saved = actions.answer_save(
        actor=capil, answer=a["T-2.1"], value={"number": "92.5"}, note="", revision=0
    )
    actions.answer_submit(actor=capil, answer=saved)
    actions.answer_accept(actor=admin, answer=Answer.objects.get(pk=saved.pk))
    cells = {"0-<5|Anak": "100", "0-<5|Berakta": "70", "5-<18|Anak": "100"}
    table = actions.answer_save(
        actor=capil, answer=a["T-2.2"], value={"cells": cells}, note="Susenas", revision=0
    )
    actions.answer_submit(actor=capil, answer=table)
    actions.answer_return(
        actor=admin, answer=Answer.objects.get(pk=table.pk), reason="Lengkapi umur 5-<18"
    )
    statuses = set(Answer.objects.filter(assessment=ev.bekasi).values_list("status", flat=True))
    assert statuses == {"draft", "submitted", "accepted", "returned"}
    assert Assignment.objects.filter(answer=a["T-1.2"], is_active=False).exists()
    same_as_per_object(client, personas, tokens, ev.bekasi)

    # Everything given, accepted and submitted; verified at the province and the ministry.
    requirement = EvidenceRequirement.objects.get(question=a["T-1.1"].question)
    evidence_attach(
        actor=dinkes,
        answer=Answer.objects.get(pk=a["T-1.1"].pk),
        evidence=document,
        requirement=requirement,
    )
    actions.answer_submit(actor=dinkes, answer=Answer.objects.get(pk=a["T-1.1"].pk))
    cells["5-<18|Berakta"] = "95"
    table = actions.answer_save(
        actor=capil,
        answer=Answer.objects.get(pk=table.pk),
        value={"cells": cells},
        note="",
        revision=Answer.objects.get(pk=table.pk).revision,
    )
    actions.answer_submit(actor=capil, answer=table)
    for answer in Answer.objects.filter(assessment=ev.bekasi, status="submitted"):
        actions.answer_accept(actor=admin, answer=answer)
    actions.assessment_submit(actor=admin, assessment=ev.bekasi)
    move_stages(ev.cycle, K.PROVINCE)
    jabar = users["verifier.jabar"]
    verification.verify_item(
        actor=jabar, answer=a["T-1.1"], stage=K.PROVINCE, points=Decimal(15), reason="SK saja"
    )
    verification.verify_return(actor=jabar, answer=a["T-2.2"], reason="Data tahun lalu")
    verification.verify_agree_rest(actor=jabar, assessment=ev.bekasi, stage=K.PROVINCE)
    move_stages(ev.cycle, K.MINISTRY)
    verification.verify_agree_rest(actor=personas.ministry, assessment=ev.bekasi, stage=K.MINISTRY)
    stages = set(Score.objects.filter(answer__assessment=ev.bekasi).values_list("stage", flat=True))
    assert stages == {"self", "province", "ministry"}
    same_as_per_object(client, personas, tokens, ev.bekasi)


def test_every_body_is_what_its_documented_schema_makes_of_it(client, personas, tokens):
    """The endpoints that render their rows without validating them: each body, validated
    against the schema the OpenAPI document gives and rendered again, is the same bytes (field
    order, decimals as text, dates, nulls), for lists, pages, single rows and a saved answer."""
    ev = make_cycle(personas)
    answer = ev.answers["T-2.1"]
    headers = bearer(tokens["bekasi.admin"])
    body = {"value": {"number": "92.5"}, "note": "BPS 2025", "revision": 0}
    saved = client.put(
        f"/api/v1/answers/{answer.pk}",
        json.dumps(body),
        content_type="application/json",
        **bearer(tokens["bekasi.admin"]),
    )
    assert saved.status_code == 200 and conforms(s.AnswerOut, saved.content)
    assert json.loads(saved.content)["points"] == {"self": "30.00"}
    checks = {
        "/api/v1/cycles": list[s.CycleOut],
        "/api/v1/assessments": list[s.AssessmentOut],
        f"/api/v1/assessments?cycle={ev.cycle.pk}": list[s.AssessmentOut],
        f"/api/v1/assessments/{ev.bekasi.pk}": s.AssessmentOut,
        f"/api/v1/assessments/{ev.bekasi.pk}/answers": list[s.AnswerOut],
        f"/api/v1/answers/{answer.pk}": s.AnswerOut,
        f"/api/v1/regions?parent={BEKASI}&limit=5": RegionPage,
        "/api/v1/regions?q=bekasi": RegionPage,
        f"/api/v1/regions/{BEKASI}": s.RegionOut,
    }
    for url, schema in checks.items():
        response = client.get(url, **headers)
        assert response.status_code == 200, url
        assert conforms(schema, response.content), url
    page = client.get(f"/api/v1/regions?parent={BEKASI}&limit=5", **headers).json()
    assert list(page) == ["next", "items"] and page["next"] and len(page["items"]) == 5
    stages = client.get("/api/v1/cycles", **headers).json()[0]["stages"]
    assert [st["kind"] for st in stages] == [str(k) for k in Stage.ORDER]


def answered_cycle(personas, copies: int, code: str):
    """A cycle of the test instrument with each question ``copies`` times, Bekasi and Gunung
    Mas taking part; Bekasi's answers all given to Dinkes and DP3A, the choices and
    percentages answered (each with its points)."""
    version = version_publish(actor=personas.ministry, version=build_version(spec(copies, code)))
    bekasi, _gm = new_cycle(personas, version, f"Evaluasi {code}")
    answers = list(Answer.objects.filter(assessment=bekasi).select_related("question"))
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=bekasi,
        answers=answers,
        organisations=[office("Dinas Kesehatan"), office(DP3A)],
    )
    for answer in answers:
        if answer.question.kind == "single":
            value = {"option": str(answer.question.options.order_by("-points").first().pk)}
        elif answer.question.kind == "percentage":
            value = {"number": "92.5"}
        else:
            continue
        actions.answer_save(
            actor=personas.bekasi_dinkes, answer=answer, value=value, note="", revision=0
        )
    return bekasi.cycle, bekasi, answers[0]


def queries(client, url: str, headers: dict[str, str]) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200, (url, response.content)
    return len(ctx.captured_queries)


def test_query_counts_do_not_grow_with_the_data(client, personas, tokens):
    """Each endpoint measured on four answers and on forty (with their assignments and
    points), on one cycle and two, on two assessments and four, on a region with one child
    and one with many: the same number of queries, no more than pinned."""

    def measure(built: tuple[Any, Any, Any], parent: str) -> dict[str, int]:
        cycle, assessment, answer = built
        counts = {}
        for key in ("bekasi.admin", "bekasi.dinkes"):
            headers = bearer(tokens[key])
            queries(client, "/api/v1/cycles", headers)  # the token's first use is recorded
            urls = {
                "cycles": "/api/v1/cycles",
                "assessments": "/api/v1/assessments",
                "assessments of a cycle": f"/api/v1/assessments?cycle={cycle.pk}",
                "assessment": f"/api/v1/assessments/{assessment.pk}",
                "scores": f"/api/v1/assessments/{assessment.pk}/scores",
                "answers": f"/api/v1/assessments/{assessment.pk}/answers",
                "answer": f"/api/v1/answers/{answer.pk}",
                "regions": f"/api/v1/regions?parent={parent}",
            }
            for name, url in urls.items():
                counts[f"{name} ({key})"] = queries(client, url, headers)
        return counts

    small = measure(answered_cycle(personas, 1, "uji-kecil"), "32")
    large = measure(answered_cycle(personas, 10, "uji-besar"), BEKASI)
    assert small == large
    over = {name: n for name, n in large.items() if n > PINNED[name.split(" (")[0].split(" of")[0]]}
    assert not over, over
    # Read again (by Dinkes, after the administrator): the kept scores from this process's
    # memory, after the token's two queries, the reader's grants, the assessment and the stamp.
    assert large["scores (bekasi.dinkes)"] == 5, large
