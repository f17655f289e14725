"""Two people editing one meeting's minutes: the second save is refused with both versions
shown, and nothing either typed is lost."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layak.audit.models import AuditEntry
from layak.core.concurrency import EditConflict
from layak.taskforce import actions
from layak.taskforce.models import Meeting
from layak.taskforce.tests.factories import meeting

pytestmark = pytest.mark.django_db


def test_a_save_naming_an_older_revision_is_refused(personas):
    m = meeting(personas, minutes="Draft")
    assert m.revision == 0
    actions.meeting_update(actor=personas.bekasi_admin, meeting=m, revision=0, minutes="First")
    m.refresh_from_db()
    assert m.revision == 1
    audited = AuditEntry.objects.filter(action="taskforce.meeting_updated").count()
    with pytest.raises(EditConflict) as caught:
        actions.meeting_update(
            actor=personas.ministry, meeting=m, revision=0, minutes="Second", decisions="X"
        )
    assert caught.value.current.minutes == "First"
    m.refresh_from_db()
    assert (m.minutes, m.decisions, m.revision) == ("First", [], 1)
    assert AuditEntry.objects.filter(action="taskforce.meeting_updated").count() == audited
    # The current revision saves; a save without a revision (scripts, imports) is not checked.
    actions.meeting_update(actor=personas.ministry, meeting=m, revision=1, minutes="Second")
    actions.meeting_update(actor=personas.bekasi_admin, meeting=m, place="Ruang Rapat 2")
    m.refresh_from_db()
    assert (m.minutes, m.place, m.revision) == ("Second", "Ruang Rapat 2", 3)


def test_an_unchanged_save_does_not_raise_the_revision(personas):
    m = meeting(personas)
    actions.meeting_update(actor=personas.bekasi_admin, meeting=m, revision=0)
    m.refresh_from_db()
    assert m.revision == 0


def _form(m: Meeting, **changes: str) -> dict[str, str]:
    data = {
        "revision": str(m.revision),
        "title": m.title,
        "agenda": m.agenda,
        "date": m.date.isoformat(),
        "start_time": m.start_time.strftime("%H:%M"),
        "place": m.place,
        "chair_member": "",
        "chair_name": m.chair_name,
        "minutes": m.minutes,
        "decisions": "\n".join(m.decisions),
    }
    data.update(changes)
    return data


def test_the_conflict_is_shown_with_both_versions_and_nothing_is_lost(client, personas, english):
    m = meeting(personas, minutes="Pembukaan oleh Sekda.")
    url = reverse("taskforce:meeting_edit", args=[m.pk])
    client.force_login(personas.bekasi_admin)
    page = client.get(url).content.decode()
    assert 'name="revision" value="0"' in page and "Revision" not in page
    opened = _form(m)

    # The ministry saves first.
    client.force_login(personas.ministry)
    theirs = {**opened, "minutes": "Pembukaan oleh Sekda. Paparan DP3A.", "decisions": "A\nB"}
    assert client.post(url, theirs).status_code == 302

    # The secretariat saves what it typed on the page it opened before.
    client.force_login(personas.bekasi_admin)
    mine = {**opened, "minutes": "Notulen versi sekretariat.", "place": "Aula Bappeda"}
    response = client.post(url, mine)
    assert response.status_code == 200
    body = response.content.decode()
    assert "Someone else saved this record after you opened it" in body
    table = body[body.index('data-testid="conflict"') : body.index("</table>")]
    assert "Pembukaan oleh Sekda. Paparan DP3A." in table  # theirs
    assert "Notulen versi sekretariat." in table  # yours
    assert "Aula Bappeda" in table and "Aula DP3A" in table
    # Yours stays in the form, and the form now names the current revision.
    assert "Notulen versi sekretariat.</textarea>" in body
    assert 'value="Aula Bappeda"' in body and 'name="revision" value="1"' in body
    m.refresh_from_db()
    assert (m.minutes, m.decisions, m.place) == (
        "Pembukaan oleh Sekda. Paparan DP3A.",
        ["A", "B"],
        "Aula DP3A",
    )

    # Having seen both, the secretariat saves again: now deliberately, over revision 1.
    assert client.post(url, {**mine, "revision": "1"}).status_code == 302
    m.refresh_from_db()
    assert (m.minutes, m.place, m.revision) == ("Notulen versi sekretariat.", "Aula Bappeda", 2)
    # Both saves are in the audit log: nothing was lost silently.
    changes = AuditEntry.objects.filter(action="taskforce.meeting_updated", object_id=m.pk)
    assert changes.count() == 2


def test_a_form_without_its_revision_is_not_saved(client, personas, english):
    m = meeting(personas)
    client.force_login(personas.bekasi_admin)
    data = _form(m, minutes="Tanpa revisi")
    del data["revision"]
    response = client.post(reverse("taskforce:meeting_edit", args=[m.pk]), data)
    assert response.status_code == 200
    m.refresh_from_db()
    assert m.minutes == ""
