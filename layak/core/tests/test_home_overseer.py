"""An overseer's home page lists the districts they oversee with each one's organisations
counted as the district counts them (its sub-districts' and villages' included), and links to
all of them when there are more than it lists."""

from __future__ import annotations

import html
import re

import pytest

from layak.core import views

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def test_a_districts_organisations_count_the_same_for_the_verifier_and_the_district(
    client, personas
) -> None:
    client.force_login(personas.bekasi_admin)
    (own,) = re.findall(r"(\d+) organisasi\b", text_of(client.get("/organisations/")))
    client.force_login(personas.jabar)
    page = client.get("/").content.decode()
    row = re.search(r">Kabupaten Bekasi</a></td>.*?<td class=\"num\">(\d+)</td>", page)
    assert row and row.group(1) == own


def test_the_home_page_links_to_every_district_it_does_not_list(
    client, personas, monkeypatch
) -> None:
    client.force_login(personas.jabar)
    page = client.get("/").content.decode()
    assert 'data-testid="districts-all"' not in page  # every district is listed
    monkeypatch.setattr(views, "HOME_DISTRICTS", 0)
    page = client.get("/").content.decode()
    (count,) = re.findall(r"id=\"districts-heading\">[^<]*<span class=\"muted\">\((\d+)\)", page)
    link = re.search(r'<a href="([^"]+)" data-testid="districts-all">([^<]+)</a>', page)
    assert link and link.group(1) == "/regions/32/"
    assert link.group(2) == f"Lihat semua {count} kabupaten/kota"
    assert "Kabupaten Bekasi" in text_of(client.get(link.group(1)))


def test_an_assessors_home_names_the_districts_assigned_to_them(client, personas) -> None:
    client.force_login(personas["assessor"])
    page = text_of(client.get("/"))
    assert "Ditugaskan di: Kabupaten Bekasi, Kabupaten Gunung Mas" in page
