"""The new-cycle form as the ministry fills it: a name not yet taken, the national instrument
offered first, and every date problem said beside its field at once, with what was typed kept."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from layak.evaluation.models import Cycle, Stage
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_form_offers_a_free_name_and_the_kla_2024_instrument(client, personas, evaluation):
    bundled_load()
    year = timezone.localdate().year
    Cycle.objects.filter(pk=evaluation.cycle.pk).update(name=f"Evaluasi KLA {year}")
    client.force_login(personas.ministry)
    page = client.get("/evaluation/cycles/new/?level=2").content.decode()
    assert f'value="Evaluasi KLA {year + 1}"' in page
    kla2024 = InstrumentVersion.objects.get(framework__code="kla2024", status="published")
    assert re.search(rf'<option value="{kla2024.pk}" selected>', page)


def test_every_date_problem_is_said_beside_its_field_and_the_dates_stay(client, personas):
    bundled_load()
    client.force_login(personas.ministry)
    version = InstrumentVersion.objects.get(framework__code="kla2024", status="published")
    day = datetime.timedelta(days=1)
    start = timezone.localdate() + day
    data = {"level": "2", "name": "Evaluasi KLA Uji Tanggal", "instrument": version.pk}
    for i, kind in enumerate(Stage.order_for(2)):
        opens = start + day * (3 * i)
        data[f"{kind}_opens"] = opens.isoformat()
        data[f"{kind}_closes"] = (opens + day).isoformat()
    # The self-assessment closes before it opens; the ministry's stage opens on the day the
    # province's closes.
    kinds = Stage.order_for(2)
    data[f"{kinds[0]}_closes"] = (start - day).isoformat()
    data[f"{kinds[2]}_opens"] = data[f"{kinds[1]}_closes"]
    response = client.post("/evaluation/cycles/new/", data)
    assert response.status_code == 200
    assert not Cycle.objects.filter(name="Evaluasi KLA Uji Tanggal").exists()
    page = response.content.decode()
    text = text_of(response)
    assert "Waktu penutupan Evaluasi mandiri lebih awal daripada waktu pembukaannya" in text
    closes_day = datetime.date.fromisoformat(data[f"{kinds[1]}_closes"]) + day
    assert "dibuka sebelum tahap sebelumnya ditutup" in text
    assert f"{closes_day.day} " in text and "Dapat dibuka mulai" in text
    # Both messages are beside their fields, and every date typed is still there.
    for name in (f"{kinds[0]}_closes", f"{kinds[2]}_opens"):
        field = page[page.index(f'name="{name}"') - 1500 : page.index(f'name="{name}"') + 200]
        assert "error" in field, name
    for name, value in data.items():
        if name.endswith(("_opens", "_closes")):
            assert f'value="{value}"' in page, name
