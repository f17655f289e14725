"""The indicator data pages for the whole country's readers (in Indonesian)."""

from __future__ import annotations

import pytest

from layak.indicators.models import DataValue
from layak.indicators.tests.helpers import definitions
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def defs(personas):
    return definitions()


def test_the_ministry_reads_indicator_data_before_anything_is_entered(client, personas, defs):
    """A new installation: nothing entered anywhere yet. The ministry's "Data indikator" opens
    on the first province (not "not found") and offers every province."""
    assert not DataValue.objects.exists()
    client.force_login(personas.ministry)
    response = client.get("/data/")
    assert response.status_code == 200
    first = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").first()
    page = response.content.decode()
    assert f"Indikator {first.name}" in page
    assert '<optgroup label="Provinsi">' in page
    other = Region.objects.filter(level=Region.Level.PROVINCE).exclude(pk=first.pk).first()
    assert f'<option value="{other.code}">{other.name}</option>' in page
    assert client.get(f"/data/?region={other.code}").status_code == 200
    # A district's reader stays in the district, with no provinces to pick.
    client.force_login(personas.bekasi_admin)
    assert "<optgroup" not in client.get("/data/").content.decode()
