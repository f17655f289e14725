"""The DHIS2-style Web API at ``/api/…``: what DHIS2 clients and scripts call, unchanged but for
their base URL and credentials (docs/api.md, "DHIS2 clients").

- ``/api/dataValueSets`` (``.json``, ``.csv``, ``.xml``): read and write indicator data values
  (``dhis2_import``, ``dhis2_formats``);
- ``/api/dataElements``, ``/api/categoryOptionCombos``, ``/api/organisationUnits``,
  ``/api/dataSets`` (lists and ``/{uid}``) and ``/api/me``: read-only metadata to look
  identifiers up (``dhis2_metadata``);
- ``/api/system/tasks/DATAVALUE_IMPORT/{uid}`` and ``/api/system/taskSummaries/…``: an import
  started with ``async=true``.

A version segment (``/api/40/dataValueSets``) is accepted as DHIS2 allows it. Answers and
errors are DHIS2's WebMessages, with messages in the caller's language (``Accept-Language``,
else the account's; Indonesian by default). Every read goes through the same scoped querysets
as the web pages; every write through the same actions and audit.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from functools import wraps
from typing import Any

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import AuthenticationError, HttpError

from layak import authz
from layak.accounts.models import User
from layak.api import dhis2_formats as formats
from layak.api import dhis2_ids as ids
from layak.api.auth import Refused as Unauthorised
from layak.api.auth import header_user
from layak.api.dhis2_import import TRUE, Options, Refused, import_set, web_message
from layak.api.dhis2_lookup import Catalogue, OrgUnit, Unknown, org_units, scheme
from layak.core.numbers import PLAIN, format_number
from layak.indicators.models import DataValue
from layak.jobs import runner
from layak.jobs.models import Job
from layak.regions.models import Region

A = authz.Action
LANGUAGES = ("id", "en")
JOB_KIND = "dhis2_data_value_import"
STATUS_NAMES = {
    200: "OK",
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    429: "Too Many Requests",
}


def message(status: int, text: str, **extra: Any) -> JsonResponse:
    """DHIS2's WebMessage."""
    body = {
        "httpStatus": STATUS_NAMES.get(status, str(status)),
        "httpStatusCode": status,
        "status": "OK" if status < 400 else "ERROR",
        "message": text,
        **extra,
    }
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


def _language(request: HttpRequest, user: User | None) -> str:
    """The first language of ``Accept-Language`` that Layak speaks; else the account's."""
    header = request.headers.get("Accept-Language", "")
    for part in header.split(","):
        code = part.split(";")[0].strip().lower().split("-")[0]
        if code in LANGUAGES:
            return code
    if user is not None and user.language in LANGUAGES:
        return user.language
    return "id"


View = Callable[..., HttpResponseBase]


def endpoint(*methods: str) -> Callable[[View], View]:
    """Authentication (``layak.api.auth``: a token or Basic in the ``Authorization`` header,
    without CSRF; else the browser session, with it), the caller's language, the methods."""

    def wrap(fn: View) -> View:
        @csrf_exempt
        @wraps(fn)
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            kwargs.pop("version", None)
            user: User | None = None
            try:
                user = header_user(request)
            except Unauthorised as exc:
                with translation.override(_language(request, None)):
                    return message(401, exc.message)
            except AuthenticationError:
                with translation.override(_language(request, None)):
                    return message(401, _("A valid API token is required."))
            except HttpError:
                with translation.override(_language(request, None)):
                    return message(429, _("Too many requests for this token; wait a minute."))
            if user is None:
                session = request.user
                if not isinstance(session, User) or not session.is_authenticated:
                    with translation.override(_language(request, None)):
                        return message(401, _("A valid API token is required."))
                user = session
                if request.method not in ("GET", "HEAD", "OPTIONS"):
                    refused = CsrfViewMiddleware(lambda r: HttpResponse()).process_view(
                        request, fn, (), {}
                    )
                    if refused is not None:
                        with translation.override(_language(request, user)):
                            return message(403, _("The form's security token is missing."))
            with translation.override(_language(request, user)):
                if request.method not in methods:
                    return message(405, _("This method is not allowed here."))
                return fn(request, user, *args, **kwargs)

        return view

    return wrap


