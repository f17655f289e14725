"""Malformed and out-of-range ids never cause a server error: generated from the URL
configuration (every page of the URL x role matrix, every field of every form on it, and
every filter in its links) and from the API's OpenAPI schema (every integer parameter of every
operation). A new page, form, field or parameter is covered without being listed here."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from layak.api.api import api
from layak.core.tests.matrix import ANON, ROLES
from layak.core.tests.test_url_matrix import (  # noqa: F401 (fixtures)
    MATRIX,
    _media_root,
    shared_world,
    world,
)
from layak.testing import Personas

BEYOND_64_BITS = "99999999999999999999"
MALFORMED = ["abc", "62.10", BEYOND_64_BITS, "-1", "1e3", "١٢"]
# An id field: its value, or one of its options, is a number or a region code.
_ID_VALUE = re.compile(r"^[0-9]+(\.[0-9]+)*$")
REFUSED = {400, 404, 422}


@dataclass
class Form:
    action: str
    method: str
    fields: dict[str, str] = field(default_factory=dict)
    ids: set[str] = field(default_factory=set)


class _Forms(HTMLParser):
    """The forms of a page with their fields' first values, and which fields hold ids."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.forms.append(Form(a.get("action", ""), a.get("method", "get").lower()))
        if not self.forms:
            return
        form = self.forms[-1]
        name = a.get("name", "")
        if tag == "input" and name and a.get("type") not in ("submit", "file", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                form.fields.setdefault(name, "")
            else:
                form.fields[name] = a.get("value", "")
            if _ID_VALUE.match(a.get("value", "")):
                form.ids.add(name)
        elif tag in ("select", "textarea") and name:
            form.fields.setdefault(name, "")
            self.select = name if tag == "select" else None
        elif tag == "option" and self.select:
            value = a.get("value", "")
            if _ID_VALUE.match(value):
                form.ids.add(self.select)
            if "selected" in a or not form.fields.get(self.select):
                form.fields[self.select] = value

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self.select = None


def _role(name: str) -> str | None:
    case = MATRIX[name]
    for role in ("ministry", "bekasi.admin", "bekasi.dinkes", *ROLES):
        if role != ANON and case.expected(role) == 200:
            return role
    return None


PAGES = sorted(n for n, c in MATRIX.items() if c.method == "get" and _role(n) is not None)


def _submit(client: Client, form: Form, page: str, name: str, value: str) -> Any:
    data = {**form.fields, name: value}
    target = form.action or page
    if form.method == "post":
        return client.post(target, data)
    return client.get(target.split("?")[0], data)


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGES)
def test_every_form_field_and_filter_refuses_malformed_ids(client, world, name):  # noqa: F811
    """For each id field of each form on the page (and each numeric filter in its links),
    each malformed value alone: the page answers, it does not fail."""
    personas: Personas = world
    case = MATRIX[name]
    client.force_login(personas[_role(name)])
    url = reverse(name, kwargs=case.kwargs(personas))
    response = client.get(url, case.data(personas) if callable(case.data) else case.data)
    if "text/html" not in response.get("Content-Type", ""):
        return
    parser = _Forms()
    parser.feed(response.content.decode())
    for form in parser.forms:
        for field_name in sorted(form.ids):
            for value in MALFORMED:
                answer = _submit(client, form, url, field_name, value)
                assert answer.status_code < 500, (form.action, field_name, value)
    # Filters carried in links (?region=…&cycle=…).
    links = set(re.findall(r'href="(\?[^"]+|/[^"]*\?[^"]+)"', response.content.decode()))
    for link in sorted(links)[:20]:
        target = urlsplit(link.replace("&amp;", "&"))
        query = dict(parse_qsl(target.query))
        for key, value in query.items():
            if not _ID_VALUE.match(value):
                continue
            for bad in MALFORMED:
                answer = client.get(target.path or url, {**query, key: bad})
                assert answer.status_code < 500, (link, key, bad)


def _integer_parameters() -> list[tuple[str, str, str, str]]:
    schema = api.get_openapi_schema()
    found = []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                spec = parameter.get("schema", {})
                types = {spec.get("type")} | {s.get("type") for s in spec.get("anyOf", [])}
                if "integer" in types:
                    found.append((method, path, parameter["in"], parameter["name"]))
    return found


PARAMETERS = _integer_parameters()


@pytest.fixture(scope="module")
def ministry_token(shared_world: Personas) -> str:  # noqa: F811
    from django.db import transaction

    from layak.api.actions import token_create

    with transaction.atomic():
        return token_create(actor=shared_world.ministry, name="malformed", days=1)[1]


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path", "where", "parameter"), PARAMETERS)
@pytest.mark.parametrize("value", ["abc", BEYOND_64_BITS, "1.5"])
def test_every_integer_api_parameter_refuses_malformed_values(
    client,
    world,  # noqa: F811
    ministry_token,
    settings,
    method,
    path,
    where,
    parameter,
    value,
):
    settings.API_RATE_LIMIT = 1_000_000
    url = re.sub(r"\{(\w+)\}", lambda m: value if m[1] == parameter else "1", path)
    query = {parameter: value} if where == "query" else {}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {ministry_token}"}
    if method == "get":
        response = client.get(url, query, **headers)
    else:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else ""
        response = getattr(client, method)(url, {}, content_type="application/json", **headers)
    assert response.status_code in REFUSED, (response.status_code, response.content[:300])
    assert response.json()["message"]
