"""The REST API, version 1 (django-ninja): ``/api/v1/``, OpenAPI at ``/api/v1/openapi.json``,
interactive documentation at ``/api/v1/docs``. Every endpoint reads through the same scoped
querysets and writes through the same action functions as the web pages."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
from operator import attrgetter, itemgetter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import File, NinjaAPI, Query, Schema, UploadedFile
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.operation import Operation
from ninja.security import SessionAuth

from layak import authz, workflow
from layak.accounts.models import User
from layak.afse.actions import AfseError
from layak.api import answers_out
from layak.api import schemas as s
from layak.api.auth import TokenAuth
from layak.api.datavalues import router as datavalues_router
from layak.api.params import PARAMETER_NAMES, Cursor, Id, Integer, problem
from layak.api.programme import router as programme_router
from layak.audit.models import AuditEntry
from layak.core.shapes import Shapes
from layak.core.statements import KeyedStatements
from layak.dashboards.cache import figures, scope
from layak.evaluation import actions as evaluation
from layak.evaluation import scores
from layak.evaluation.cycle_actions import cycles_for_user
from layak.evaluation.models import Answer, Assessment, Stage
from layak.evidence.downloads import evidence_response
from layak.evidence.models import EvidenceFile, EvidenceLink
from layak.frameworks.models import InstrumentVersion
from layak.frameworks.spec import spec_of
from layak.frameworks.views import XLSX
from layak.frameworks.workbook import export_workbook
from layak.indicators.actions import IndicatorDataError
from layak.organisations.models import Membership, Organisation
from layak.participation.actions import ParticipationError
from layak.partners.actions import PartnerError
from layak.plans.actions import PlanError
from layak.regions.models import Region
from layak.taskforce.actions import TaskForceError

A = authz.Action
MAX_LIMIT = 500


class LayakAPI(NinjaAPI):
    def get_openapi_operation_id(self, operation: Operation) -> str:
        # "<module>_<function>"; the programme's modules keep the one prefix they had as a single
        # module, so clients generated from the schema keep their names.
        module = operation.view_func.__module__
        if module.startswith("layak.api.programme."):
            module = "layak.api.programme"
        return f"{module}_{operation.view_func.__name__}".replace(".", "_")


api = LayakAPI(
    title="Layak API",
    version="1",
    description="Layak, the information system of the KLA programme. See docs/api.md.",
    urls_namespace="api-1",
    auth=[TokenAuth(), SessionAuth()],
)


def _error(
    request: HttpRequest,
    status: int,
    code: str,
    message: str,
    errors: dict[str, list[str]] | None = None,
) -> HttpResponse:
    return api.create_response(
        request, {"code": code, "message": message, "errors": errors or {}}, status=status
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found, or outside the regions you work in."))


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "forbidden", _("Your role does not allow this action."))


@api.exception_handler(AuthenticationError)
def unauthorised(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "unauthorised", _("A valid API token is required."))


@api.exception_handler(evaluation.EvaluationError)
def refused(request: HttpRequest, exc: Exception) -> HttpResponse:
    code = "conflict" if isinstance(exc, evaluation.AnswerConflict) else "refused"
    if isinstance(exc, evaluation.AnswerInvalid):
        return _error(request, 422, "invalid", str(exc), exc.errors)
    return _error(request, 409 if code == "conflict" else 422, code, str(exc))


def refused_by_rule(request: HttpRequest, exc: Exception) -> HttpResponse:
    """A rule of the programme's apps refused the change (their action functions' errors)."""
    return _error(request, 422, "refused", str(exc))


for _refusal in (
    PlanError,
    PartnerError,
    TaskForceError,
    AfseError,
    ParticipationError,
    IndicatorDataError,
    workflow.WorkflowError,
):
    api.exception_handler(_refusal)(refused_by_rule)


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        names = [str(PARAMETER_NAMES.get(str(p), p)) for p in error.get("loc", [])[1:]]
        errors.setdefault(".".join(names) or "body", []).append(problem(error))
    return _error(request, 422, "invalid", _("Some fields are not valid."), errors)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if exc.status_code == 429:
        return _error(
            request, 429, "rate_limited", _("Too many requests for this token; wait a minute.")
        )
    return _error(request, exc.status_code, "error", str(exc))


ERRORS = s.ERRORS


# The task force, RAD KLA, partners, AFSE and participation (layak/api/programme.py).
api.add_router("/", programme_router)
# Indicator data values in bulk, close to DHIS2's dataValueSets (layak/api/datavalues.py).
api.add_router("/", datavalues_router)
api.add_router("/", "layak.api.instrument.router")  # the instruments, read-only
# What waits for the caller, as on their home page (layak/api/me.py).
api.add_router("/", "layak.api.me.router")
api.add_router("/", "layak.notifications.api.router")  # the caller's notices


def _user(request: HttpRequest) -> User:
    assert isinstance(request.user, User)
    return request.user


def _rendered(request: HttpRequest, data: Any) -> HttpResponse:
    """``data``, built from database columns already of the types the operation's ``response``
    documents, rendered as ninja renders a validated result, without validating it again row
    by row (ninja passes a returned response through; the schema still documents it).
    layak/api/tests/test_api_cost.py checks that validating the output changes nothing."""
    return api.create_response(request, data, status=200)


def _page(
    items: list[Any], limit: int, pk: Callable[[Any], int] = attrgetter("pk")
) -> tuple[list[Any], int | None]:
    """The first ``limit`` of ``items`` (``limit + 1`` were read) and the cursor of the next
    page: the last one's ``pk`` (a model's attribute, or a ``values()`` row's key)."""
    more = len(items) > limit
    items = items[:limit]
    return items, (pk(items[-1]) if more and items else None)


