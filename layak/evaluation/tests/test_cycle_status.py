"""The cycle page's Status column follows the stage windows (the stage open for the district
now, or the one it waits for and the day that opens), and its link to the final
determination shows only when the determination can be made (the rule the determination
itself enforces)."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from django.utils.formats import date_format

from layak.evaluation import verification
from layak.evaluation.models import Stage
from layak.evaluation.tests.test_verification import move_to, submit_all

pytestmark = pytest.mark.django_db
K = Stage.Kind


def bekasi_row(client, ev) -> tuple[str, str]:
    """Bekasi's row on the cycle page: its Status cell, in words, and the row's HTML."""
    body = client.get(f"/evaluation/cycles/{ev.cycle.pk}/").content.decode()
    rows = re.findall(r'<tr data-testid="assessment-row">.*?</tr>', body, re.S)
    (row,) = [r for r in rows if "Kabupaten Bekasi" in r]
    status = re.search(r'data-testid="standing-status">(.*?)</td>', row, re.S)
    assert status is not None
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", status.group(1))).strip()
    return words.replace("&ldquo;", "“").replace("&rdquo;", "”"), row


def opens(ev, kind: str) -> str:
    stage = Stage.objects.get(cycle=ev.cycle, kind=kind)
    return date_format(timezone.localtime(stage.opens_at), "j M Y")


def test_the_status_and_the_determination_link_follow_the_stage_windows(
    client, personas, evaluation
):
    ev = evaluation
    submit_all(personas, ev)
    client.force_login(personas.ministry)
    link = f"/evaluation/assessments/{ev.bekasi.pk}/scores/#determine"

    # Submitted while the self-assessment is still open: it waits for the province.
    status, row = bekasi_row(client, ev)
    assert status == (
        f"Diajukan, menunggu “Verifikasi administrasi provinsi” yang dibuka pada "
        f"{opens(ev, K.PROVINCE)}"
    )
    assert link not in row

    # The province's window is open: that is where it stands, verified or not yet.
    move_to(ev, K.PROVINCE)
    status, row = bekasi_row(client, ev)
    assert status == "Verifikasi administrasi provinsi" and link not in row
    verification.verify_agree_rest(actor=personas.jabar, assessment=ev.bekasi, stage=K.PROVINCE)

    # The province is done and the ministry's review is open: the status says the ministry's.
    move_to(ev, K.MINISTRY)
    status, row = bekasi_row(client, ev)
    assert status == "Telaah kementerian" and link not in row

    # Between two windows: the stage it waits for and the day it opens.
    ministry = Stage.objects.get(cycle=ev.cycle, kind=K.MINISTRY)
    ministry.closes_at = timezone.now() - datetime.timedelta(hours=1)
    ministry.save()
    field = Stage.objects.get(cycle=ev.cycle, kind=K.FIELD)
    field.opens_at = timezone.now() + datetime.timedelta(days=2)
    field.save()
    status, row = bekasi_row(client, ev)
    assert status == f"Menunggu “Verifikasi lapangan” yang dibuka pada {opens(ev, K.FIELD)}"

    move_to(ev, K.FIELD)
    assert bekasi_row(client, ev)[0] == "Verifikasi lapangan"

    # The final determination is open: the status says so, and the ministry is led to it.
    move_to(ev, K.FINAL)
    status, row = bekasi_row(client, ev)
    assert status == "Penetapan akhir" and link in row
    # Not to a district that has not submitted (the determination refuses it too).
    body = client.get(f"/evaluation/cycles/{ev.cycle.pk}/").content.decode()
    assert f"/evaluation/assessments/{ev.gm.pk}/scores/#determine" not in body
    # The district sees where it stands, but is not offered the determination.
    client.force_login(personas.bekasi_admin)
    status, row = bekasi_row(client, ev)
    assert status == "Penetapan akhir" and link not in row


def test_after_the_last_window_closes_the_link_returns_only_with_a_reopening(
    client, personas, evaluation
):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.FINAL)
    final = Stage.objects.get(cycle=ev.cycle, kind=K.FINAL)
    final.closes_at = timezone.now() - datetime.timedelta(hours=1)
    final.save()
    client.force_login(personas.ministry)
    link = f"/evaluation/assessments/{ev.bekasi.pk}/scores/#determine"
    status, row = bekasi_row(client, ev)
    assert status == "“Penetapan akhir” telah ditutup tanpa penetapan" and link not in row

    # The ministry reopens the final determination for Bekasi from its assessment page.
    until = timezone.localdate() + datetime.timedelta(days=3)
    response = client.post(
        f"/evaluation/assessments/{ev.bekasi.pk}/reopen/",
        {"stage": K.FINAL, "until": until.isoformat(), "reason": "Dokumen menyusul"},
    )
    assert response.status_code == 302
    status, row = bekasi_row(client, ev)
    assert status == "Penetapan akhir" and link in row
    # The cycle list shows the same.
    assert link in client.get("/evaluation/").content.decode()