# ---- dataValueSets ----------------------------------------------------------------------------

READ_PARAMETERS = {
    "dataSet",
    "dataElement",
    "period",
    "startDate",
    "endDate",
    "orgUnit",
    "children",
    "lastUpdated",
    "includeDeleted",
    "attributeOptionCombo",
    "idScheme",
    "dataElementIdScheme",
    "orgUnitIdScheme",
    "categoryOptionComboIdScheme",
    "dataSetIdScheme",
    # Paging parameters that clients add to every list; the answer is never paged.
    "paging",
    "page",
    "pageSize",
    "totalPages",
}
WRITE_PARAMETERS = {
    "dryRun",
    "importStrategy",
    "atomicMode",
    "async",
    "idScheme",
    "dataElementIdScheme",
    "orgUnitIdScheme",
    "categoryOptionComboIdScheme",
    "dataSetIdScheme",
}


def unsupported(request: HttpRequest, allowed: set[str]) -> HttpResponse | None:
    """A refusal naming the query parameters not in ``allowed``: a DHIS2 parameter Layak does
    not implement is refused, never silently ignored."""
    unknown = sorted(set(request.GET) - allowed)
    if unknown:
        return message(
            409,
            _("Layak does not support the parameter %(names)s here (see docs/api.md).")
            % {"names": ", ".join(unknown)},
        )
    return None


@endpoint("GET", "POST")
def data_value_sets(request: HttpRequest, user: User, fmt: str | None = None) -> HttpResponseBase:
    if request.method == "POST":
        return _import(request, user, fmt)
    return _read(request, user, fmt or "json")


def _import(request: HttpRequest, user: User, fmt: str | None) -> HttpResponse:
    refused = unsupported(request, WRITE_PARAMETERS)
    if refused:
        return refused
    if not authz.has_action(user, A.EDIT):
        return message(403, _("Your role does not allow this action."))
    try:
        options = Options.parse(request.GET)
        data = formats.read(request.body, formats.kind_of(request.content_type or "", fmt))
    except (Refused, formats.Unreadable) as exc:
        return message(409, str(exc))
    if options.asynchronous:
        job = runner.start(
            actor=user,
            kind=JOB_KIND,
            label=_("Indicator data import through the API (%(count)d values)")
            % {"count": len(data.get("dataValues") or [])},
            params={"data": data, "options": options.as_dict()},
        )
        uid = ids.job_uid(job.pk)
        return message(
            200,
            _("Initiated DATAVALUE_IMPORT"),
            response={
                "responseType": "JobConfigurationWebMessageResponse",
                "name": "DATAVALUE_IMPORT",
                "id": uid,
                "created": job.created_at.isoformat(),
                "jobType": "DATAVALUE_IMPORT",
                "relativeNotifierEndpoint": f"/api/system/tasks/DATAVALUE_IMPORT/{uid}",
            },
        )
    try:
        summary = import_set(actor=user, data=data, options=options)
    except Refused as exc:
        return message(409, str(exc))
    status, body = web_message(summary)
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})


@runner.handler(JOB_KIND)
def _import_job(job: Job, progress: runner.Progress) -> dict[str, Any]:
    progress(0, 1, _("Checking and saving the values…"))
    try:
        summary = import_set(
            actor=job.created_by,
            data=job.params["data"],
            options=Options.from_dict(job.params["options"]),
        )
    except Refused as exc:
        raise runner.JobFailed(str(exc)) from None
    progress(1, 1)
    return {"summary": summary}


