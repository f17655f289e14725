"""Read-only DHIS2 metadata, for clients to look identifiers up: ``dataElements``,
``categoryOptionCombos``, ``dataSets``, ``organisationUnits`` (lists and ``/{uid}``) and ``me``.

Lists take DHIS2's ``fields`` (top-level names, or ``*``), ``filter=property:operator:value``
(properties ``id``, ``code``, ``name``, ``displayName``, and for organisation units also
``level`` and ``parent.id``; operators ``eq``, ``ne``, ``in``, ``like``, ``ilike``; several
filters all apply), ``page``/``pageSize`` (50 by default) or ``paging=false``, and answer with
DHIS2's ``pager``. Anything else is refused with a message, never ignored. Definitions
(elements, combos, data sets) are national and read by everyone signed in; organisation units
are the regions in the caller's reach.
"""

from __future__ import annotations

import math
import re
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.api import dhis2_ids as ids
from layak.api.dhis2 import endpoint, message, unsupported
from layak.api.dhis2_lookup import Catalogue
from layak.indicators import disaggregation as dis
from layak.indicators.models import DataElement
from layak.organisations.models import Organisation
from layak.regions.models import Region

A = authz.Action
LIST_PARAMETERS = {"fields", "filter", "page", "pageSize", "paging", "totalPages", "order"}
ALL_FIELDS = {"*", ":all", ":owner", ":identifiable", ":nameable", ":simple"}
_FILTER = re.compile(r"^([A-Za-z.]+):(eq|ne|in|like|ilike):(.*)$")
PAGE_SIZE = 50
# DHIS2's ``order=property:asc|desc``, for the properties every list has.
ORDERS = {"id": "code", "code": "code", "name": "name", "displayName": "name"}


class Invalid(ValueError):
    pass


def _fields(request: HttpRequest, default: list[str] | None) -> list[str] | None:
    """The top-level names ``fields`` asks for (``None``: all)."""
    text = request.GET.get("fields")
    if not text:
        return default
    names, depth, current = [], 0, ""
    for char in text:
        if char in "[(":
            depth += 1
        elif char in "])":
            depth -= 1
        elif char == "," and depth == 0:
            names.append(current)
            current = ""
            continue
        if depth == 0 and char not in "])":
            current += char
    names.append(current)
    names = [n.split("~")[0].split("::")[0].strip() for n in names if n.strip()]
    if any(n in ALL_FIELDS for n in names):
        return None
    return names


def _select(item: dict[str, Any], fields: list[str] | None) -> dict[str, Any]:
    if fields is None:
        return item
    return {name: item[name] for name in fields if name in item}


def _filters(request: HttpRequest) -> list[tuple[str, str, str]]:
    result = []
    for text in request.GET.getlist("filter"):
        match = _FILTER.match(text)
        if match is None:
            raise Invalid(
                _(
                    "The filter “%(filter)s” is not supported; write property:operator:value with "
                    "eq, ne, in, like or ilike."
                )
                % {"filter": text}
            )
        result.append((match.group(1), match.group(2), match.group(3)))
    return result


def _listed(values: str) -> list[str]:
    return [v.strip() for v in values.strip().strip("[]").split(",") if v.strip()]


def _matches(item: dict[str, Any], prop: str, op: str, value: str) -> bool:
    current = item.get(prop)
    if prop == "parent.id":
        current = (item.get("parent") or {}).get("id")
    text = "" if current is None else str(current)
    if op == "eq":
        return text == value
    if op == "ne":
        return text != value
    if op == "in":
        return text in _listed(value)
    if op == "like":
        return value in text
    return value.casefold() in text.casefold()


def _order(request: HttpRequest) -> tuple[str, bool]:
    """(property, descending) of ``order``; by code when it is not given. Regions are ordered by
    code for ``id`` too: their UIDs follow their codes' order within a level."""
    text = request.GET.get("order", "code:asc")
    prop, _colon, direction = text.partition(":")
    direction = (direction or "asc").lower()
    if prop not in ORDERS or direction not in ("asc", "desc", "iasc", "idesc"):
        raise Invalid(
            _(
                "The order “%(order)s” is not supported; order by id, code, name or displayName, "
                "asc or desc."
            )
            % {"order": text}
        )
    return prop, direction.endswith("desc")


def _page(request: HttpRequest) -> tuple[int, int | None]:
    """(page, page size), page size None for ``paging=false``."""
    if request.GET.get("paging", "").lower() == "false":
        return 1, None
    try:
        page = max(1, int(request.GET.get("page", "1")))
        size = max(1, min(int(request.GET.get("pageSize", str(PAGE_SIZE))), 1000))
    except ValueError:
        raise Invalid(_("page and pageSize must be whole numbers.")) from None
    return page, size


