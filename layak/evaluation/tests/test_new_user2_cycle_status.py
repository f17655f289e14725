"""The cycle page's Status of an assessment not submitted follows the district's
self-assessment window: running while open (a reopening counts), the day it opens, or the day
it closed without a submission."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from layak.evaluation.models import Stage
from layak.evaluation.templatetags.evaluation import last_day
from layak.evaluation.tests.test_cycle_status import bekasi_row

pytestmark = pytest.mark.django_db
K = Stage.Kind


def test_a_self_assessment_not_submitted_reads_by_its_window(client, personas, evaluation):
    ev = evaluation
    client.force_login(personas.ministry)
    assert bekasi_row(client, ev)[0] == "Evaluasi mandiri berjalan"

    stage = Stage.objects.get(cycle=ev.cycle, kind=K.SELF_ASSESSMENT)
    now = timezone.now()
    stage.opens_at, stage.closes_at = (
        now + datetime.timedelta(days=2),
        now + datetime.timedelta(days=9),
    )
    stage.save()
    day = date_format(timezone.localtime(stage.opens_at), "j M Y")
    assert bekasi_row(client, ev)[0] == f"Evaluasi mandiri dibuka pada {day}"

    stage.opens_at, stage.closes_at = (
        now - datetime.timedelta(days=9),
        now - datetime.timedelta(days=2),
    )
    stage.save()
    status = bekasi_row(client, ev)[0]
    assert status == f"Belum diajukan; evaluasi mandiri ditutup pada {last_day(stage.closes_at)}"

    # Reopened for Bekasi: running again.
    until = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        f"/evaluation/assessments/{ev.bekasi.pk}/reopen/",
        {"stage": K.SELF_ASSESSMENT, "until": until.isoformat(), "reason": "Dokumen menyusul"},
    )
    assert response.status_code == 302
    assert bekasi_row(client, ev)[0] == "Evaluasi mandiri berjalan"
