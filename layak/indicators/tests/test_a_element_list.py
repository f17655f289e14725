"""The element list says how many values are stored in the person's district, as a count, in
the reader's way of writing numbers."""

from __future__ import annotations

import html
import re

import pytest

from layak.indicators import actions
from layak.indicators.tests.helpers import definitions
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def cells(content: bytes) -> list[str]:
    """The text of each header and cell of the elements table."""
    table = content.decode().split('data-testid="elements"', 1)[1].split("</table>", 1)[0]
    found = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", table, re.S)
    return [" ".join(html.unescape(re.sub(r"<[^>]+>", " ", c)).split()) for c in found]


def test_the_column_counts_the_stored_values_grouped_as_the_reader_writes(client, personas):
    definitions()
    bekasi = Region.objects.get(code="32.16")
    villages = Region.objects.filter(path__startswith=bekasi.path, level=Region.Level.VILLAGE)
    rows = [
        {
            "element": "under5_measured",
            "region": village.code,
            "period": year,
            "disaggregation": f"sex={sex}",
            "value": "10",
        }
        for village in villages
        for year in ("2023", "2024", "2025")
        for sex in ("F", "M")
    ]
    assert len(rows) > 1000
    result = actions.import_rows(
        actor=personas.bekasi_admin, rows=rows, mode=actions.Mode.ALL_OR_NOTHING, dry_run=False
    )
    assert not result.errors and result.created == len(rows)
    client.force_login(personas.bekasi_admin)
    response = client.get("/data/elements/?q=diukur")
    assert response.status_code == 200
    shown = cells(response.content)
    assert "Jumlah nilai tersimpan di Kabupaten Bekasi" in shown
    assert "Nilai di Kabupaten Bekasi" not in shown
    count = f"{len(rows) // 1000}.{len(rows) % 1000:03d}"  # 1122 → "1.122"
    assert shown[-1] == count