def _answer(
    name: str, items: list[dict[str, Any]], total: int, page: int, size: int | None
) -> JsonResponse:
    body: dict[str, Any] = {}
    if size is not None:
        body["pager"] = {
            "page": page,
            "pageCount": max(1, math.ceil(total / size)),
            "total": total,
            "pageSize": size,
        }
    body[name] = items
    return JsonResponse(body, json_dumps_params={"ensure_ascii": False})


def _collection(
    request: HttpRequest, name: str, items: list[dict[str, Any]], uid: str | None
) -> HttpResponse:
    """A small national collection (tens of rows), filtered and paged in memory."""
    refused = unsupported(request, LIST_PARAMETERS)
    if refused:
        return refused
    if uid is not None:
        for item in items:
            if item["id"] == uid:
                return JsonResponse(
                    _select(item, _fields(request, None)), json_dumps_params={"ensure_ascii": False}
                )
        return message(404, _("Not found, or outside the regions you work in."))
    try:
        filters = _filters(request)
        page, size = _page(request)
        prop, descending = _order(request)
    except Invalid as exc:
        return message(409, str(exc))
    found = [i for i in items if all(_matches(i, p, o, v) for p, o, v in filters)]
    found.sort(key=lambda i: str(i.get(prop) or "").casefold(), reverse=descending)
    chosen = found if size is None else found[(page - 1) * size : page * size]
    fields = _fields(request, ["id", "displayName"])
    return _answer(name, [_select(i, fields) for i in chosen], len(found), page, size)


def _named(uid: str, code: str, name: str) -> dict[str, Any]:
    return {"id": uid, "code": code, "name": name, "displayName": name, "shortName": name[:50]}


def _category_combo(element: DataElement) -> dict[str, Any]:
    codes = sorted(c.code for c in element.categories.all())
    if not codes:
        return {"id": ids.DEFAULT_CATEGORY_COMBO, "code": "default", "name": "default"}
    code = ";".join(codes)
    names = " / ".join(c.name for c in sorted(element.categories.all(), key=lambda c: c.code))
    return {"id": ids.category_combo_uid(code), "code": code, "name": names}


def _combo(key: str, label: str) -> dict[str, Any]:
    if key == "":
        return _named(ids.DEFAULT_COMBO, ids.DEFAULT_CODE, ids.DEFAULT_CODE)
    return _named(ids.combo_uid(key), key, label)


def _elements(catalogue: Catalogue) -> list[dict[str, Any]]:
    sets = {(s.cluster, s.period_type): s for s in catalogue.data_sets()}
    result = []
    for element in catalogue.elements:
        data_set = sets[(element.cluster, element.period_type)]
        combo = _category_combo(element)
        result.append(
            {
                **_named(ids.element_uid(element.code), element.code, element.name),
                "description": element.description,
                "valueType": "NUMBER",
                "domainType": "AGGREGATE",
                "aggregationType": "SUM",
                "periodType": ids.PERIOD_NAMES[element.period_type],
                "categoryCombo": {
                    **combo,
                    "categoryOptionCombos": [_combo(c.key, c.label) for c in dis.combos(element)],
                },
                "dataSetElements": [{"dataSet": {"id": data_set.uid}}],
            }
        )
    return result


@endpoint("GET")
def data_elements(
    request: HttpRequest, user: User, uid: str | None = None, fmt: str | None = None
) -> HttpResponse:
    return _collection(request, "dataElements", _elements(Catalogue.load()), uid)


@endpoint("GET")
def category_option_combos(
    request: HttpRequest, user: User, uid: str | None = None, fmt: str | None = None
) -> HttpResponse:
    items = [_combo(key, label) for key, label in Catalogue.load().combos().items()]
    return _collection(request, "categoryOptionCombos", items, uid)


@endpoint("GET")
def data_sets(
    request: HttpRequest, user: User, uid: str | None = None, fmt: str | None = None
) -> HttpResponse:
    catalogue = Catalogue.load()
    items = [
        {
            **_named(s.uid, s.code, s.name),
            "periodType": ids.PERIOD_NAMES[s.period_type],
            "dataSetElements": [
                {"dataElement": {"id": ids.element_uid(e.code)}}
                for e in catalogue.elements
                if s.holds(e)
            ],
        }
        for s in catalogue.data_sets()
    ]
    return _collection(request, "dataSets", items, uid)


# ---- organisation units -----------------------------------------------------------------


def _region(region: Region) -> dict[str, Any]:
    chain = [*region.ancestor_codes, region.code]
    return {
        **_named(ids.region_uid(region.code), region.code, region.name),
        "level": region.level,
        "path": "/" + "/".join(ids.region_uid(c) for c in chain),
        "parent": {"id": ids.region_uid(region.ancestor_codes[-1])}
        if region.ancestor_codes
        else None,
    }


def _office(org: Organisation) -> dict[str, Any]:
    assert org.region is not None
    parent = _region(org.region)
    uid = ids.organisation_uid(org.pk)
    return {
        **_named(uid, org.acronym or "", org.name),
        "level": org.region.level + 1,
        "path": f"{parent['path']}/{uid}",
        "parent": {"id": parent["id"]},
    }