class RegionPage(s.Page):
    items: list[s.RegionOut]


class OrganisationPage(s.Page):
    items: list[s.OrganisationOut]


class AuditPage(s.Page):
    items: list[s.AuditOut]


REGION_COLUMNS = ("pk", "code", "name", "level", "kind", "is_active")


def _region(row: dict[str, Any]) -> dict[str, Any]:
    """A region as ``RegionOut`` (``row`` holds ``REGION_COLUMNS``)."""
    code = row["code"]
    return {
        "code": code,
        "name": row["name"],
        "level": row["level"],
        "kind": row["kind"],
        "parent": code.rsplit(".", 1)[0] if "." in code else None,
        "is_active": row["is_active"],
    }


_SHAPES = Shapes()


@api.get("/regions", response={200: RegionPage, **ERRORS}, tags=["regions"])
def regions(
    request: HttpRequest,
    q: str = "",
    parent: str = "",
    level: Integer | None = None,
    after: Cursor = 0,
    limit: Integer = 100,
) -> Any:
    """The official region tree: search by name or code, or list a region's children."""
    limit = max(1, min(limit, MAX_LIMIT))
    if q:
        qs = Region.objects.search(q)
        if parent:
            qs = qs.filter(parent__code=parent)
        if level:
            qs = qs.filter(level=level)
        rows = list(qs.filter(pk__gt=after).order_by("pk").values(*REGION_COLUMNS)[: limit + 1])
    else:
        # Without a search the statement depends only on which filters are given and the
        # limit: compiled once for them (``layak.core.shapes``).
        values: list[int | str] = [v for v in (parent, level) if v]

        def build(*given: Any) -> Any:
            qs = Region.objects.all()
            taken = iter(given)
            if parent:
                qs = qs.filter(parent__code=next(taken))
            if level:
                qs = qs.filter(level=next(taken))
            after_ = next(taken)
            return qs.filter(pk__gt=after_).order_by("pk").values(*REGION_COLUMNS)[: limit + 1]

        rows = _SHAPES.fetch(("regions", bool(parent), bool(level), limit), build, *values, after)
    items, nxt = _page(rows, limit, itemgetter("pk"))
    return _rendered(request, {"next": nxt, "items": [_region(r) for r in items]})


@api.get("/regions/{code}", response={200: s.RegionOut, **ERRORS}, tags=["regions"])
def region(request: HttpRequest, code: str) -> Any:
    found = Region.objects.filter(code=code).values(*REGION_COLUMNS).first()
    if found is None:
        raise Http404
    return _rendered(request, _region(found))


@api.get("/organisations", response={200: OrganisationPage, **ERRORS}, tags=["organisations"])
def organisations(
    request: HttpRequest, kind: str = "", after: Cursor = 0, limit: Integer = 100
) -> Any:
    qs = Organisation.objects.for_user(_user(request), A.VIEW).select_related("region")
    if kind:
        qs = qs.filter(kind=kind)
    limit = max(1, min(limit, MAX_LIMIT))
    items, nxt = _page(list(qs.filter(pk__gt=after).order_by("pk")[: limit + 1]), limit)
    return {
        "items": [
            {
                "id": o.pk,
                "name": o.name,
                "acronym": o.acronym,
                "kind": o.kind,
                "region": o.region.code if o.region else None,
                "is_active": o.is_active,
            }
            for o in items
        ],
        "next": nxt,
    }


class MembershipOut(Schema):
    id: int
    user: str
    full_name: str
    organisation_id: int
    role: str
    is_active: bool


