"""The verification page says how many items remain at its stage, and, once every item is
verified, that the stage is complete and what happens next, with the dates: nothing is sent
on, the next stage takes the results up when its window opens, and decisions can change until
this stage closes; before the final determination, who determines the result."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format

from layak.evaluation import actions, verification
from layak.evaluation.models import Answer, Assessment, Stage
from layak.evaluation.templatetags.evaluation import deadline
from layak.evaluation.tests.test_lower_levels import answer_all
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.testing import make_village_cycle, move_stages

pytestmark = pytest.mark.django_db
K = Stage.Kind


def handover(client, assessment: Assessment, stage: str) -> str:
    """The hand-over box of the verification page, in words."""
    body = client.get(f"/evaluation/assessments/{assessment.pk}/verify/{stage}/").content
    found = re.search(r'data-testid="handover">(.*?)</div>', body.decode(), re.S)
    assert found is not None, "no hand-over on the page"
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(1)))).strip()


def window(assessment: Assessment, kind: str) -> Stage:
    return Stage.objects.get(cycle=assessment.cycle, kind=kind)


def opens(stage: Stage) -> str:
    with translation.override("id"):
        return date_format(timezone.localtime(stage.opens_at), "j M Y")


def closes(stage: Stage) -> str:
    with translation.override("id"):
        return deadline(stage.closes_at)


def test_the_province_is_told_what_remains_then_that_the_ministry_takes_it_up(
    client, personas, evaluation
):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    client.force_login(personas.jabar)
    province, ministry = window(ev.bekasi, K.PROVINCE), window(ev.bekasi, K.MINISTRY)
    said = handover(client, ev.bekasi, K.PROVINCE)
    assert said.startswith("4 dari 4 butir masih perlu diverifikasi pada tahap ini.")
    assert f"Verifikasi paling lambat {closes(province)};" in said

    # One item back with the district: still counted as remaining, and said.
    client.post(
        f"/evaluation/answers/{ev.answers['T-2.1'].pk}/verify/province/",
        {"decision": "return", "reason": "Data belum lengkap"},
    )
    said = handover(client, ev.bekasi, K.PROVINCE)
    assert "4 dari 4 butir masih perlu" in said and "1 di antaranya sedang dikembalikan" in said

    # The district corrects it and accepts it again; the province agrees with everything.
    answer = Answer.objects.get(pk=ev.answers["T-2.1"].pk)
    answer = actions.answer_save(
        actor=personas["bekasi.disdukcapil"],
        answer=answer,
        value={"number": "95"},
        note="",
        revision=answer.revision,
    )
    actions.answer_submit(actor=personas["bekasi.disdukcapil"], answer=answer)
    actions.answer_accept(actor=personas.bekasi_admin, answer=Answer.objects.get(pk=answer.pk))
    response = client.post(f"/evaluation/assessments/{ev.bekasi.pk}/verify/province/agree-rest/")
    assert response.status_code == 302
    said = handover(client, ev.bekasi, K.PROVINCE)
    assert said == (
        "4 dari 4 butir telah diverifikasi: verifikasi tahap ini untuk Kabupaten Bekasi "
        "selesai. Tidak ada yang perlu dikirim: tahap berikutnya, “Telaah kementerian”, "
        f"melanjutkan dari hasil ini saat dibuka pada {opens(ministry)}. Keputusan masih "
        f"dapat diubah sampai tahap ini ditutup pada {closes(province)}."
    )


def test_once_the_next_stage_is_open_the_closed_stage_says_so(client, personas, evaluation):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.MINISTRY)
    verification.verify_agree_rest(actor=personas.ministry, assessment=ev.bekasi, stage=K.MINISTRY)
    move_to(ev, K.FIELD)
    client.force_login(personas.ministry)
    ministry, field = window(ev.bekasi, K.MINISTRY), window(ev.bekasi, K.FIELD)
    said = handover(client, ev.bekasi, K.MINISTRY)
    assert (
        f"tahap berikutnya, “Verifikasi lapangan”, sedang dibuka (sampai {closes(field)}) "
        "dan melanjutkan dari hasil ini." in said
    )
    assert f"Tahap ini telah ditutup pada {closes(ministry)}; keputusannya" in said


def test_after_the_field_the_ministry_determines_and_the_final_stage_leads_to_it(
    client, personas, evaluation
):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.FIELD)
    client.force_login(personas["assessor"])
    client.post(f"/evaluation/assessments/{ev.bekasi.pk}/verify/field/agree-rest/")
    final = window(ev.bekasi, K.FINAL)
    said = handover(client, ev.bekasi, K.FIELD)
    assert (
        "Tidak ada yang perlu dikirim: selanjutnya kementerian menetapkan nilai dan predikat "
        f"akhir pada tahap “Penetapan akhir”, yang dibuka pada {opens(final)}." in said
    )

    move_to(ev, K.FINAL)
    client.force_login(personas.ministry)
    final = window(ev.bekasi, K.FINAL)
    client.post(f"/evaluation/assessments/{ev.bekasi.pk}/verify/final/agree-rest/")
    page = client.get(f"/evaluation/assessments/{ev.bekasi.pk}/verify/final/").content.decode()
    said = handover(client, ev.bekasi, K.FINAL)
    assert (
        "Yang tersisa adalah penetapan akhir, yang menetapkan nilai dan predikat; penetapan "
        f"dapat dilakukan sampai {closes(final)}." in said
    )
    assert "Keputusan masih dapat diubah" not in said  # the deadline is said once
    assert 'data-testid="handover-determine"' in page
    client.post(f"/evaluation/assessments/{ev.bekasi.pk}/determine/")
    said = handover(client, ev.bekasi, K.FINAL)
    assert said.startswith("Hasil telah ditetapkan pada ")
    page = client.get(f"/evaluation/assessments/{ev.bekasi.pk}/verify/final/").content.decode()
    assert 'data-testid="handover-determine"' not in page


def test_a_reopened_stage_counts_its_new_deadline(client, personas, evaluation):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.MINISTRY)
    client.force_login(personas.ministry)
    until = timezone.localdate() + datetime.timedelta(days=3)
    client.post(
        f"/evaluation/assessments/{ev.bekasi.pk}/reopen/",
        {"stage": K.PROVINCE, "until": until.isoformat(), "reason": "Verifikator sakit"},
    )
    reopened = ev.bekasi.reopenings.get()
    client.force_login(personas.jabar)
    client.post(f"/evaluation/assessments/{ev.bekasi.pk}/verify/province/agree-rest/")
    said = handover(client, ev.bekasi, K.PROVINCE)
    with translation.override("id"):
        new_deadline = deadline(reopened.until)
    assert f"Keputusan masih dapat diubah sampai tahap ini ditutup pada {new_deadline}." in said
    assert "“Telaah kementerian”, sedang dibuka" in said


def test_the_district_verifying_a_village_is_told_the_determination_remains(client, personas):
    ev = make_village_cycle(personas)
    first = ev.assessments[0]
    answer_all(personas["bekasi.kecamatan"], first)
    move_stages(ev.cycle, K.DISTRICT)
    client.force_login(personas.bekasi_admin)
    total = Answer.objects.filter(assessment=first).count()
    said = handover(client, first, K.DISTRICT)
    assert said.startswith(f"{total} dari {total} butir masih perlu diverifikasi")
    client.post(f"/evaluation/assessments/{first.pk}/verify/district/agree-rest/")
    said = handover(client, first, K.DISTRICT)
    assert said.startswith(f"{total} dari {total} butir telah diverifikasi")
    assert "Yang tersisa adalah penetapan akhir" in said
    page = client.get(f"/evaluation/assessments/{first.pk}/verify/district/").content.decode()
    assert 'data-testid="handover-determine"' in page
