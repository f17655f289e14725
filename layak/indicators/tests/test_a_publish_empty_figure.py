"""A figure without a value is not offered for publication, and publishing it is refused with
the same reason the page gives."""

from __future__ import annotations

import html
import re

import pytest

from layak.indicators import actions, publication
from layak.indicators.models import Publication
from layak.indicators.tests.helpers import definitions, indicator, put
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def row_of(content: bytes, name: str) -> str:
    """The text of the publication table's row of the indicator named ``name``."""
    for row in re.findall(r"<tr>(.*?)</tr>", content.decode(), re.S):
        shown = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", row)).split())
        if shown.startswith(name):
            return shown
    raise AssertionError(f"no row for {name}")


def test_an_empty_figure_is_not_offered_and_its_publishing_is_refused(client, personas):
    definitions()
    admin = personas.bekasi_admin
    bekasi = Region.objects.get(code="32.16")
    facility = indicator("facility_births")
    client.force_login(admin)
    query = {"region": "32.16", "year": "2024"}
    response = client.get("/data/publish/", query)
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-testid="publish-{facility.code}"' not in page
    assert f'data-testid="confirm-partial-{facility.code}"' not in page
    assert f'data-testid="unpublishable-{facility.code}"' in page
    assert row_of(response.content, facility.name).endswith("Belum ada nilai untuk diterbitkan.")
    # Publishing it anyway (an old page, a crafted request) is refused with the same reason,
    # even with the partial figure confirmed.
    post = {**query, "indicator": facility.pk, "op": "publish", "confirm_partial": "1"}
    response = client.post("/data/publish/", post, follow=True)
    assert "Belum ada nilai untuk diterbitkan." in response.content.decode()
    assert "Diterbitkan di portal publik." not in response.content.decode()
    assert not Publication.objects.exists()
    with pytest.raises(actions.IndicatorDataError) as refused:
        actions.publish(
            actor=admin, region=bekasi, indicator=facility, year=2024, confirm_partial=True
        )
    assert str(refused.value) == publication.unpublishable(None)
    # Once the district has a value, it is offered and published.
    put(admin, "births", "32.16", "2024", 800)
    put(admin, "births_facility", "32.16", "2024", 776)
    page = client.get("/data/publish/", query).content.decode()
    assert f'data-testid="publish-{facility.code}"' in page
    assert f'data-testid="unpublishable-{facility.code}"' not in page
    client.post("/data/publish/", {**query, "indicator": facility.pk, "op": "publish"})
    assert Publication.objects.get(indicator=facility, year=2024).is_active