class MembershipPage(s.Page):
    items: list[MembershipOut]


@api.get("/memberships", response={200: MembershipPage, **ERRORS}, tags=["organisations"])
def memberships(
    request: HttpRequest, organisation: Id | None = None, after: Cursor = 0, limit: Integer = 100
) -> Any:
    """Memberships of the organisations you administer (administrators only)."""
    user = _user(request)
    authz.require(user, A.MANAGE)
    qs = Membership.objects.for_user(user, A.MANAGE).select_related("user")
    if organisation:
        qs = qs.filter(organisation_id=organisation)
    limit = max(1, min(limit, MAX_LIMIT))
    items, nxt = _page(list(qs.filter(pk__gt=after).order_by("pk")[: limit + 1]), limit)
    return {
        "items": [
            {
                "id": m.pk,
                "user": m.user.email,
                "full_name": m.user.full_name,
                "organisation_id": m.organisation_id,
                "role": m.role,
                "is_active": m.is_active,
            }
            for m in items
        ],
        "next": nxt,
    }


class VersionOut(Schema):
    id: int
    framework: str
    number: int
    label: str
    status: str
    is_default_scheme: bool
    scale_max: Decimal


@api.get("/instruments", response={200: list[VersionOut], **ERRORS}, tags=["instruments"])
def instruments(request: HttpRequest) -> Any:
    """Every instrument version (reference data)."""
    return [
        {
            "id": v.pk,
            "framework": v.framework.code,
            "number": v.number,
            "label": v.label,
            "status": v.status,
            "is_default_scheme": v.is_default_scheme,
            "scale_max": v.scale_max,
        }
        for v in InstrumentVersion.objects.select_related("framework").order_by("pk")
    ]


@api.get("/instruments/{pk}/workbook", response={200: None, **ERRORS}, tags=["instruments"])
def instrument_workbook(request: HttpRequest, pk: Id) -> Any:
    """The instrument as its XLSX workbook (the layout of docs/instrument-workbook.md)."""
    version = InstrumentVersion.objects.filter(pk=pk).select_related("framework").first()
    if version is None:
        raise Http404
    response = HttpResponse(export_workbook(spec_of(version)), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{version.framework.code}-v{version.number}.xlsx"'
    )
    return response


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    region: str
    uploaded_at: datetime.datetime


@api.get("/answers/{pk}/evidence", response={200: list[EvidenceOut], **ERRORS}, tags=["evidence"])
def answer_evidence(request: HttpRequest, pk: Id) -> Any:
    """The documents attached to an answer; download each at ``/evidence/{id}/download``."""
    found = _get_answer(request, pk)
    links = EvidenceLink.objects.filter(answer=found, is_active=True).select_related("file__region")
    return [
        {
            "id": link.file.pk,
            "name": link.file.name,
            "content_type": link.file.content_type,
            "size": link.file.size,
            "sha256": link.file.sha256,
            "region": link.file.region.code,
            "uploaded_at": link.file.uploaded_at,
        }
        for link in links
    ]


@api.get("/evidence/{pk}/download", response={200: None, **ERRORS}, tags=["evidence"])
def evidence_download(request: HttpRequest, pk: Id) -> Any:
    evidence: EvidenceFile = authz.get_object_for_user(
        EvidenceFile.objects.all(), _user(request), A.VIEW, pk=pk
    )
    return evidence_response(evidence)


@api.post("/answers/{pk}/evidence", response={200: EvidenceOut, **ERRORS}, tags=["evidence"])
def evidence_upload(request: HttpRequest, pk: Id, file: File[UploadedFile]) -> Any:
    """Upload a document and attach it to the answer (the same checks as the web page)."""
    from layak.evidence.actions import UploadRefused
    from layak.evidence.actions import evidence_attach as attach
    from layak.evidence.actions import evidence_upload as upload

    user = _user(request)
    found = _get_answer(request, pk, A.EDIT)
    try:
        evidence, _created = upload(
            actor=user,
            region=found.assessment.region,
            data=file,
            name=file.name or "",
            size=file.size or 0,
        )
    except UploadRefused as exc:
        return _error(request, 422, "refused", str(exc))
    attach(actor=user, answer=found, evidence=evidence, requirement=None)
    return {
        "id": evidence.pk,
        "name": evidence.name,
        "content_type": evidence.content_type,
        "size": evidence.size,
        "sha256": evidence.sha256,
        "region": found.assessment.region.code,
        "uploaded_at": evidence.uploaded_at,
    }


_CYCLES = KeyedStatements()


