"""DHIS2's single data value endpoint, ``/api/dataValues``: read, save or delete one value, named
by ``de`` (data element), ``pe`` (period), ``ou`` (organisation unit) and ``co`` (category option
combo; the default one when left out), in the query string, a form or a JSON body
(``dataElement``, ``period``, ``orgUnit``, ``categoryOptionCombo``, ``value``, ``comment``).

Saving and deleting go through the data value set import (``dhis2_import``) as a set of one
value, with the same checks, audit and provenance rules. As in DHIS2: a save answers 201, a
delete 204, a read the value as a one-element list (``["1200"]``); a refusal is 409 with the
reason.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.api import dhis2_ids as ids
from layak.api.dhis2 import endpoint, message, unsupported
from layak.api.dhis2_import import Options, Refused, import_set
from layak.api.dhis2_lookup import Catalogue, OrgUnit, Unknown, org_units
from layak.core.numbers import PLAIN, format_number
from layak.indicators.models import DataValue

A = authz.Action
SHORT = {"de": "dataElement", "pe": "period", "ou": "orgUnit", "co": "categoryOptionCombo"}
PARAMETERS = {*SHORT, *SHORT.values(), "cc", "cp", "ds", "value", "comment", "idScheme"}


def _fields(request: HttpRequest) -> dict[str, Any]:
    """The value's fields from the query string, then a form or a JSON body."""
    found: dict[str, Any] = {}
    sources: list[Any] = [request.GET]
    if request.method == "POST":
        if (request.content_type or "").startswith("application/json") and request.body:
            try:
                body = json.loads(request.body)
            except ValueError:
                raise Refused(_("The body is not readable JSON.")) from None
            if not isinstance(body, dict):
                raise Refused(_("The body must be a data value object."))
            sources.append(body)
        else:
            sources.append(request.POST)
    for source in sources:
        for key in source:
            name = SHORT.get(key, key)
            if name in (
                "dataElement",
                "period",
                "orgUnit",
                "categoryOptionCombo",
                "value",
                "comment",
            ):
                found[name] = source[key]
    for key in ("cc", "cp", "ds"):
        if request.GET.get(key):
            raise Refused(
                _("Layak has no attribute option combos; leave %(name)s out.") % {"name": key}
            )
    return found


def _first_conflict(summary: dict[str, Any]) -> str:
    conflicts = summary["conflicts"]
    return str(conflicts[0]["value"]) if conflicts else _("The value was not saved.")


@endpoint("GET", "POST", "DELETE")
def data_values(request: HttpRequest, user: User, fmt: str | None = None) -> HttpResponse:
    refused = unsupported(request, PARAMETERS)
    if refused:
        return refused
    try:
        fields = _fields(request)
        options = Options.parse(request.GET)
    except Refused as exc:
        return message(409, str(exc))
    if request.method == "GET":
        return _read(user, fields, options)
    if not authz.has_action(user, A.EDIT):
        return message(403, _("Your role does not allow this action."))
    if request.method == "DELETE":
        options.strategy = "DELETE"
    elif "value" not in fields or fields["value"] in (None, ""):
        # DHIS2 clears a value saved empty.
        options.strategy = "DELETE"
    try:
        summary = import_set(actor=user, data={"dataValues": [fields]}, options=options)
    except Refused as exc:
        return message(409, str(exc))
    if summary["status"] != "SUCCESS":
        return message(409, _first_conflict(summary))
    return HttpResponse(status=204 if options.strategy == "DELETE" else 201)


def _read(user: User, fields: dict[str, Any], options: Options) -> HttpResponse:
    catalogue = Catalogue.load()
    try:
        element = catalogue.element(str(fields.get("dataElement", "")), options.elements)
        key = catalogue.combo(element, fields.get("categoryOptionCombo"), options.combos)
    except Unknown as exc:
        return message(409, str(exc))
    unit_id = str(fields.get("orgUnit", ""))
    unit = org_units([unit_id], options.org_units).get(unit_id)
    if not isinstance(unit, OrgUnit):
        return message(409, str(unit or _("Name the organisation unit.")))
    period = str(fields.get("period", ""))
    value = (
        DataValue.objects.for_user(user, A.VIEW)
        .filter(
            element=element,
            region=unit.region,
            period=ids.to_layak(period),
            disaggregation=key,
            is_active=True,
        )
        .values_list("value", flat=True)
        .first()
    )
    if value is None:
        return message(
            404, _("No value is stored for this element, period and unit in your reach.")
        )
    return JsonResponse([format_number(value, language=PLAIN)], safe=False)
