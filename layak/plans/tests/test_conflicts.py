"""Two people filling in one progress report: the second save is refused with both versions
shown, and the figures either typed are kept."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.urls import reverse

from layak.audit.models import AuditEntry
from layak.core.concurrency import EditConflict
from layak.plans import actions
from layak.plans.tests.helpers import make_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(personas):
    world = make_plan(personas)
    return actions.report_create(
        actor=personas.bekasi_dinkes,
        plan=world.plan,
        organisation=world.dinkes,
        year=2025,
        period=1,
    )


def _values(entry, **fields):
    base = {"output": None, "budget": None, "done": "", "planned": "", "obstacles": ""}
    base.update(fields)
    return {entry.pk: base}


def test_a_save_naming_an_older_revision_is_refused(personas, report):
    entry = report.entries.get()
    actions.report_save(
        actor=personas.bekasi_admin,
        report=report,
        entries=_values(entry, output=D(100)),
        revision=0,
    )
    report.refresh_from_db()
    assert report.revision == 1
    with pytest.raises(EditConflict):
        actions.report_save(
            actor=personas.bekasi_dinkes,
            report=report,
            entries=_values(entry, output=D(120), done="Posyandu"),
            revision=0,
        )
    entry.refresh_from_db()
    assert (entry.output, entry.done) == (D(100), "")
    assert AuditEntry.objects.filter(action="plan.report_saved").count() == 1
    # Saving nothing new does not move the revision (it would make others' saves conflict).
    actions.report_save(
        actor=personas.bekasi_admin,
        report=report,
        entries=_values(entry, output=D(100)),
        revision=1,
    )
    report.refresh_from_db()
    assert report.revision == 1


def test_the_report_page_shows_both_versions_and_keeps_yours(client, personas, report, english):
    entry = report.entries.get()
    url = reverse("plans:report", args=[report.pk])
    client.force_login(personas.bekasi_dinkes)
    assert 'name="revision" value="0"' in client.get(url).content.decode()

    client.force_login(personas.bekasi_admin)
    p = f"e{entry.pk}-"
    theirs = {"revision": "0", p + "output": "100", p + "budget": "5000000"}
    assert client.post(url, theirs).status_code == 302

    client.force_login(personas.bekasi_dinkes)
    mine = {"revision": "0", p + "output": "120", p + "done": "Posyandu keliling di 3 desa"}
    response = client.post(url, {**mine, "submit": "1"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record after you opened it" in body
    table = body[body.index('data-testid="conflict"') : body.index("</table>")]
    assert "P1.A1.S2 · Output realised" in table and ">100<" in table and ">120<" in table
    assert "Posyandu keliling di 3 desa" in table
    # Yours is what the form holds now, over the current revision.
    assert f'name="{p}output" inputmode="decimal" value="120"' in body
    assert "Posyandu keliling di 3 desa</textarea>" in body
    assert 'name="revision" value="1"' in body
    report.refresh_from_db()
    entry.refresh_from_db()
    assert (report.status, entry.output, entry.budget) == ("draft", D(100), D(5000000))

    assert client.post(url, {**mine, "revision": "1"}).status_code == 302
    entry.refresh_from_db()
    assert (entry.output, entry.done) == (D(120), "Posyandu keliling di 3 desa")
