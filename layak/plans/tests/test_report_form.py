"""The RAD progress report's form offers the plan's years, and a refused form's page survives a
reload."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from layak.plans.tests.helpers import make_plan

pytestmark = pytest.mark.django_db


def test_the_year_picker_offers_the_years_of_the_plan(client, personas):
    world = make_plan(personas)  # 2025–2029
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("reports:home")).content.decode()
    form = page[page.index(reverse("reports:start", args=["rad_progress"])) :]
    select = form[form.index('name="year"') :]
    select = select[: select.index("</select>")]
    years = [int(y) for y in re.findall(r'<option value="(\d{4})"', select)]
    assert sorted(years) == world.plan.years
    refused = client.post(
        reverse("reports:start", args=["rad_progress"]), {"plan": world.plan.pk, "year": 2021}
    )
    assert refused.status_code == 400
    # Reloading that page (a GET of the same address) goes back to the reports page.
    again = client.get(reverse("reports:start", args=["rad_progress"]))
    assert again.status_code == 302 and again.url == reverse("reports:home")
