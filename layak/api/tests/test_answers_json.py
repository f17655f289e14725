"""On PostgreSQL the database writes the JSON of an assessment's answers itself
(``layak.api.answers_out.body``): the same bytes as the rows built in Python and rendered by
the API, for every reader (an office sees only the answers assigned to it), at every step of
the evaluation, with text past ASCII (and the characters JSON escapes) in a value, a note and
a reason for return."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.responses import NinjaJSONEncoder

from layak.api import answers_out
from layak.api import schemas as s
from layak.api.actions import token_create
from layak.api.tests.test_api_cost import PDF, conforms, per_object, rendered
from layak.evaluation import actions, verification
from layak.evaluation.models import Answer, Score, Stage
from layak.evaluation.tests.test_kla2024_lists import new_cycle
from layak.evidence.actions import evidence_attach, evidence_upload
from layak.frameworks.actions import version_publish
from layak.frameworks.models import EvidenceRequirement
from layak.frameworks.spec import QuestionSpec, build_version
from layak.organisations.models import Organisation
from layak.testing import move_stages, small_spec

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="the database writes the JSON on PostgreSQL"
    ),
]
K = Stage.Kind
READERS = ("ministry", "bekasi.admin", "bekasi.dinkes", "bekasi.disdukcapil", "verifier.jabar")
# Past ASCII (Latin, a curly quote, an emoji outside the BMP), DEL, and what JSON escapes.
WORDS = 'Posyandu “Melati” — ½ anak 😀 café \x7f "kutip" \\ garis\nbaru\ttab'
DP3A = "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"


def office(name: str) -> Organisation:
    return Organisation.objects.get(name=f"{name} Kabupaten Bekasi")


def python_bytes(user, pk: int) -> bytes:
    """The answers built in Python, rendered as the API renders them."""
    return json.dumps(answers_out.listed(user, pk), cls=NinjaJSONEncoder).encode()


@pytest.fixture
def tokens(personas, settings):
    settings.API_RATE_LIMIT = 100_000
    return {key: token_create(actor=personas[key], name="uji", days=30)[1] for key in READERS}


@pytest.fixture
def bekasi(personas):
    """The small instrument with a text question, Bekasi's answers given to Dinkes and DP3A
    (T-1) and to Disdukcapil (T-2)."""
    spec = small_spec("uji-json")
    spec = dataclasses.replace(
        spec,
        questions=[
            *spec.questions,
            QuestionSpec("T-2.3", "T-2", "text", "Keterangan pelayanan", Decimal(0), order=9),
        ],
    )
    version = version_publish(actor=personas.ministry, version=build_version(spec))
    bekasi, _gm = new_cycle(personas, version, "Evaluasi JSON")
    answers = {
        a.question.code: a
        for a in Answer.objects.filter(assessment=bekasi).select_related("question")
    }
    admin = personas.users["bekasi.admin"]
    actions.assignments_set(
        actor=admin,
        assessment=bekasi,
        answers=[answers["T-1.1"], answers["T-1.2"]],
        organisations=[office("Dinas Kesehatan"), office(DP3A)],
    )
    actions.assignments_set(
        actor=admin,
        assessment=bekasi,
        answers=[answers["T-2.1"], answers["T-2.2"], answers["T-2.3"]],
        organisations=[office("Dinas Kependudukan dan Pencatatan Sipil")],
    )
    return bekasi, answers


def same_bytes(client, personas, tokens, assessment) -> None:
    """Every reader: the response (written by the database) is the Python path's bytes and
    the per-object serialisation's; an office sees only the answers assigned to it."""
    for key in READERS:
        user = personas[key]
        response = client.get(
            f"/api/v1/assessments/{assessment.pk}/answers",
            HTTP_AUTHORIZATION=f"Bearer {tokens[key]}",
        )
        assert response.status_code == 200, key
        assert response.content == python_bytes(user, assessment.pk), key
        assert response.content == rendered(list[s.AnswerOut], per_object(user, assessment.pk))
        assert conforms(list[s.AnswerOut], response.content)
        assert response.content.isascii()
    codes = [
        a["question"] for a in json.loads(python_bytes(personas["bekasi.dinkes"], assessment.pk))
    ]
    assert codes == ["T-1.1", "T-1.2"]


