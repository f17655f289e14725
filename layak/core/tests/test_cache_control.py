"""Cache-Control: every page and file a signed-in person gets is ``private, no-store``, walked
over every URL of the URL x role matrix; the public portal read by a visitor and static files
keep their own caching."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from layak.core.tests.matrix import ANON
from layak.core.tests.test_url_matrix import (  # noqa: F401 (fixtures)
    MATRIX,
    _media_root,
    shared_world,
    world,
)
from layak.testing import Personas

GETS = sorted(name for name, case in MATRIX.items() if case.method == "get")


def directives(response: object) -> set[str]:
    header = response.get("Cache-Control", "")  # type: ignore[attr-defined]
    return {part.strip() for part in header.split(",") if part.strip()}


def _get(client: Client, personas: Personas, name: str, role: str) -> set[str]:
    client.logout()
    if role != ANON:
        client.force_login(personas[role])
    case = MATRIX[name]
    data = case.data(personas) if callable(case.data) else case.data
    response = client.get(reverse(name, kwargs=case.kwargs(personas)), data)
    assert response.status_code == case.expected(role), name
    return directives(response)


@pytest.mark.django_db
@pytest.mark.parametrize("name", GETS)
def test_every_page_a_signed_in_person_gets_is_private_and_not_stored(client, world, name):  # noqa: F811
    for role in ("bekasi.admin", "bekasi.dinkes"):
        assert {"private", "no-store"} <= _get(client, world, name, role), (name, role)


@pytest.mark.django_db
@pytest.mark.parametrize("name", GETS)
def test_only_the_public_portal_is_left_to_caches_for_visitors(client, world, name):  # noqa: F811
    found = _get(client, world, name, ANON)
    if name.startswith("portal:"):
        assert "no-store" not in found and "private" not in found
    else:
        assert {"private", "no-store"} <= found


def test_the_api_answers_a_token_privately(client, personas):
    from layak.api.actions import token_create

    token = token_create(actor=personas.bekasi_admin, name="sync", days=30)[1]
    response = client.get("/api/v1/cycles", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200
    assert {"private", "no-store"} <= directives(response)


def test_a_view_that_sets_its_own_caching_is_made_private(rf, personas):
    from django.http import HttpResponse
    from django.utils.cache import patch_cache_control

    from layak.core.cache_control import CacheControlMiddleware

    def view(request):
        response = HttpResponse("x")
        patch_cache_control(response, public=True, max_age=600)
        return response

    request = rf.get("/dashboards/")
    request.user = personas.bekasi_admin
    request.resolver_match = None
    assert directives(CacheControlMiddleware(view)(request)) == {
        "private",
        "no-store",
        "max-age=600",
    }


def test_static_files_keep_their_own_caching(settings, db):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/layak/layak.css")
    assert response.status_code == 200
    found = directives(response)
    assert "no-store" not in found and "private" not in found
    assert any(d.startswith("max-age=") for d in found)


def test_htmx_keeps_no_copy_of_a_page_in_the_browsers_storage(client, personas):
    """Filters push their address with htmx, which would otherwise keep a copy of the page in
    the browser's local storage, there after sign-out; with no cache the back button asks the
    server again."""
    import json
    import re

    client.force_login(personas.bekasi_admin)
    body = client.get("/audit/").content.decode()
    config = json.loads(re.search(r"<meta name=\"htmx-config\" content='([^']+)'>", body)[1])
    assert config["historyCacheSize"] == 0 and config["refreshOnHistoryMiss"] is True
