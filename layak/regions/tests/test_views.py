from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_search_partial_lists_matches_within_a_subtree(client, personas):
    client.force_login(personas.bekasi_admin)
    response = client.get("/regions/search/", {"q": "Hurung Bunut"})
    assert "Hurung Bunut" in response.content.decode()
    response = client.get("/regions/search/", {"q": "Hurung Bunut", "within": "32.16"})
    assert "Hurung Bunut" not in response.content.decode()


def test_search_for_a_picker_returns_buttons_with_the_region_id(client, personas):
    client.force_login(personas.bekasi_admin)
    response = client.get("/regions/search/", {"region_search": "3216", "field": "region"})
    assert 'data-pick-value="' in response.content.decode()


def test_browse_shows_children_and_counts(client, personas):
    client.force_login(personas.bekasi_regent)
    response = client.get("/regions/32.16/")
    body = response.content.decode()
    assert response.status_code == 200
    assert "Kabupaten Bekasi" in body
    assert ">23<" in body and ">187<" in body
    assert client.get("/regions/00.00/").status_code == 404