@api.get("/cycles", response={200: list[s.CycleOut], **ERRORS}, tags=["evaluation"])
def cycles(request: HttpRequest) -> Any:
    user = _user(request)
    # The cycles' statement depends on the person's grants alone: compiled once for them.
    rows = _CYCLES.rows(
        scope(user),
        lambda: cycles_for_user(user).values_list(
            "pk",
            "name",
            "instrument_id",
            "instrument__framework__code",
            "instrument__framework__region_level",
        ),
    )
    stages: dict[int, list[dict[str, Any]]] = {}
    # Each cycle's stages by opening time (ordering by the cycle, as the stages' own ordering
    # does, would join the cycles only to sort).
    ids = [row[0] for row in rows]
    for cycle_id, kind, opens_at, closes_at in _SHAPES.fetch(
        ("stages", len(ids)),
        lambda *ids: (
            Stage.objects.filter(cycle_id__in=ids)
            .order_by("opens_at", "pk")
            .values_list("cycle_id", "kind", "opens_at", "closes_at")
        ),
        *ids,
    ):
        stages.setdefault(cycle_id, []).append(
            {"kind": kind, "opens_at": opens_at, "closes_at": closes_at}
        )
    return _rendered(
        request,
        [
            {
                "id": pk,
                "name": name,
                "instrument_id": instrument_id,
                "framework": framework,
                "level": level,
                "stages": stages.get(pk, []),
            }
            for pk, name, instrument_id, framework, level in rows
        ],
    )


ASSESSMENT_COLUMNS = (
    "id",
    "cycle_id",
    "region__code",
    "status",
    "determined_at",
    "final_total",
    "final_band__name",
)


def _assessment(row: dict[str, Any]) -> dict[str, Any]:
    """An assessment as ``AssessmentOut`` (``row`` holds ``ASSESSMENT_COLUMNS``)."""
    return {
        "id": row["id"],
        "cycle_id": row["cycle_id"],
        "region": row["region__code"],
        "status": row["status"],
        "determined_at": row["determined_at"],
        "final_total": row["final_total"],
        "final_predicate": row["final_band__name"],
    }


class AssessmentFilter(Schema):
    cycle: Id | None = None


@api.get("/assessments", response={200: list[s.AssessmentOut], **ERRORS}, tags=["evaluation"])
def assessments(request: HttpRequest, filters: Query[AssessmentFilter]) -> Any:
    user = _user(request)

    def build(*cycle: int) -> Any:
        qs = Assessment.objects.for_user(user, A.VIEW)
        if cycle:
            qs = qs.filter(cycle_id=cycle[0])
        return qs.order_by("pk").values(*ASSESSMENT_COLUMNS)[:MAX_LIMIT]

    # Compiled once per set of grants (with a cycle or without): it depends on nothing else.
    given = (filters.cycle,) if filters.cycle else ()
    rows = _SHAPES.fetch(("assessments", authz.scope_key(user), bool(given)), build, *given)
    return _rendered(request, [_assessment(row) for row in rows])


def _get_assessment(request: HttpRequest, pk: int) -> Assessment:
    found: Assessment = authz.get_for_user(
        lambda: Assessment.objects.select_related(
            "region", "final_band", "cycle__instrument__framework"
        ),
        _user(request),
        A.VIEW,
        pk,
    )
    return found


@api.get("/assessments/{pk}", response={200: s.AssessmentOut, **ERRORS}, tags=["evaluation"])
def assessment(request: HttpRequest, pk: Id) -> Any:
    user = _user(request)
    found = _SHAPES.fetch(
        ("assessment", authz.scope_key(user)),
        lambda pk: (
            Assessment.objects.for_user(user, A.VIEW)
            .filter(pk=pk)
            .order_by()
            .values(*ASSESSMENT_COLUMNS)[:1]
        ),
        pk,
    )
    if not found:
        raise Http404
    return _rendered(request, _assessment(found[0]))


@api.get(
    "/assessments/{pk}/scores", response={200: list[s.ScoreOut], **ERRORS}, tags=["evaluation"]
)
def assessment_scores(request: HttpRequest, pk: Id) -> Any:
    """Total, totals by group and predicate at every stage of the cycle."""
    found = _get_assessment(request, pk)
    # Kept as the dashboards' figures are, by the region's data version and the reader's
    # language (the progress is put into words): anyone who may see the assessment sees them.
    return figures("api-scores", found.region, (found.pk,), lambda: (_scores(found), None))


def _progress(result: scores.Result) -> str:
    """How far the result is, in the words the pages use: what is still open, else that it is
    complete (the scores page's badge)."""
    return scores.progress_words(result) or _("complete")