def _months(day: datetime.date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> datetime.date:
    return datetime.date(index // 12, index % 12 + 1, 1)


PERIOD_MONTHS = {"year": 12, "quarter": 3, "month": 1}


def _within_dates(start: datetime.date, end: datetime.date) -> Q:
    """Values whose period lies wholly between ``start`` and ``end`` (DHIS2's startDate and
    endDate): it starts on or after ``start`` and the next period starts by ``end`` + 1 day."""
    after = end + datetime.timedelta(days=1)
    q = Q(pk__in=[])
    for kind, months in PERIOD_MONTHS.items():
        q |= Q(
            element__period_type=kind,
            period_start__gte=start,
            period_start__lte=_month_start(_months(after) - months),
        )
    return q


def _read(request: HttpRequest, user: User, fmt: str) -> HttpResponseBase:
    refused = unsupported(request, READ_PARAMETERS)
    if refused:
        return refused
    params = request.GET
    try:
        general = scheme(params.get("idScheme"))
        element_scheme = scheme(params.get("dataElementIdScheme"), general)
        unit_scheme = scheme(params.get("orgUnitIdScheme"), general)
        combo_scheme = scheme(params.get("categoryOptionComboIdScheme"), general)
        set_scheme = scheme(params.get("dataSetIdScheme"), general)
    except Unknown as exc:
        return message(409, str(exc))
    catalogue = Catalogue.load()
    qs = DataValue.objects.for_user(user, A.VIEW)
    if params.get("includeDeleted", "").lower() not in TRUE:
        qs = qs.filter(is_active=True)
    sets, elements = params.getlist("dataSet"), params.getlist("dataElement")
    if not sets and not elements:
        return message(409, _("At least one valid data set or data element must be specified."))
    what = Q(pk__in=[])
    try:
        for text in sets:
            data_set = catalogue.data_set(text, set_scheme)
            what |= Q(element__cluster=data_set.cluster, element__period_type=data_set.period_type)
        found = [catalogue.element(text, element_scheme).pk for text in elements]
    except Unknown as exc:
        return message(409, str(exc))
    qs = qs.filter(what | Q(element_id__in=found))
    periods = params.getlist("period")
    start, end = params.get("startDate"), params.get("endDate")
    updated = params.get("lastUpdated")
    if not periods and not (start and end) and not updated:
        return message(
            409,
            _("At least one valid period, a start and end date, or lastUpdated must be specified."),
        )
    for period in periods:
        kind = ids.period_type_of(period)
        if kind is None or kind == "week":
            return message(
                409,
                _("“%(period)s” is not a period Layak keeps (2025, 2025Q1 or 202501).")
                % {"period": period},
            )
    if periods:
        qs = qs.filter(period__in=[ids.to_layak(p) for p in periods])
    if start or end:
        first, last = parse_date(start or ""), parse_date(end or "")
        if first is None or last is None:
            return message(409, _("Give both startDate and endDate as YYYY-MM-DD."))
        qs = qs.filter(_within_dates(first, last))
    if updated:
        moment = parse_datetime(updated)
        day = parse_date(updated) if moment is None else None
        if moment is None and day is None:
            return message(409, _("Write lastUpdated as YYYY-MM-DD or an ISO date and time."))
        if moment is None and day is not None:
            moment = datetime.datetime.combine(day, datetime.time())
        assert moment is not None
        if timezone.is_naive(moment):
            moment = timezone.make_aware(moment)
        qs = qs.filter(updated_at__gte=moment)
    attribute = params.get("attributeOptionCombo", "")
    if attribute not in ("", ids.DEFAULT_COMBO, ids.DEFAULT_CODE):
        return message(409, _("Layak has no attribute option combos; use the default one."))
    units = params.getlist("orgUnit")
    if not units:
        return message(409, _("At least one valid organisation unit must be specified."))
    found_units = org_units(units, unit_scheme)
    problems = [v for v in found_units.values() if not isinstance(v, OrgUnit)]
    if problems:
        return message(409, str(problems[0]))
    resolved = [v for v in found_units.values() if isinstance(v, OrgUnit)]
    visible = set(
        Region.objects.filter(pk__in={u.region.pk for u in resolved})
        .filter(authz.scope_q(user, A.VIEW, region=""))
        .values_list("pk", flat=True)
    )
    if any(u.region.pk not in visible for u in resolved):
        return message(404, _("Not found, or outside the regions you work in."))
    children = params.get("children", "").lower() in TRUE
    where = Q(pk__in=[])
    for unit in resolved:
        place = Q(region__path__startswith=unit.region.path) if children else Q(region=unit.region)
        if unit.office is not None:
            place &= Q(organisation=unit.office)
        where |= place
    qs = qs.filter(where)
    rows = (
        qs.order_by("pk")
        .values_list(
            "element__code",
            "element__name",
            "region__code",
            "region__name",
            "period",
            "disaggregation",
            "value",
            "comment",
            "created_at",
            "updated_at",
            "is_active",
        )
        .iterator(chunk_size=2000)
    )
    labels = catalogue.combos()
    include_deleted = params.get("includeDeleted", "").lower() in TRUE

    def values() -> Iterator[dict[str, Any]]:
        for code, name, region, region_name, period, key, value, comment, made, changed, on in rows:
            item: dict[str, Any] = {
                "dataElement": {"UID": ids.element_uid(code), "CODE": code, "NAME": name}[
                    element_scheme
                ],
                "period": ids.to_dhis2(period),
                "orgUnit": {"UID": ids.region_uid(region), "CODE": region, "NAME": region_name}[
                    unit_scheme
                ],
                "categoryOptionCombo": {
                    "UID": ids.combo_uid(key),
                    "CODE": ids.combo_code(key),
                    "NAME": labels.get(key, key) if key else ids.DEFAULT_CODE,
                }[combo_scheme],
                "attributeOptionCombo": ids.DEFAULT_COMBO
                if combo_scheme == "UID"
                else ids.DEFAULT_CODE,
                "value": format_number(value, language=PLAIN),
                "created": made.isoformat(),
                "lastUpdated": changed.isoformat(),
                "followup": False,
            }
            if comment:
                item["comment"] = comment
            if include_deleted:
                item["deleted"] = not on
            yield item

    return StreamingHttpResponse(
        formats.write(values(), fmt), content_type=formats.CONTENT_TYPES[fmt]
    )


# ---- asynchronous imports -------------------------------------------------------------------


def _job(user: User, uid: str) -> Job | None:
    pk = ids.job_pk(uid)
    if pk is None:
        return None
    return Job.objects.for_user(user).filter(pk=pk, kind=JOB_KIND).first()


@endpoint("GET")
def task(request: HttpRequest, user: User, uid: str, fmt: str | None = None) -> HttpResponse:
    """DHIS2's notifications of a job: the newest first, ``completed`` once it has ended."""
    job = _job(user, uid)
    if job is None:
        return message(404, _("Not found, or outside the regions you work in."))
    if job.status == Job.Status.DONE:
        text, level = _("Import done"), "INFO"
    elif job.status == Job.Status.FAILED:
        text, level = job.error, "ERROR"
    else:
        text, level = job.step or job.get_status_display(), "INFO"
    notes = [
        {
            "uid": uid,
            "level": level,
            "category": "DATAVALUE_IMPORT",
            "time": (job.finished_at or job.heartbeat_at or job.created_at).isoformat(),
            "message": text,
            "completed": job.finished,
        }
    ]
    return JsonResponse(notes, safe=False, json_dumps_params={"ensure_ascii": False})


@endpoint("GET")
def task_summary(
    request: HttpRequest, user: User, uid: str, fmt: str | None = None
) -> HttpResponse:
    """The import summary of a finished job."""
    job = _job(user, uid)
    if job is None:
        return message(404, _("Not found, or outside the regions you work in."))
    if job.status == Job.Status.FAILED:
        return message(409, job.error)
    if job.status != Job.Status.DONE:
        return message(409, _("The import has not finished yet."))
    return JsonResponse(job.result["summary"], json_dumps_params={"ensure_ascii": False})
