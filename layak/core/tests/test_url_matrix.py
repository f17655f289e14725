"""Every URL for every role: the status each persona gets, including rows of another district
(404) and writes by read-only roles (403). A URL missing from MATRIX fails the suite."""

from __future__ import annotations

import importlib
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from layak.core.tests.matrix import ANON, ROLES, SIGNED_IN, Case, as_post
from layak.organisations.models import Membership, Organisation
from layak.testing import Personas


def bekasi_dinkes(p: Personas) -> dict[str, object]:
    return {"pk": Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi").pk}


def gm_dinkes(p: Personas) -> dict[str, object]:
    return {"pk": Organisation.objects.get(name="Dinas Kesehatan Kabupaten Gunung Mas").pk}


def regent_membership(p: Personas) -> dict[str, object]:
    return {"pk": Membership.objects.get(user=p.bekasi_regent).pk}


# Seen by everyone with a reach over Bekasi; managed by its administrator and the ministry.
BEKASI_OFFICE_VIEW = {
    "bekasi.partner": 404,
    "bekasi.forum": 404,
    "gunungmas.admin": 404,
}
BEKASI_OFFICE_MANAGE = {
    **{r: 403 for r in SIGNED_IN},
    **BEKASI_OFFICE_VIEW,
    "ministry": 200,
    "bekasi.admin": 200,
}
# A write on a Bekasi membership (the regent's, in the Setda office).
MEMBERSHIP_WRITE = {
    **{r: 403 for r in SIGNED_IN},
    "ministry": 302,
    "bekasi.admin": 302,
    "bekasi.dinkes": 404,
    "bekasi.partner": 404,
    "bekasi.forum": 404,
    "gunungmas.admin": 404,
}
MANAGERS_ONLY = {
    **{r: 403 for r in SIGNED_IN},
    "ministry": 200,
    "bekasi.admin": 200,
    "gunungmas.admin": 200,
}


def _bekasi_assessment() -> dict[str, object]:
    from layak.evaluation.models import Assessment

    # The matrix's own cycle (``make_cycle``); other apps' cases add cycles of their own.
    return {"pk": Assessment.objects.get(region__code="32.16", cycle__name="Evaluasi Uji").pk}


def assessment(p: Personas) -> dict[str, object]:
    return _bekasi_assessment()


def indicator(p: Personas) -> dict[str, object]:
    from layak.frameworks.models import Indicator

    return {**_bekasi_assessment(), "indicator": Indicator.objects.get(code="T-1").pk}


def answer(p: Personas) -> dict[str, object]:
    from layak.evaluation.models import Answer

    return {"pk": Answer.objects.get(assessment__region__code="32.16", question__code="T-1.1").pk}


def cycle(p: Personas) -> dict[str, object]:
    from layak.evaluation.models import Cycle

    return {"pk": Cycle.objects.get(name="Evaluasi Uji").pk}


def version(p: Personas) -> dict[str, object]:
    from layak.frameworks.models import InstrumentVersion

    return {"pk": InstrumentVersion.objects.order_by("pk").first().pk}


def link(p: Personas) -> dict[str, object]:
    from layak.evidence.models import EvidenceLink

    return {"pk": EvidenceLink.objects.get().pk}


def evidence_file(p: Personas) -> dict[str, object]:
    from layak.evidence.models import EvidenceFile

    # The file attached to the answer T-1.1 (other apps' rows bring files of their own).
    return {"pk": EvidenceFile.objects.filter(links__isnull=False).distinct().get().pk}


NATIONAL_ONLY = {r: 403 for r in SIGNED_IN} | {"ministry": 200}
NATIONAL_WRITE = {r: 403 for r in SIGNED_IN} | {"ministry": 302}
# Bekasi's assessment: readable by everyone who reaches Bekasi.
ASSESSMENT_VIEW = {"gunungmas.admin": 404}
ASSESSMENT_MANAGE = {r: 403 for r in SIGNED_IN} | {
    "ministry": 200,
    "bekasi.admin": 200,
    "gunungmas.admin": 404,
}
ASSESSMENT_MANAGE_POST = {r: 403 for r in SIGNED_IN} | {
    "ministry": 302,
    "bekasi.admin": 302,
    "gunungmas.admin": 404,
}
# Bekasi's answer T-1.1, assigned to Dinkes and DP3A.
ANSWER_VIEW = {"bekasi.partner": 404, "bekasi.forum": 404, "gunungmas.admin": 404}
ANSWER_EDIT = (
    {r: 403 for r in SIGNED_IN}
    | ANSWER_VIEW
    | {"ministry": 302, "bekasi.admin": 302, "bekasi.dinkes": 302}
)
ANSWER_REVIEW = {r: 403 for r in SIGNED_IN} | ANSWER_VIEW | {"ministry": 302, "bekasi.admin": 302}


def _answer_revision() -> int:
    from layak.evaluation.models import Answer

    return Answer.objects.get(assessment__region__code="32.16", question__code="T-1.1").revision


def province_stage(p: Personas) -> dict[str, object]:
    return {**_bekasi_assessment(), "stage": "province"}


VERIFIERS = {
    "ministry": 200,
    "verifier.jabar": 200,
    "assessor": 200,
    "bekasi.admin": 200,
    "gunungmas.admin": 200,
}
PROVINCE_VERIFY = {r: 403 for r in SIGNED_IN} | {"ministry": 200, "verifier.jabar": 200}

MATRIX: dict[str, Case] = {
    "core:programme": Case(),
    "evidence:set_public": Case(
        method="post",
        kwargs=evidence_file,
        data={"public": "1"},
        only={r: 403 for r in SIGNED_IN}
        | {"ministry": 302, "bekasi.admin": 302}
        | {"bekasi.partner": 404, "bekasi.forum": 404, "gunungmas.admin": 404},
    ),
    "frameworks:list": Case(),
    "frameworks:version": Case(kwargs=version),
    "frameworks:export": Case(kwargs=version),
    "frameworks:import": Case(only=NATIONAL_ONLY),
    "frameworks:publish": Case(method="post", kwargs=version, only=NATIONAL_WRITE),
    "frameworks:copy": Case(method="post", kwargs=version, only=NATIONAL_WRITE),
    "frameworks:mapping": Case(kwargs=version, only=NATIONAL_ONLY),
    "evaluation:cycles": Case(),
    "evaluation:my_items": Case(),
    "evaluation:cycle_create": Case(only=MANAGERS_ONLY),
    "evaluation:reminders_send": Case(method="post", only=NATIONAL_WRITE),
    "organisations:assessor_regions": Case(
        method="post",
        kwargs=lambda p: {"pk": Membership.objects.get(user=p["assessor"]).pk},
        data={"codes": "32.16 62.10"},
        # The assessor's membership (in a national organisation) is seen by the ministry only.
        only={r: 404 for r in SIGNED_IN} | {"ministry": 302},
    ),
    "evaluation:cycle": Case(kwargs=cycle),
    "evaluation:cycle_windows": Case(kwargs=cycle, only=NATIONAL_ONLY),
    "evaluation:cycle_districts": Case(
        method="post", kwargs=cycle, data={"codes": "32.16"}, only=NATIONAL_WRITE
    ),
    "evaluation:gate_create": Case(method="post", kwargs=cycle, only=NATIONAL_WRITE),
    "evaluation:assessment": Case(kwargs=assessment, only=ASSESSMENT_VIEW),
    "evaluation:assign": Case(kwargs=assessment, only=ASSESSMENT_MANAGE),
    "evaluation:assessment_submit": Case(
        method="post", kwargs=assessment, only=ASSESSMENT_MANAGE_POST
    ),
    "evaluation:assessment_reopen": Case(
        method="post", kwargs=assessment, only=ASSESSMENT_MANAGE_POST | {"bekasi.admin": 403}
    ),
    "evaluation:assessment_zip": Case(kwargs=assessment, only=ASSESSMENT_VIEW),
    "evaluation:indicator": Case(kwargs=indicator, only=ANSWER_VIEW),
    "evaluation:indicator_zip": Case(kwargs=indicator, only=ANSWER_VIEW),
    "evaluation:answer_save": Case(
        method="post", kwargs=answer, data={"revision": "-1"}, only=ANSWER_EDIT
    ),
    "evaluation:answer_submit": Case(method="post", kwargs=answer, only=ANSWER_EDIT),
    "evaluation:answer_accept": Case(method="post", kwargs=answer, only=ANSWER_REVIEW),
    "evaluation:answer_return": Case(method="post", kwargs=answer, only=ANSWER_REVIEW),
    "evaluation:answer_reuse": Case(method="post", kwargs=answer, only=ANSWER_EDIT),
    "evaluation:answer_history": Case(kwargs=answer, only=ANSWER_VIEW),
    "evaluation:verify_queue": Case(only={r: 403 for r in SIGNED_IN} | VERIFIERS),
    "evaluation:verify": Case(kwargs=province_stage, only=PROVINCE_VERIFY | ASSESSMENT_VIEW),
    "evaluation:verify_rest": Case(
        method="post", kwargs=province_stage, only=as_post(PROVINCE_VERIFY) | ASSESSMENT_VIEW
    ),
    "evaluation:verify_item": Case(
        method="post",
        kwargs=lambda p: {**answer(p), "stage": "province"},
        # The verifiers reach the item; the world's decision (nothing posted) is refused on
        # the page, with what was typed kept: 400.
        only=as_post(PROVINCE_VERIFY) | {"ministry": 400, "verifier.jabar": 400} | ANSWER_VIEW,
    ),
    "evaluation:determine": Case(
        method="post", kwargs=assessment, only=NATIONAL_WRITE | ASSESSMENT_VIEW
    ),
    "evaluation:scores": Case(kwargs=assessment, only=ASSESSMENT_VIEW),
    "evaluation:gaps": Case(
        kwargs=assessment,
        only={"bekasi.dinkes": 403, "bekasi.partner": 403, "bekasi.forum": 403} | ASSESSMENT_VIEW,
    ),
    "evaluation:field_photo": Case(
        method="post",
        kwargs=answer,
        only=as_post({r: 403 for r in SIGNED_IN} | {"ministry": 200, "assessor": 200})
        | ANSWER_VIEW,
    ),
    "evaluation:photo": Case(
        kwargs=lambda p: {
            "pk": __import__("layak.evaluation.models", fromlist=["FieldPhoto"])
            .FieldPhoto.objects.get()
            .pk
        },
        only={"bekasi.dinkes": 404} | ANSWER_VIEW,
    ),
    "evaluation:region_status": Case(kwargs=lambda p: {"code": "32.16"}, only=ASSESSMENT_VIEW),
    # Whoever answers an item of Bekasi's assessment gets the list of what was submitted.
    "evaluation:bulk_submit": Case(
        method="post",
        kwargs=assessment,
        only={r: 403 for r in SIGNED_IN}
        | {"ministry": 302, "bekasi.admin": 302, "bekasi.dinkes": 302, "gunungmas.admin": 404},
    ),
    # A bulk action's result is kept in the session of whoever did it: no one else has it.
    "evaluation:bulk_result": Case(
        kwargs=lambda p: {**assessment(p), "token": "not-kept"}, signed_in=404
    ),
    "evaluation:bulk_accept": Case(
        kwargs=assessment,
        data=lambda p: {"indicator": indicator(p)["indicator"]},
        only=ASSESSMENT_MANAGE,
    ),
    "evidence:library": Case(),
    # The REST API (session authentication here; tokens are tested in layak/api/tests).
    "api-1:api-root": Case(anon=404, signed_in=404),
    "api-1:openapi-json": Case(anon=200),
    "api-1:openapi-view": Case(anon=200),
    "api-1:regions": Case(anon=401),
    "api-1:region": Case(kwargs=lambda p: {"code": "32.16"}, anon=401),
    "api-1:organisations": Case(anon=401),
    "api-1:cycles": Case(anon=401),
    "api-1:assessments": Case(anon=401),
    "api-1:assessment": Case(kwargs=assessment, anon=401, only=ASSESSMENT_VIEW),
    "api-1:assessment_scores": Case(kwargs=assessment, anon=401, only=ASSESSMENT_VIEW),
    "api-1:answers": Case(kwargs=assessment, anon=401, only=ASSESSMENT_VIEW),
    "api-1:answer": Case(kwargs=answer, anon=401, only=ANSWER_VIEW),
    "api-1:answer_save": Case(
        method="put",
        kwargs=answer,
        data=lambda p: {"value": {}, "note": "", "revision": _answer_revision()},
        anon=401,
        only={r: 403 for r in SIGNED_IN}
        | ANSWER_VIEW
        | {"ministry": 200, "bekasi.admin": 200, "bekasi.dinkes": 200},
    ),
    "api-1:answer_submit": Case(
        method="post",
        kwargs=answer,
        anon=401,
        only={r: 403 for r in SIGNED_IN}
        | ANSWER_VIEW
        | {"ministry": 422, "bekasi.admin": 422, "bekasi.dinkes": 422},
    ),
    "api-1:audit": Case(
        anon=401,
        only={r: 403 for r in SIGNED_IN}
        | {"ministry": 200, "bekasi.admin": 200, "gunungmas.admin": 200},
    ),
    "api-1:memberships": Case(
        anon=401,
        only={r: 403 for r in SIGNED_IN}
        | {"ministry": 200, "bekasi.admin": 200, "gunungmas.admin": 200},
    ),
    "api-1:instruments": Case(anon=401),
    "api-1:instrument_workbook": Case(kwargs=version, anon=401),
    "api-1:answer_evidence": Case(kwargs=answer, anon=401, only=ANSWER_VIEW),
    # Without a file the request is invalid (422) before any object is looked up.
    "api-1:evidence_upload": Case(method="post", kwargs=answer, anon=401, signed_in=422),
    "api-1:evidence_download": Case(kwargs=evidence_file, anon=401, only=ANSWER_VIEW),
    "api_tokens:list": Case(),
    "api_tokens:revoke": Case(
        method="post",
        kwargs=lambda p: {
            "pk": __import__("layak.api.models", fromlist=["ApiToken"]).ApiToken.objects.get().pk
        },
        only={r: 404 for r in SIGNED_IN} | {"bekasi.admin": 302},
    ),
    "evidence:upload": Case(
        method="post",
        data={"region": "32.16"},
        only={"verifier.jabar": 403, "assessor": 403, "bekasi.regent": 403, "gunungmas.admin": 404},
        signed_in=302,
    ),
    "evidence:attach": Case(
        method="post", data=lambda p: {"answer": answer(p)["pk"], "file": "x"}, only=ANSWER_EDIT
    ),
    "evidence:detach": Case(method="post", kwargs=link, only=ANSWER_EDIT),
    "evidence:download": Case(kwargs=evidence_file, only=ANSWER_VIEW),
    "healthz": Case(anon=200),
    "core:home": Case(),
    "core:search": Case(data={"q": "rapat"}),
    "accounts:login": Case(anon=200, signed_in=302),
    "accounts:logout": Case(method="post", anon=302, signed_in=302),
    "accounts:set_language": Case(method="post", data={"language": "en"}, anon=302, signed_in=302),
    "accounts:profile": Case(),
    "accounts:password_change": Case(),
    "accounts:password_reset": Case(anon=200),
    "accounts:password_reset_done": Case(anon=200),
    "accounts:password_reset_confirm": Case(
        kwargs=lambda p: {"uidb64": "MQ", "token": "bad-token"}, anon=200
    ),
    "accounts:password_reset_complete": Case(anon=200),
    "regions:browse": Case(),
    "regions:search": Case(),
    "regions:detail": Case(kwargs=lambda p: {"code": "32.16"}),
    "organisations:list": Case(),
    "organisations:members": Case(),
    "organisations:create": Case(only=MANAGERS_ONLY),
    "organisations:detail": Case(kwargs=bekasi_dinkes, only=BEKASI_OFFICE_VIEW),
    "organisations:edit": Case(kwargs=bekasi_dinkes, only=BEKASI_OFFICE_MANAGE),
    "organisations:invite": Case(kwargs=bekasi_dinkes, only=BEKASI_OFFICE_MANAGE),
    "organisations:set_active": Case(
        method="post",
        kwargs=bekasi_dinkes,
        data={"active": "1"},
        only={**BEKASI_OFFICE_MANAGE, "ministry": 302, "bekasi.admin": 302},
    ),
    "organisations:membership_role": Case(
        method="post", kwargs=regent_membership, data={"role": "reader"}, only=MEMBERSHIP_WRITE
    ),
    "organisations:membership_active": Case(
        method="post", kwargs=regent_membership, data={"active": "1"}, only=MEMBERSHIP_WRITE
    ),
    "organisations:invitation_resend": Case(
        method="post", kwargs=regent_membership, only=MEMBERSHIP_WRITE
    ),
    "audit:list": Case(only=MANAGERS_ONLY),
}

# Another district's office: 404 for everyone of Bekasi and of Jawa Barat.
OTHER_DISTRICT: dict[str, Case] = {
    "organisations:detail": Case(
        kwargs=gm_dinkes,
        only={r: 404 for r in SIGNED_IN}
        | {"ministry": 200, "assessor": 200, "gunungmas.admin": 200},
    ),
    "organisations:edit": Case(
        kwargs=gm_dinkes,
        only={r: 404 for r in SIGNED_IN}
        | {"ministry": 200, "assessor": 403, "gunungmas.admin": 200},
    ),
}


# Apps that bring their own cases (``layak/<app>/tests/url_cases.py``: CASES and setup).
CASE_APPS = [
    "taskforce",
    "plans",
    "partners",
    "afse",
    "participation",
    "jobs",
    "indicators",
    "dashboards",
    "reports",
    "portal",
    "api",
    "accounts",
    "frameworks",
    "organisations",
    "discussions",
    "notifications",
    "offline",
]
APP_CASES = [importlib.import_module(f"layak.{app}.tests.url_cases") for app in CASE_APPS]
for _module in APP_CASES:
    assert not set(_module.CASES) & set(MATRIX), _module.__name__
    MATRIX.update(_module.CASES)


def url_names() -> set[str]:
    names: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                ns = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
                walk(pattern.url_patterns, ns)
            elif pattern.name:
                names.add(prefix + pattern.name)

    walk(get_resolver().url_patterns, "")
    return names


def test_every_url_is_in_the_matrix():
    assert url_names() == set(MATRIX)


def _check(client, personas: Personas, name: str, case: Case) -> list[str]:
    failures = []
    for role in ROLES:
        client.logout()
        if role != ANON:
            client.force_login(personas[role])
        url = reverse(name, kwargs=case.kwargs(personas))
        data = case.data(personas) if callable(case.data) else case.data
        if case.method == "put":
            response = client.put(url, json.dumps(data), content_type="application/json")
        else:
            response = getattr(client, case.method)(url, data)
        if response.status_code != case.expected(role):
            failures.append(f"{name} as {role}: {response.status_code} != {case.expected(role)}")
    return failures


def _build_world() -> Personas:
    """The personas, a small evaluation cycle, one evidence file attached in Bekasi, and every
    app's rows for its cases."""
    from django.core.files.base import ContentFile

    from layak.api.actions import token_create
    from layak.evaluation.models import FieldPhoto
    from layak.evaluation.tests.test_workflow import attach_pdf
    from layak.testing import make_cycle, make_personas

    personas = make_personas()
    evaluation = make_cycle(personas)
    attach_pdf(personas.bekasi_dinkes, evaluation.answers["T-1.1"])
    photo = FieldPhoto(
        answer=evaluation.answers["T-1.1"],
        extension="jpg",
        content_type="image/jpeg",
        uploaded_by=personas["assessor"],
    )
    photo.file.save("p.jpg", ContentFile(b"\xff\xd8\xff\xe0 photo"), save=True)
    token_create(actor=personas.bekasi_admin, name="sync", days=30)
    for module in APP_CASES:
        module.setup(personas)
    return personas


@pytest.fixture(scope="module")
def shared_world(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Personas]:
    """The world is built once for the module inside a transaction that is rolled back at the
    end; each test runs in a savepoint inside it, so a test's writes are undone and the next test
    sees the same world."""
    from django.db import transaction
    from django.test import override_settings

    media = tmp_path_factory.mktemp("matrix-media")
    with override_settings(MEDIA_ROOT=str(media)), django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield _build_world()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _media_root() -> None:
    """The shared world's files stay in the module's media folder (overrides conftest's)."""


@pytest.fixture
def world(shared_world: Personas, db: None) -> Personas:
    return shared_world


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(MATRIX))
def test_url_for_every_role(client, world, name):
    assert _check(client, world, name, MATRIX[name]) == []


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(OTHER_DISTRICT))
def test_other_districts_rows_are_404(client, world, name):
    assert _check(client, world, name, OTHER_DISTRICT[name]) == []