def _region_q(prop: str, op: str, value: str) -> Q:
    values = _listed(value) if op == "in" else [value]
    if prop == "id":
        codes = [ids.region_code(v) or "" for v in values]
        q = Q(code__in=codes)
    elif prop == "code":
        q = Q(code__in=values)
    elif prop in ("name", "displayName"):
        if op in ("like", "ilike"):
            q = Q(name__icontains=value) if op == "ilike" else Q(name__contains=value)
        else:
            q = Q(name__in=values)
    elif prop == "level":
        try:
            q = Q(level__in=[int(v) for v in values])
        except ValueError:
            raise Invalid(_("level must be a whole number.")) from None
    elif prop == "parent.id":
        q = Q(parent__code__in=[ids.region_code(v) or "" for v in values])
    else:
        raise Invalid(
            _("Organisation units cannot be filtered by %(property)s.") % {"property": prop}
        )
    if op in ("like", "ilike") and prop not in ("name", "displayName"):
        raise Invalid(_("like and ilike apply to names only."))
    return ~q if op == "ne" else q


@endpoint("GET")
def organisation_units(
    request: HttpRequest, user: User, uid: str | None = None, fmt: str | None = None
) -> HttpResponse:
    """The regions in the caller's reach (a government office is an organisation unit too,
    under its region: ``/organisationUnits/{uid}`` answers for it)."""
    refused = unsupported(request, LIST_PARAMETERS | {"level"})
    if refused:
        return refused
    regions: QuerySet[Region] = Region.objects.filter(
        authz.scope_q(user, A.VIEW, region=""), is_active=True
    )
    if uid is not None:
        fields = _fields(request, None)
        code, pk = ids.region_code(uid), ids.organisation_pk(uid)
        if code is not None:
            region = regions.filter(code=code).first()
            if region is not None:
                return JsonResponse(
                    _select(_region(region), fields), json_dumps_params={"ensure_ascii": False}
                )
        if pk is not None:
            org = (
                Organisation.objects.filter(pk=pk, is_active=True, region__in=regions)
                .select_related("region")
                .first()
            )
            if org is not None and org.region is not None:
                return JsonResponse(
                    _select(_office(org), fields), json_dumps_params={"ensure_ascii": False}
                )
        return message(404, _("Not found, or outside the regions you work in."))
    try:
        for prop, op, value in _filters(request):
            regions = regions.filter(_region_q(prop, op, value))
        if request.GET.get("level"):
            regions = regions.filter(_region_q("level", "eq", request.GET["level"]))
        page, size = _page(request)
        prop, descending = _order(request)
    except Invalid as exc:
        return message(409, str(exc))
    column = ORDERS[prop]
    regions = regions.order_by(f"-{column}" if descending else column, "code")
    total = regions.count() if size is not None else 0
    chosen = list(regions if size is None else regions[(page - 1) * size : page * size])
    if size is None:
        total = len(chosen)
    fields = _fields(request, ["id", "displayName"])
    items = [_region(r) for r in chosen]
    if fields is None or "children" in fields:
        # The children's identifiers, in one query for the whole page.
        below: dict[str, list[dict[str, str]]] = {}
        for parent, code in (
            Region.objects.filter(parent__in=chosen, is_active=True)
            .order_by("code")
            .values_list("parent__code", "code")
        ):
            below.setdefault(parent, []).append({"id": ids.region_uid(code)})
        for item in items:
            item["children"] = below.get(item["code"], [])
    return _answer("organisationUnits", [_select(i, fields) for i in items], total, page, size)


@endpoint("GET")
def me(request: HttpRequest, user: User, fmt: str | None = None) -> HttpResponse:
    """The caller: who they are and the organisation units they work in."""
    refused = unsupported(request, {"fields"})
    if refused:
        return refused
    grants = authz.grants(user)
    codes = sorted({p.rstrip(".") for g in grants for p in g.paths})
    national = any(g.national for g in grants)
    regions = (
        list(Region.objects.filter(code__in=codes))
        if not national
        else list(Region.objects.filter(level=Region.Level.PROVINCE, is_active=True))
    )
    units = [_named(ids.region_uid(r.code), r.code, r.name) for r in regions]
    item = {
        "id": ids.user_uid(user.pk),
        "username": user.email,
        "email": user.email,
        "name": user.full_name,
        "displayName": user.full_name or user.email,
        "settings": {"keyUiLocale": user.language, "keyDbLocale": user.language},
        "organisationUnits": units,
        "dataViewOrganisationUnits": units,
        "authorities": sorted(
            {"F_DATAVALUE_ADD", "F_DATAVALUE_DELETE"} if authz.has_action(user, A.EDIT) else set()
        ),
    }
    return JsonResponse(
        _select(item, _fields(request, None)), json_dumps_params={"ensure_ascii": False}
    )