def test_the_database_writes_the_same_bytes_at_every_step(client, personas, tokens, bekasi):
    assessment, a = bekasi
    users = personas.users
    admin, dinkes, capil = (
        users["bekasi.admin"],
        users["bekasi.dinkes"],
        users["bekasi.disdukcapil"],
    )
    same_bytes(client, personas, tokens, assessment)  # nothing answered yet

    perda = str(a["T-1.1"].question.options.get(label="Perda").pk)
    actions.answer_save(
        actor=dinkes, answer=a["T-1.1"], value={"option": perda}, note=WORDS, revision=0
    )
    saved = actions.answer_save(
        actor=capil, answer=a["T-2.1"], value={"number": "92.5"}, note="", revision=0
    )
    assert saved.value == {"number": "92.5"}
    actions.answer_submit(actor=capil, answer=saved)
    actions.answer_accept(actor=admin, answer=Answer.objects.get(pk=saved.pk))
    cells = {"0-<5|Anak": "100", "0-<5|Berakta": "70.25", "5-<18|Anak": "100"}
    table = actions.answer_save(
        actor=capil, answer=a["T-2.2"], value={"cells": cells}, note="Susenas", revision=0
    )
    actions.answer_submit(actor=capil, answer=table)
    actions.answer_return(actor=admin, answer=Answer.objects.get(pk=table.pk), reason=WORDS)
    text = actions.answer_save(
        actor=capil, answer=a["T-2.3"], value={"text": WORDS}, note="", revision=0
    )
    assert text.value["text"] == WORDS.strip()
    same_bytes(client, personas, tokens, assessment)

    # Everything accepted and submitted; verified at the province (one adjusted) and the
    # ministry: points at three stages.
    document, _created = evidence_upload(
        actor=dinkes, region=assessment.region, data=BytesIO(PDF), name="sk.pdf", size=len(PDF)
    )
    requirement = EvidenceRequirement.objects.get(question=a["T-1.1"].question)
    evidence_attach(actor=dinkes, answer=a["T-1.1"], evidence=document, requirement=requirement)
    evidence_attach(actor=dinkes, answer=a["T-1.2"], evidence=document, requirement=None)
    for answer in Answer.objects.filter(assessment=assessment).exclude(status="accepted"):
        if answer.status in ("draft", "returned"):
            answer = actions.answer_submit(actor=admin, answer=answer)
        actions.answer_accept(actor=admin, answer=Answer.objects.get(pk=answer.pk))
    actions.assessment_submit(actor=admin, assessment=assessment)
    move_stages(assessment.cycle, K.PROVINCE)
    jabar = users["verifier.jabar"]
    verification.verify_item(
        actor=jabar, answer=a["T-1.1"], stage=K.PROVINCE, points=Decimal("12.5"), reason=WORDS
    )
    verification.verify_agree_rest(actor=jabar, assessment=assessment, stage=K.PROVINCE)
    move_stages(assessment.cycle, K.MINISTRY)
    verification.verify_agree_rest(actor=personas.ministry, assessment=assessment, stage=K.MINISTRY)
    stages = set(
        Score.objects.filter(answer__assessment=assessment).values_list("stage", flat=True)
    )
    assert stages == {"self", "province", "ministry"}
    same_bytes(client, personas, tokens, assessment)
    written = python_bytes(personas.ministry, assessment.pk)
    assert json.loads(written)[0]["points"]["province"] == "12.50"
    assert b"\\u201cMelati\\u201d \\u2014" in written and b"\\ud83d\\ude00" in written


def test_one_statement_and_a_number_in_a_value_is_built_in_python(client, personas, tokens, bekasi):
    """The body is one statement (the token's, the rate limit's and the grants' besides); a
    value holding a JSON number, which Layak's checks never store, is built in Python."""
    assessment, a = bekasi
    headers = {"HTTP_AUTHORIZATION": f"Bearer {tokens['bekasi.admin']}"}
    url = f"/api/v1/assessments/{assessment.pk}/answers"
    client.get(url, **headers)  # the token's first use is recorded
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **headers)
    assert response.status_code == 200 and len(ctx.captured_queries) == 4
    assert answers_out.body(personas["bekasi.admin"], assessment.pk) == response.content.decode()

    Answer.objects.filter(pk=a["T-2.1"].pk).update(value={"number": 92.50})  # as if imported
    with pytest.raises(answers_out.BuiltInPython):
        answers_out.body(personas["bekasi.admin"], assessment.pk)
    response = client.get(url, **headers)
    assert response.content == python_bytes(personas["bekasi.admin"], assessment.pk)
    assert b'{"number": 92.5}' in response.content


def test_outside_the_reach_is_not_found(client, personas, tokens, bekasi):
    assessment, _answers = bekasi
    other = token_create(actor=personas["gunungmas.admin"], name="uji", days=30)[1]
    assert answers_out.body(personas["gunungmas.admin"], assessment.pk) is None
    response = client.get(
        f"/api/v1/assessments/{assessment.pk}/answers", HTTP_AUTHORIZATION=f"Bearer {other}"
    )
    assert response.status_code == 404
