"""Once the self-assessment has closed before the district submitted, no office can answer:
the assignment page says so instead of offering its forms, and assigning is refused."""

from __future__ import annotations

import pytest

from layak.evaluation import actions
from layak.evaluation.models import Assignment
from layak.organisations.models import Organisation
from layak.testing import make_cycle

pytestmark = pytest.mark.django_db


def test_items_are_not_assigned_once_the_self_assessment_has_closed(client, personas):
    ev = make_cycle(personas, open_self=False)
    client.force_login(personas.bekasi_admin)
    url = f"/evaluation/assessments/{ev.bekasi.pk}/assign/"
    page = client.get(url).content.decode()
    assert 'data-testid="assign-closed"' in page
    assert "Tahap evaluasi mandiri sudah ditutup untuk Kabupaten Bekasi" in page
    assert 'name="proposal"' not in page and "<form" not in page.split("<main")[-1]
    before = set(Assignment.objects.filter(is_active=True).values_list("pk", flat=True))
    answers = list(ev.bekasi.answers.all())
    dinkes = Organisation.objects.get(region__code="32.16", acronym="Dinkes")
    with pytest.raises(actions.EvaluationError, match="ditutup"):
        actions.assignments_set(
            actor=personas.bekasi_admin,
            assessment=ev.bekasi,
            answers=answers,
            organisations=[dinkes],
        )
    response = client.post(url, {"proposal": "1"}, follow=True)
    assert "Tahap evaluasi mandiri sudah ditutup" in response.content.decode()
    assert set(Assignment.objects.filter(is_active=True).values_list("pk", flat=True)) == before
    # Reopened for the district: assigning works again.
    from datetime import timedelta

    from django.utils import timezone

    from layak.evaluation.models import Stage

    actions.stage_reopen(
        actor=personas.ministry,
        assessment=ev.bekasi,
        kind=Stage.Kind.SELF_ASSESSMENT,
        reason="Banjir",
        until=timezone.now() + timedelta(days=3),
    )
    assert 'data-testid="assign-closed"' not in client.get(url).content.decode()
    assert actions.assignments_set(
        actor=personas.bekasi_admin, assessment=ev.bekasi, answers=answers, organisations=[dinkes]
    )
