"""Property-based API tests against the OpenAPI schema (schemathesis): for every operation,
generated requests authenticated as several personas never cause a server error, and every
response matches the schema."""

from __future__ import annotations

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from layak.api.actions import token_create
from layak.testing import make_cycle, make_personas
from layak.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)

PERSONAS = ["ministry", "bekasi.admin", "bekasi.dinkes", "verifier.jabar"]


@pytest.fixture
def tokens(db, settings):
    settings.API_RATE_LIMIT = 100_000
    personas = make_personas()
    make_cycle(personas)
    yield {
        key: token_create(actor=personas[key], name="schemathesis", days=1)[1] for key in PERSONAS
    }
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.mark.django_db
@pytest.mark.skipif(
    "sqlite" not in django_settings.DATABASES["default"]["ENGINE"],
    reason="the WSGI transport ends requests outside Django's test client, which closes the "
    "PostgreSQL test transaction's connection; the API's behaviour does not depend on the "
    "database and its matrix and API tests run on both",
)
@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema_for_every_persona(case, tokens):
    for key in PERSONAS:
        case.call_and_validate(
            headers={"Authorization": f"Bearer {tokens[key]}"},
            # No server error; status, content type and body as the schema says. Generated
            # multipart bodies are not always readable as files, so a valid-looking upload
            # may be refused (422), which is not checked as "positive data".
            checks=[
                not_a_server_error,
                status_code_conformance,
                content_type_conformance,
                response_schema_conformance,
            ],
        )
