"""The assessment page offers "submit all ready items" only while items can be submitted: the
self-assessment open for the district (a reopening counts)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from layak.evaluation import actions
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Stage

pytestmark = pytest.mark.django_db
K = Stage.Kind


def test_bulk_submit_is_offered_only_while_the_self_assessment_is_open(
    client, personas, evaluation
):
    ev = evaluation
    capil = personas["bekasi.disdukcapil"]
    answer = ev.answers["T-2.1"]
    client.force_login(capil)
    client.post(f"/evaluation/answers/{answer.pk}/save/", {"revision": 0, "number": "75"})
    page = f"/evaluation/assessments/{ev.bekasi.pk}/"
    html = client.get(page).content.decode()
    assert 'data-testid="bulk-submit"' in html and "Ajukan semua 1 butir yang siap" in html

    # The self-assessment has closed: nothing can be submitted, so nothing is offered.
    windows = windows_open_at(K.PROVINCE, days=10, level=2)
    actions.cycle_set_windows(actor=personas.ministry, cycle=ev.cycle, windows=windows)
    html = client.get(page).content.decode()
    assert 'data-testid="bulk-submit"' not in html and 'data-testid="not-ready"' not in html

    # Reopened for Bekasi: offered again.
    client.force_login(personas.ministry)
    until = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        f"/evaluation/assessments/{ev.bekasi.pk}/reopen/",
        {"stage": K.SELF_ASSESSMENT, "until": until.isoformat(), "reason": "Dokumen menyusul"},
    )
    assert response.status_code == 302
    client.force_login(capil)
    assert 'data-testid="bulk-submit"' in client.get(page).content.decode()
