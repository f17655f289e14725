"""The district dashboard names a returned progress report's period as the home page and the
notices do ("Triwulan 3 2025"), not as a bare period number."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from layak.plans import actions
from layak.plans.tests.helpers import make_plan

pytestmark = pytest.mark.django_db


def test_a_returned_report_is_named_by_its_quarter(client, personas):
    world = make_plan(personas)
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    report = actions.report_create(
        actor=dinkes, plan=world.plan, organisation=world.dinkes, year=2025, period=3
    )
    entries = {
        e.pk: {"output": D(80), "budget": D(0), "done": "x", "planned": "", "obstacles": ""}
        for e in report.entries.all()
    }
    actions.report_save(actor=dinkes, report=report, entries=entries)
    actions.report_submit(actor=dinkes, report=report)
    actions.report_return(actor=admin, report=report, reason="Lampirkan bukti")
    client.force_login(dinkes)
    html = client.get("/dashboards/district/?region=32.16&year=2025").content.decode()
    office = world.dinkes.acronym or world.dinkes.name
    # As the report's own page and the notice of its return call it.
    assert report.period_label == "Triwulan 3 2025"
    assert f"{office}, Triwulan 3 2025" in html
    assert "periode 3" not in html
