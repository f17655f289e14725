"""The programme's hand-offs tell the people who act next (``notify`` in the apps' actions), and
the daily checks remind them of a RAD report due and a follow-up overdue, once a day."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest

from layak.core.tests.test_actions_list import fill_and_submit
from layak.jobs import runner
from layak.notifications.models import Notice
from layak.participation.actions import ParticipationError, proposal_follow_up
from layak.participation.tests.helpers import make_proposal
from layak.partners import actions as partners
from layak.partners.actions import PartnerError
from layak.partners.testing import (
    bekasi_business,
    ensure_kla,
    make_commitment,
    make_contribution,
)
from layak.plans import actions as plans
from layak.plans.actions import PlanError
from layak.plans.daily import remind_due
from layak.plans.tests.helpers import make_plan
from layak.taskforce import actions as taskforce
from layak.taskforce.actions import TaskForceError
from layak.taskforce.daily import remind_overdue
from layak.taskforce.tests.factories import meeting, office

K = Notice.Kind


def notices(kind):
    return list(Notice.objects.filter(kind=kind).select_related("recipient").order_by("pk"))


def recipients(kind):
    return sorted(n.recipient.email for n in notices(kind))


def fresh(obj):
    obj.refresh_from_db()
    return obj


def new_report(personas, world, year=2025, period=1):
    return plans.report_create(
        actor=personas.bekasi_dinkes,
        plan=world.plan,
        organisation=world.dinkes,
        year=year,
        period=period,
    )


def submitted_report(personas, world, year=2025, period=1):
    return fill_and_submit(new_report(personas, world, year, period), personas.bekasi_dinkes)


# ---- RAD KLA --------------------------------------------------------------------------


def test_a_submitted_report_tells_the_secretariat_and_the_review_tells_the_office(personas):
    world = make_plan(personas)
    admin = personas.bekasi_admin
    with pytest.raises(PlanError):
        plans.report_submit(
            actor=personas.bekasi_dinkes, report=new_report(personas, world, period=2)
        )
    assert notices(K.RAD_REPORT_SUBMITTED) == []  # refused: no output given
    report = submitted_report(personas, world)
    [n] = notices(K.RAD_REPORT_SUBMITTED)
    assert n.recipient == admin and n.actor == personas.bekasi_dinkes
    assert n.url == f"/plans/reports/{report.pk}/" and n.target_id == report.pk
    assert n.text == "Dinas Kesehatan Kabupaten Bekasi mengajukan laporan kemajuan Triwulan 1 2025"
    # Gunung Mas's secretariat hears nothing of Bekasi.
    assert not Notice.objects.filter(recipient=personas.gm_admin).exists()

    with pytest.raises(PlanError):
        plans.report_return(actor=admin, report=report, reason=" ")
    with pytest.raises(PlanError):
        plans.report_return(actor=personas.gm_admin, report=report, reason="Bukan wilayah Anda")
    assert notices(K.RAD_REPORT_RETURNED) == []
    plans.report_return(actor=admin, report=fresh(report), reason="Lampirkan foto kegiatan")
    [n] = notices(K.RAD_REPORT_RETURNED)
    assert n.recipient == personas.bekasi_dinkes and n.url == f"/plans/reports/{report.pk}/"
    assert n.text.endswith(
        "mengembalikan laporan kemajuan Triwulan 1 2025: Lampirkan foto kegiatan"
    )

    entries = {e.pk: {"output": D(12), "budget": D(0)} for e in report.entries.all()}
    plans.report_save(actor=personas.bekasi_dinkes, report=fresh(report), entries=entries)
    plans.report_submit(actor=personas.bekasi_dinkes, report=fresh(report))
    plans.report_accept(actor=admin, report=fresh(report))
    [n] = notices(K.RAD_REPORT_ACCEPTED)
    assert n.recipient == personas.bekasi_dinkes
    assert n.text.endswith("menerima laporan kemajuan Triwulan 1 2025")
    # Only Dinkes's people: the other offices of the plan hear nothing.
    assert recipients(K.RAD_REPORT_ACCEPTED) == [personas.bekasi_dinkes.email]


def test_the_daily_reminder_of_a_report_due_is_once_a_day_within_the_lead_days(personas, settings):
    settings.REMINDER_LEAD_DAYS = [7, 3, 1]
    world = make_plan(personas)
    # Q1 2026 is due on 14 April 2026.
    assert remind_due(datetime.date(2026, 4, 6)) == 0  # eight days ahead
    created = remind_due(datetime.date(2026, 4, 7))
    assert created == len(recipients(K.RAD_REPORT_DUE)) and created >= 2
    assert personas.bekasi_dinkes.email in recipients(K.RAD_REPORT_DUE)
    assert personas["bekasi.disdukcapil"].email in recipients(K.RAD_REPORT_DUE)
    # The office's operators; the secretariat, a member of DP3A, reviews rather than reports.
    assert personas.bekasi_admin.email not in recipients(K.RAD_REPORT_DUE)
    assert personas["gunungmas.dinkes"].email not in recipients(K.RAD_REPORT_DUE)
    n = Notice.objects.get(kind=K.RAD_REPORT_DUE, recipient=personas.bekasi_dinkes)
    assert n.text == (
        "Laporan kemajuan Triwulan 1 2026 Dinas Kesehatan Kabupaten Bekasi jatuh tempo pada "
        "14 Apr 2026"
    )
    assert n.url == f"/plans/reports/?plan={world.plan.pk}"
    # Run again the same day: nothing new. The next day (the run of the 8th missed): again.
    assert remind_due(datetime.date(2026, 4, 7)) == 0
    assert remind_due(datetime.date(2026, 4, 9)) == created
    # Submitted, the report is no longer reminded; past its due day, no more reminders.
    submitted_report(personas, world, 2026, 1)
    before = Notice.objects.filter(recipient=personas.bekasi_dinkes, kind=K.RAD_REPORT_DUE)
    count = before.count()
    remind_due(datetime.date(2026, 4, 10))
    assert before.count() == count
    assert remind_due(datetime.date(2026, 4, 15)) == 0


def test_the_daily_run_finds_the_programmes_checks():
    from layak.notifications.daily import registered

    checks = registered()
    assert checks["layak.plans.daily.remind_due"] is remind_due
    assert checks["layak.taskforce.daily.remind_overdue"] is remind_overdue


# ---- task force -----------------------------------------------------------------------


def test_a_follow_up_given_to_an_office_tells_its_people(personas):
    world = make_plan(personas)
    admin = personas.bekasi_admin
    m = meeting(personas, date=datetime.date(2025, 3, 13))
    with pytest.raises(TaskForceError):
        taskforce.follow_up_add(
            actor=admin, meeting=m, description=" ", owner=world.dinkes, due_date=m.date
        )
    assert notices(K.FOLLOWUP_ASSIGNED) == []
    f = taskforce.follow_up_add(
        actor=admin,
        meeting=m,
        description="Rekap akta kelahiran",
        owner=world.dinkes,
        due_date=datetime.date(2025, 4, 30),
    )
    assert recipients(K.FOLLOWUP_ASSIGNED) == [personas.bekasi_dinkes.email]
    [n] = notices(K.FOLLOWUP_ASSIGNED)
    assert n.url == f.get_absolute_url() and n.target_id == f.pk
    assert n.url.endswith(f"#follow-up-{f.pk}")  # the row on the meeting page
    assert "Rekap akta kelahiran" in n.text and "Dinas Kesehatan Kabupaten Bekasi" in n.text
    # Changed without moving it: nobody new to tell. Moved to Disdukcapil: its people hear.
    taskforce.follow_up_update(
        actor=admin,
        follow_up=f,
        description="Rekap akta kelahiran per kecamatan",
        owner=world.dinkes,
        due_date=datetime.date(2025, 5, 31),
    )
    assert len(notices(K.FOLLOWUP_ASSIGNED)) == 1
    taskforce.follow_up_update(
        actor=admin,
        follow_up=fresh(f),
        description="Rekap akta kelahiran per kecamatan",
        owner=world.capil,
        due_date=datetime.date(2025, 5, 31),
    )
    assert personas["bekasi.disdukcapil"].email in recipients(K.FOLLOWUP_ASSIGNED)


def test_an_overdue_follow_up_is_recalled_once_a_week(personas):
    admin = personas.bekasi_admin
    m = meeting(personas, date=datetime.date(2025, 3, 13))
    f = taskforce.follow_up_add(
        actor=admin,
        meeting=m,
        description="Rekap akta kelahiran",
        owner=office("Dinas Kesehatan Kabupaten Bekasi"),
        due_date=datetime.date(2025, 3, 20),
    )
    assert remind_overdue(datetime.date(2025, 3, 20)) == 0  # due today: not overdue yet
    assert remind_overdue(datetime.date(2025, 3, 21)) == 1
    [n] = notices(K.FOLLOWUP_OVERDUE)
    assert n.recipient == personas.bekasi_dinkes and n.url == f.get_absolute_url()
    assert n.text.startswith("Tindak lanjut Rapat Koordinasi") and "lewat batas waktu" in n.text
    assert remind_overdue(datetime.date(2025, 3, 21)) == 0
    assert remind_overdue(datetime.date(2025, 3, 27)) == 0
    assert remind_overdue(datetime.date(2025, 3, 28)) == 1
    taskforce.follow_up_drop(actor=admin, follow_up=f, reason="Digabung")
    assert remind_overdue(datetime.date(2025, 4, 30)) == 0


# ---- partners and participation --------------------------------------------------------


def test_the_partner_hears_that_its_records_are_validated_or_returned(personas):
    ensure_kla()
    partner, admin = personas["bekasi.partner"], personas.bekasi_admin
    commitment = make_commitment(partner, bekasi_business())
    partners.commitment_submit(actor=partner, commitment=commitment)
    assert notices(K.PARTNER_VALIDATED) == notices(K.PARTNER_RETURNED) == []
    with pytest.raises(PartnerError):
        partners.commitment_return(actor=personas.gm_admin, commitment=commitment, reason="x")
    assert notices(K.PARTNER_RETURNED) == []
    partners.commitment_return(actor=admin, commitment=commitment, reason="Lengkapi lokasi")
    [n] = notices(K.PARTNER_RETURNED)
    assert n.recipient == partner and n.url == f"/partners/commitments/{commitment.pk}/"
    assert n.text.endswith("mengembalikan komitmen “Posyandu ramah anak”: Lengkapi lokasi")
    partners.commitment_submit(actor=partner, commitment=fresh(commitment))
    partners.commitment_accept(actor=admin, commitment=fresh(commitment))
    [n] = notices(K.PARTNER_VALIDATED)
    assert n.recipient == partner and n.text.endswith("memvalidasi komitmen “Posyandu ramah anak”")
    contribution = make_contribution(partner, fresh(commitment))
    partners.contribution_submit(actor=partner, contribution=contribution)
    partners.contribution_accept(actor=admin, contribution=fresh(contribution))
    assert [n.target_id for n in notices(K.PARTNER_VALIDATED)] == [commitment.pk, contribution.pk]


def test_the_forum_facilitator_hears_the_answer_to_a_proposal(personas):
    admin, forum = personas.bekasi_admin, personas["bekasi.forum"]
    proposal = make_proposal(forum)
    with pytest.raises(ParticipationError):
        proposal_follow_up(actor=admin, proposal=proposal, status="not_taken", response=" ")
    with pytest.raises(ParticipationError):
        proposal_follow_up(actor=forum, proposal=proposal, status="considering", response="")
    assert notices(K.PROPOSAL_ANSWERED) == []
    proposal_follow_up(
        actor=admin,
        proposal=proposal,
        status="not_taken",
        response="Lahan desa belum tersedia tahun ini",
    )
    [n] = notices(K.PROPOSAL_ANSWERED)
    assert n.recipient == forum and n.url == f"/participation/proposals/{proposal.pk}/"
    assert n.text == (
        "Kabupaten Bekasi tidak menindaklanjuti usulan “Taman bermain ramah anak di setiap "
        "desa”: Lahan desa belum tersedia tahun ini"
    )


# ---- background jobs -------------------------------------------------------------------


@runner.handler("test_notice_ok")
def _ok(job, progress):
    return {"rows": 3}


@runner.handler("test_notice_refused")
def _refused(job, progress):
    raise runner.JobFailed("Berkas tidak terbaca.")


def test_the_person_who_started_a_job_hears_how_it_ended(personas):
    admin = personas.bekasi_admin
    job = runner.start(actor=admin, kind="test_notice_ok", label="Impor RAD KLA")
    [n] = notices(K.JOB_FINISHED)
    assert n.recipient == admin and n.text == "Impor RAD KLA selesai"
    assert n.url == job.get_absolute_url()
    job = runner.start(actor=admin, kind="test_notice_refused", label="Impor data indikator")
    [n] = notices(K.JOB_FAILED)
    assert n.recipient == admin and n.text == "Impor data indikator gagal: Berkas tidak terbaca."
    # A job already finished is not run again, nor announced again.
    runner.run(job.pk)
    assert len(notices(K.JOB_FAILED)) == 1


def test_a_job_given_up_after_its_worker_stopped_tells_its_starter(personas, settings):
    from django.utils import timezone

    from layak.jobs.models import Job

    settings.JOB_MAX_ATTEMPTS = 1
    job = runner.start(actor=personas.bekasi_admin, kind="test_notice_ok", label="Ekspor")
    Notice.objects.all().delete()
    stale = timezone.now() - datetime.timedelta(hours=1)
    Job.objects.filter(pk=job.pk).update(
        status=Job.Status.RUNNING, attempts=1, heartbeat_at=stale, finished_at=None
    )
    runner.recover_stale()
    [n] = notices(K.JOB_FAILED)
    assert n.recipient == personas.bekasi_admin and n.text.startswith("Ekspor gagal: ")
