"""Two people editing one draft commitment: the second save is refused with both versions
shown, and nothing either typed is lost."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from layak.audit.models import AuditEntry
from layak.core.concurrency import EditConflict
from layak.partners import actions
from layak.partners.testing import bekasi_business, ensure_kla, indicator, make_commitment

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def commitment(personas):
    ensure_kla()
    return make_commitment(personas["bekasi.partner"], bekasi_business())


def test_a_save_naming_an_older_revision_is_refused(personas, commitment):
    partner, admin = personas["bekasi.partner"], personas.bekasi_admin
    actions.commitment_update(actor=admin, commitment=commitment, revision=0, people=8)
    commitment.refresh_from_db()
    assert (commitment.people, commitment.revision) == (8, 1)
    with pytest.raises(EditConflict) as caught:
        actions.commitment_update(
            actor=partner, commitment=commitment, revision=0, people=3, title="Lain"
        )
    assert caught.value.current.people == 8
    commitment.refresh_from_db()
    assert (commitment.people, commitment.title, commitment.revision) == (
        8,
        "Posyandu ramah anak",
        1,
    )
    assert AuditEntry.objects.filter(action="partners.commitment_changed").count() == 1
    # An unchanged save leaves the revision as it is.
    actions.commitment_update(actor=partner, commitment=commitment, revision=1, people=8)
    commitment.refresh_from_db()
    assert commitment.revision == 1


def _form(commitment, **changes):
    data = {
        "revision": str(commitment.revision),
        "title": commitment.title,
        "description": commitment.description,
        "cluster": str(commitment.cluster_id),
        "indicators": [],
        "starts_on": commitment.starts_on.isoformat(),
        "ends_on": commitment.ends_on.isoformat(),
        "funds": str(commitment.funds),
        "people": str(commitment.people),
        "facilities": commitment.facilities,
        "methods": commitment.methods,
    }
    data.update(changes)
    return data


def test_the_edit_page_shows_both_versions_and_keeps_yours(client, personas, commitment):
    url = reverse("partners:commitment_edit", args=[commitment.pk])
    opened = _form(commitment)
    client.force_login(personas.bekasi_admin)
    assert 'name="revision" value="0"' in client.get(url).content.decode()
    k3 = indicator("K3-12")
    theirs = {**opened, "funds": "150000000", "indicators": [str(k3.pk)]}
    assert client.post(url, theirs).status_code == 302

    client.force_login(personas["bekasi.partner"])
    mine = {**opened, "methods": "Kelas ibu balita setiap bulan", "people": "12"}
    response = client.post(url, mine)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record after you opened it" in body
    table = body[body.index('data-testid="conflict"') : body.index("</table>")]
    for text in ("150000000", "100000000", "Kelas ibu balita setiap bulan", ">12<", ">5<"):
        assert text in table, text
    assert str(k3) in table  # the indicator they added and you did not
    assert "Kelas ibu balita setiap bulan</textarea>" in body
    assert 'name="people" value="12"' in body and 'name="revision" value="1"' in body
    commitment.refresh_from_db()
    assert (commitment.funds, commitment.people, commitment.methods) == (
        Decimal(150_000_000),
        5,
        "",
    )

    assert client.post(url, {**mine, "revision": "1"}).status_code == 302
    commitment.refresh_from_db()
    assert (commitment.people, commitment.methods, commitment.revision) == (
        12,
        "Kelas ibu balita setiap bulan",
        2,
    )