def _scores(found: Assessment) -> list[dict[str, Any]]:
    order = Stage.order_for(found.cycle.instrument.framework.region_level)
    reached = scores.current_results(found.cycle, [found])[found.pk]
    stages = order[: order.index(reached.stage) + 1] if reached.stage in order else order[:1]
    # Every stage's result at once (``results_at``), not one computation a stage.
    at = scores.results_at(found.cycle, [found.pk], stages)
    out = []
    for stage in stages:
        result = at[stage].get(found.pk)
        if result is None:
            continue
        out.append(
            {
                "stage": stage,
                "total": result.total,
                "by_group": result.by_group,
                "predicate": result.predicate.name or None,
                "capped_by": list(result.predicate.capped_by),
                "items": result.items,
                "done": result.done,
                "back": result.back,
                "complete": result.complete,
                "progress": _progress(result),
            }
        )
    return out


@api.get(
    "/assessments/{pk}/answers", response={200: list[s.AnswerOut], **ERRORS}, tags=["evaluation"]
)
def answers(request: HttpRequest, pk: Id) -> Any:
    """The answers this person may see (an office sees the ones assigned to it)."""
    user = _user(request)
    if answers_out.json_in_database():
        # PostgreSQL writes the body itself, the same bytes as the rows rendered below.
        try:
            text = answers_out.body(user, pk)
        except answers_out.BuiltInPython:
            pass
        else:
            if text is None:
                raise Http404
            return HttpResponse(text, content_type=api.get_content_type())
    if not answers_out.seen(user, pk):
        raise Http404
    return _rendered(request, answers_out.listed(user, pk))


def _get_answer(request: HttpRequest, pk: int, action: authz.Action = A.VIEW) -> Answer:
    found: Answer = authz.get_object_for_user(
        Answer.objects.select_related("question", "assessment__region", "assessment__cycle"),
        _user(request),
        action,
        pk=pk,
    )
    return found


def _answer_response(request: HttpRequest, pk: int) -> HttpResponse:
    """The answer as the person may see it now (404 outside their reach)."""
    found = answers_out.answer_rows(
        list(
            Answer.objects.for_user(_user(request), A.VIEW)
            .filter(pk=pk)
            .order_by()
            .values(*answers_out.ANSWER_COLUMNS)
        )
    )
    if not found:
        raise Http404
    return _rendered(request, found[0])


@api.get("/answers/{pk}", response={200: s.AnswerOut, **ERRORS}, tags=["evaluation"])
def answer(request: HttpRequest, pk: Id) -> Any:
    return _answer_response(request, pk)


@api.put("/answers/{pk}", response={200: s.AnswerOut, 409: s.Error, **ERRORS}, tags=["evaluation"])
def answer_save(request: HttpRequest, pk: Id, payload: s.AnswerIn) -> Any:
    """Save a draft answer. ``revision`` is the one you read; if someone saved since, the
    answer is not changed and 409 comes back."""
    found = _get_answer(request, pk, A.EDIT)
    saved = evaluation.answer_save(
        actor=_user(request),
        answer=found,
        value=payload.value,
        note=payload.note,
        revision=payload.revision,
    )
    return _answer_response(request, saved.pk)


@api.post(
    "/answers/{pk}/submit", response={200: s.AnswerOut, 409: s.Error, **ERRORS}, tags=["evaluation"]
)
def answer_submit(request: HttpRequest, pk: Id) -> Any:
    found = _get_answer(request, pk, A.EDIT)
    evaluation.answer_submit(actor=_user(request), answer=found)
    return _answer_response(request, pk)


@api.get("/audit", response={200: AuditPage, **ERRORS}, tags=["audit"])
def audit(request: HttpRequest, after: Cursor = 0, limit: Integer = 100, action: str = "") -> Any:
    """The audit log of the regions you administer (administrators only), newest last."""
    user = _user(request)
    authz.require(user, A.AUDIT)
    qs = AuditEntry.objects.for_user(user).select_related("actor", "region", "object_type")
    if action:
        qs = qs.filter(action__startswith=action)
    limit = max(1, min(limit, MAX_LIMIT))
    items, nxt = _page(list(qs.filter(pk__gt=after).order_by("pk")[: limit + 1]), limit)
    return {
        "items": [
            {
                "id": e.pk,
                "at": e.at,
                "actor": e.actor.email if e.actor else None,
                "action": e.action,
                "object_type": e.object_type.model,
                "object_id": e.object_id,
                "object": e.object_repr,
                "region": e.region.code if e.region else None,
                "before": e.before,
                "after": e.after,
                "request_id": e.request_id,
            }
            for e in items
        ],
        "next": nxt,
    }
