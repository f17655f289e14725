"""What waits for a person (``layak.core.actions_list``): per role what the list holds and its
order, its scope, the home page, the API resource and the fixed number of queries."""

from __future__ import annotations

import datetime
from decimal import Decimal as D

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from layak.core.actions_list import ActionKind, end_of_day, needs_action
from layak.evaluation import actions as answers
from layak.evaluation.tests.test_workflow import attach_pdf
from layak.participation.tests.helpers import make_proposal
from layak.partners import actions as partners
from layak.partners.testing import bekasi_business, make_commitment
from layak.plans import actions as plans
from layak.plans.notices import due_date, due_reports, period_end
from layak.plans.tests.helpers import make_plan
from layak.taskforce import actions as taskforce
from layak.taskforce.tests.factories import meeting, office

K = ActionKind


def fresh(obj):
    obj.refresh_from_db()
    return obj


def kinds(actions):
    return [i.kind for i in actions.items]


def fill_and_submit(report, user, output="10"):
    entries = {
        e.pk: {"output": D(output), "budget": D(0), "done": "Pelayanan berjalan"}
        for e in report.entries.all()
    }
    plans.report_save(actor=user, report=report, entries=entries)
    return plans.report_submit(actor=user, report=fresh(report))


def submit_answer(user, answer):
    answers.answer_save(actor=user, answer=answer, value={}, note="SK terlampir", revision=0)
    attach_pdf(user, answer, name="sk.pdf")
    return answers.answer_submit(actor=user, answer=fresh(answer))


# ---- the due rule of RAD KLA progress reports -----------------------------------------------


def test_a_period_report_is_due_two_weeks_after_the_period_ends():
    assert period_end(4, 2026, 1) == datetime.date(2026, 3, 31)
    assert period_end(4, 2026, 4) == datetime.date(2026, 12, 31)
    assert period_end(2, 2026, 1) == datetime.date(2026, 6, 30)
    assert period_end(1, 2026, 1) == datetime.date(2026, 12, 31)
    assert due_date(4, 2026, 1) == datetime.date(2026, 4, 14)
    assert due_date(4, 2026, 4) == datetime.date(2027, 1, 14)


def test_reports_due_are_the_periods_not_yet_submitted(personas):
    world = make_plan(personas)
    dinkes = personas.bekasi_dinkes
    due = due_reports([world.dinkes.pk], until=datetime.date(2025, 7, 14))
    assert [(d.year, d.period, d.due) for d in due] == [
        (2025, 1, datetime.date(2025, 4, 14)),
        (2025, 2, datetime.date(2025, 7, 14)),
    ]
    # A draft is still due; a submitted report is not.
    report = plans.report_create(
        actor=dinkes, plan=world.plan, organisation=world.dinkes, year=2025, period=1
    )
    due = due_reports([world.dinkes.pk], until=datetime.date(2025, 7, 14))
    assert due[0].report_id == report.pk and due[0].url == f"/plans/reports/{report.pk}/"
    fill_and_submit(report, dinkes)
    due = due_reports([world.dinkes.pk], until=datetime.date(2025, 7, 14))
    assert [(d.year, d.period) for d in due] == [(2025, 2)]
    assert due[0].url == f"/plans/reports/?plan={world.plan.pk}"
    # Only the offices with activities of their own in the plan report.
    education = office("Dinas Pendidikan Kabupaten Bekasi")
    assert due_reports([education.pk], until=datetime.date(2025, 7, 14)) == []
    # ``since`` keeps the reminder window: nothing due before it.
    due = due_reports(None, until=datetime.date(2025, 7, 14), since=datetime.date(2025, 7, 1))
    assert {(d.organisation_name, d.period) for d in due} == {
        ("Dinas Kesehatan Kabupaten Bekasi", 2),
        ("Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bekasi", 2),
        ("Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi", 2),
    }


# ---- per role --------------------------------------------------------------------------


def test_an_office_sees_its_work_earliest_deadline_first(personas, evaluation):
    world = make_plan(personas)
    dinkes = personas.bekasi_dinkes
    got = needs_action(dinkes)
    # Two items of the open self-assessment to answer, due when the self-assessment closes.
    answer = got.of_kind(K.EVALUATION_TO_ANSWER)
    assert [(i.title, i.region, i.count) for i in answer] == [
        ("2 butir untuk dijawab dalam Evaluasi Uji", "Kabupaten Bekasi", 2)
    ]
    assert answer[0].url == "/evaluation/my-items/"
    # The plan's first reports, long past their due day, come before it.
    due = got.of_kind(K.REPORT_DUE)
    assert due[0].title == "Laporan kemajuan Triwulan 1 2025 Dinas Kesehatan Kabupaten Bekasi"
    assert due[0].deadline == end_of_day(datetime.date(2025, 4, 14)) and due[0].overdue
    assert due[1].title.startswith("Laporan kemajuan Triwulan 2 2025")
    assert got.items[0] == due[0]
    deadlines = [i.deadline for i in got.items]
    assert deadlines == sorted(deadlines, key=lambda d: (d is None, d))
    assert got.counts[K.EVALUATION_TO_ANSWER] == 2
    assert got.counts[K.REPORT_DUE] == len(due)
    assert K.REPORT_TO_ACCEPT not in got.counts and K.EVALUATION_TO_REVIEW not in got.counts
    # The other office of the plan has its own reports, not Dinkes's.
    capil = needs_action(personas["bekasi.disdukcapil"]).of_kind(K.REPORT_DUE)
    assert capil and all("Pencatatan Sipil" in i.title for i in capil)
    # A reader has nothing to act on.
    assert needs_action(personas.bekasi_regent).items == []
    assert world.plan.pk


def test_an_item_returned_to_an_office_waits_for_it_with_the_reason(personas, evaluation):
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    answer = submit_answer(dinkes, evaluation.answers["T-1.2"])
    review = needs_action(admin).of_kind(K.EVALUATION_TO_REVIEW)
    assert [(i.title, i.count) for i in review] == [
        ("1 jawaban untuk ditelaah dalam Evaluasi Uji", 1)
    ]
    assert review[0].url.startswith(f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/")
    evaluation_returned = evaluation.answers["T-1.2"]
    answers.answer_return(actor=admin, answer=fresh(answer), reason="SK belum ditandatangani")
    got = needs_action(dinkes)
    returned = got.of_kind(K.EVALUATION_RETURNED)
    assert len(returned) == 1 and got.counts[K.EVALUATION_RETURNED] == 1
    assert returned[0].title.startswith("Perbaiki T-1.2")
    assert returned[0].detail == "SK belum ditandatangani"
    assert returned[0].url.endswith(f"#answer-{evaluation_returned.pk}")
    # Due when the self-assessment closes, the stage of the district's review.
    closes = evaluation.cycle.stages.get(kind="self").closes_at
    assert returned[0].deadline == closes
    # What the district returned itself waits for the office, not for the district.
    assert needs_action(admin).of_kind(K.EVALUATION_RETURNED) == []
    assert needs_action(admin).of_kind(K.EVALUATION_TO_REVIEW) == []


def test_the_secretariat_sees_what_waits_for_acceptance_and_answers(personas):
    world = make_plan(personas)
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    report = plans.report_create(
        actor=dinkes, plan=world.plan, organisation=world.dinkes, year=2025, period=1
    )
    fill_and_submit(report, dinkes)
    business = bekasi_business()
    commitment = make_commitment(personas["bekasi.partner"], business)
    partners.commitment_submit(actor=personas["bekasi.partner"], commitment=commitment)
    proposal = make_proposal(personas["bekasi.forum"])
    got = needs_action(admin)
    assert [i.title for i in got.of_kind(K.REPORT_TO_ACCEPT)] == [
        "Terima atau kembalikan laporan kemajuan Triwulan 1 2025 Dinas Kesehatan Kabupaten Bekasi"
    ]
    assert got.of_kind(K.REPORT_TO_ACCEPT)[0].url == f"/plans/reports/{report.pk}/"
    assert [i.title for i in got.of_kind(K.PARTNER_TO_VALIDATE)] == [
        "Validasi Posyandu ramah anak dari PT Sinar Cikarang Sejahtera"
    ]
    assert [i.url for i in got.of_kind(K.PROPOSAL_TO_ANSWER)] == [
        f"/participation/proposals/{proposal.pk}/follow-up/"
    ]
    # Without a deadline, they come after the work that has one.
    assert all(i.deadline is None for i in got.items)
    # Returned to the partner, the commitment waits for the partner instead.
    partners.commitment_return(actor=admin, commitment=commitment, reason="Lengkapi lokasi")
    assert needs_action(admin).of_kind(K.PARTNER_TO_VALIDATE) == []
    partner = needs_action(personas["bekasi.partner"])
    assert [(i.title, i.detail) for i in partner.of_kind(K.PARTNER_RETURNED)] == [
        ("Perbaiki Posyandu ramah anak", "Lengkapi lokasi")
    ]
    # Answered, the proposal leaves the list.
    from layak.participation.actions import proposal_follow_up

    proposal_follow_up(
        actor=admin, proposal=proposal, status="considering", response="Dibahas di Musrenbang"
    )
    assert needs_action(admin).of_kind(K.PROPOSAL_TO_ANSWER) == []


def test_an_office_sees_its_open_follow_ups_and_returned_reports(personas):
    world = make_plan(personas)
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    m = meeting(personas, date=datetime.date(2025, 3, 13))
    follow_up = taskforce.follow_up_add(
        actor=admin,
        meeting=m,
        description="Rekap akta kelahiran di fasilitas kesehatan",
        owner=world.dinkes,
        due_date=datetime.date(2025, 4, 30),
    )
    report = plans.report_create(
        actor=dinkes, plan=world.plan, organisation=world.dinkes, year=2025, period=1
    )
    fill_and_submit(report, dinkes)
    plans.report_return(actor=admin, report=fresh(report), reason="Lampirkan bukti kegiatan")
    got = needs_action(dinkes)
    [f] = got.of_kind(K.FOLLOW_UP)
    assert f.title == "Rekap akta kelahiran di fasilitas kesehatan"
    assert f.deadline == end_of_day(datetime.date(2025, 4, 30)) and f.overdue
    assert f.url == follow_up.get_absolute_url()
    [r] = got.of_kind(K.REPORT_RETURNED)
    assert r.detail == "Lampirkan bukti kegiatan" and r.url == f"/plans/reports/{report.pk}/"
    # Due 14 April, the returned report comes before the follow-up due 30 April.
    assert got.items.index(r) < got.items.index(f)
    # A returned report is not also "due".
    assert all("Triwulan 1 2025" not in i.title for i in got.of_kind(K.REPORT_DUE))
    # Done, the follow-up leaves the list.
    taskforce.follow_up_drop(actor=admin, follow_up=follow_up, reason="Digabung")
    assert needs_action(dinkes).of_kind(K.FOLLOW_UP) == []


def test_another_districts_work_never_appears(personas, evaluation):
    world = make_plan(personas)
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    submit_answer(dinkes, evaluation.answers["T-1.2"])
    report = plans.report_create(
        actor=dinkes, plan=world.plan, organisation=world.dinkes, year=2025, period=1
    )
    fill_and_submit(report, dinkes)
    make_proposal(personas["bekasi.forum"])
    assert needs_action(admin).counts[K.REPORT_TO_ACCEPT] == 1
    for user in (personas.gm_admin, personas["gunungmas.dinkes"]):
        got = needs_action(user)
        assert all("Bekasi" not in f"{i.title} {i.region} {i.detail}" for i in got.items)
        assert K.REPORT_TO_ACCEPT not in got.counts and K.PROPOSAL_TO_ANSWER not in got.counts
        assert K.EVALUATION_TO_REVIEW not in got.counts
    # The ministry may reach everything but is not the district's secretariat.
    ministry = needs_action(personas.ministry)
    assert K.REPORT_TO_ACCEPT not in ministry.counts
    assert K.EVALUATION_TO_REVIEW not in ministry.counts


def test_a_province_verifier_sees_the_submitted_assessments_of_its_province(personas, evaluation):
    from layak.evaluation import verification
    from layak.evaluation.tests.test_verification import move_to, submit_all

    ev = evaluation
    submit_all(personas, ev)
    # Before the province stage opens, nothing waits for the verifier.
    assert needs_action(personas.jabar).of_kind(K.EVALUATION_TO_VERIFY) == []
    move_to(ev, "province")
    [item] = needs_action(personas.jabar).of_kind(K.EVALUATION_TO_VERIFY)
    assert item.region == "Kabupaten Bekasi"
    assert item.title == "Verifikasi administrasi provinsi: Evaluasi Uji"
    assert item.detail == "4 butir belum diverifikasi"
    assert item.url == f"/evaluation/assessments/{ev.bekasi.pk}/verify/province/"
    assert item.deadline == ev.cycle.stages.get(kind="province").closes_at
    # Kalimantan Tengah's verifier verifies another province; the ministry at its own stage.
    assert needs_action(personas["verifier.kalteng"]).of_kind(K.EVALUATION_TO_VERIFY) == []
    assert needs_action(personas.ministry).of_kind(K.EVALUATION_TO_VERIFY) == []
    # An item the verifier returns waits for the district and its office, then, corrected and
    # accepted again, for the verifier's new check.
    returned = ev.answers["T-2.1"]
    verification.verify_return(actor=personas.jabar, answer=returned, reason="Pakai data 2025")
    verification.verify_agree_rest(actor=personas.jabar, assessment=ev.bekasi, stage="province")
    assert needs_action(personas.jabar).of_kind(K.EVALUATION_TO_VERIFY) == []
    for who in (personas.bekasi_admin, personas["bekasi.disdukcapil"]):
        [back] = needs_action(who).of_kind(K.EVALUATION_RETURNED)
        assert back.detail == "Pakai data 2025"
        assert back.deadline == ev.cycle.stages.get(kind="province").closes_at
    capil = personas["bekasi.disdukcapil"]
    answers.answer_save(
        actor=capil,
        answer=fresh(returned),
        value={"number": "95"},
        note="",
        revision=fresh(returned).revision,
    )
    answers.answer_submit(actor=capil, answer=fresh(returned))
    answers.answer_accept(actor=personas.bekasi_admin, answer=fresh(returned))
    [item] = needs_action(personas.jabar).of_kind(K.EVALUATION_TO_VERIFY)
    assert item.detail == "1 butir yang diperbaiki menunggu pemeriksaan ulang"
    # Once the province stage closes nothing waits, unless the ministry reopens it for Bekasi:
    # then until the new deadline.
    move_to(ev, "ministry")
    assert needs_action(personas.jabar).of_kind(K.EVALUATION_TO_VERIFY) == []
    until = timezone.now() + datetime.timedelta(days=3)
    answers.stage_reopen(
        actor=personas.ministry,
        assessment=ev.bekasi,
        kind="province",
        reason="Verifikator sakit",
        until=until,
    )
    [item] = needs_action(personas.jabar).of_kind(K.EVALUATION_TO_VERIFY)
    assert item.deadline == until and item.region == "Kabupaten Bekasi"


def test_pending_invitations_wait_for_the_administrator(personas):
    from layak.organisations.models import Membership

    pending = Membership.objects.active().pending().filter(organisation__region__code="32.16")
    got = needs_action(personas.bekasi_admin)
    assert got.counts.get(K.INVITATION_PENDING, 0) == pending.count()
    assert needs_action(personas.bekasi_dinkes).of_kind(K.INVITATION_PENDING) == []


# ---- the fixed cost --------------------------------------------------------------------


def _queries(user):
    from layak import authz

    authz.forget(user)
    with CaptureQueriesContext(connection) as ctx:
        needs_action(user)
    return len(ctx)


@pytest.mark.parametrize("who", ["bekasi.admin", "bekasi.dinkes", "bekasi.partner"])
def test_the_list_costs_the_same_queries_for_more_data(personas, evaluation, who):
    world = make_plan(personas)
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    business = bekasi_business()
    m = meeting(personas, date=datetime.date(2025, 3, 13))

    def grow(n, start):
        for i in range(n):
            taskforce.follow_up_add(
                actor=admin,
                meeting=m,
                description=f"Tindak lanjut {start + i}",
                owner=world.dinkes,
                due_date=datetime.date(2025, 4, 1 + start + i),
            )
            c = make_commitment(personas["bekasi.partner"], business, title=f"Komitmen {start + i}")
            partners.commitment_submit(actor=personas["bekasi.partner"], commitment=c)
            if i % 2:
                partners.commitment_return(actor=admin, commitment=c, reason="Lengkapi")
            make_proposal(personas["bekasi.forum"], topic=f"Usulan {start + i}")
        report = plans.report_create(
            actor=dinkes, plan=world.plan, organisation=world.dinkes, year=2025, period=1 + start
        )
        fill_and_submit(report, dinkes)

    user = personas[who]
    grow(1, 0)
    small = _queries(user)
    grow(3, 1)
    assert needs_action(user).total > 0
    assert _queries(user) == small
    assert small <= 20


def test_the_list_stays_within_its_query_budget(
    personas, evaluation, django_assert_max_num_queries
):
    make_plan(personas)
    from layak import authz

    user = personas.bekasi_admin
    authz.forget(user)
    with django_assert_max_num_queries(20):
        needs_action(user)


# ---- the home page and the API ----------------------------------------------------------


def test_the_home_page_shows_the_list_first_with_chips_per_kind(
    client, personas, evaluation, monkeypatch
):
    world = make_plan(personas)
    m = meeting(personas, date=datetime.date(2025, 3, 13))
    taskforce.follow_up_add(
        actor=personas.bekasi_admin,
        meeting=m,
        description="Rekap akta kelahiran",
        owner=world.dinkes,
        due_date=datetime.date(2025, 4, 30),
    )
    client.force_login(personas.bekasi_dinkes)
    response = client.get("/")
    html = response.content.decode()
    # The list comes before the person's roles.
    assert html.index('data-testid="needs-action"') < html.index('id="roles-heading"')
    assert "Menunggu tindakan Anda" in html
    assert 'data-testid="chip-report_due"' in html and "Laporan kemajuan jatuh tempo · " in html
    assert "Tindak lanjut Gugus Tugas · 1" in html
    assert "lewat batas waktu 30 Apr 2025, 23.59 WIB" in html
    assert "2 butir untuk dijawab dalam Evaluasi Uji" in html
    # A chip keeps only its kind.
    html = client.get("/?kind=follow_up").content.decode()
    assert "Rekap akta kelahiran" in html and "2 butir untuk dijawab" not in html
    assert 'aria-current="true" data-testid="chip-follow_up"' not in html
    assert 'data-testid="chip-follow_up" aria-current="true"' in html
    # An unknown kind shows everything.
    assert "2 butir untuk dijawab" in client.get("/?kind=xyz").content.decode()
    # Past the entries the page shows, it says how many more there are.
    from layak.core import views

    entries = needs_action(personas.bekasi_dinkes).total - 1  # two items to answer: one entry
    monkeypatch.setattr(views, "HOME_ACTIONS", 2)
    html = client.get("/").content.decode()
    assert f"Masih ada {entries - 2} lagi dengan batas waktu lebih akhir" in html
    assert html.count('<li data-testid="action-') == 2
    # Someone with nothing to do is told so.
    client.force_login(personas.bekasi_regent)
    assert "Saat ini tidak ada yang menunggu tindakan Anda." in client.get("/").content.decode()


def test_the_home_page_costs_the_same_queries_for_more_work(client, personas, evaluation):
    world = make_plan(personas)
    m = meeting(personas, date=datetime.date(2025, 3, 13))
    client.force_login(personas.bekasi_dinkes)

    def add(n, start):
        for i in range(n):
            taskforce.follow_up_add(
                actor=personas.bekasi_admin,
                meeting=m,
                description=f"Tindak lanjut {start + i}",
                owner=world.dinkes,
                due_date=datetime.date(2025, 4, 1 + start + i),
            )

    add(1, 0)
    with CaptureQueriesContext(connection) as small:
        client.get("/")
    add(5, 1)
    with CaptureQueriesContext(connection) as big:
        assert "Tindak lanjut 5" in client.get("/").content.decode()
    assert len(big) == len(small)


def test_the_api_serves_the_same_list_within_reach(client, personas, evaluation):
    world = make_plan(personas)
    client.force_login(personas.bekasi_dinkes)
    body = client.get("/api/v1/me/actions").json()
    mine = needs_action(personas.bekasi_dinkes)
    assert body["total"] == mine.total
    assert [(c["kind"], c["count"]) for c in body["counts"]] == [(k, n) for k, _, n in mine.chips()]
    assert body["counts"][0]["label"] == "Butir evaluasi untuk dijawab"
    first = body["items"][0]
    assert first["kind"] == "report_due" and first["overdue"] is True
    assert first["url"] == f"/plans/reports/?plan={world.plan.pk}"
    # The moment 14 April ends in Jakarta, in UTC as every deadline and time the API gives.
    assert first["deadline"] == "2025-04-14T17:00:00Z"
    assert all(i["deadline"].endswith("Z") for i in body["items"] if i["deadline"])
    only = client.get("/api/v1/me/actions?kind=evaluation_to_answer").json()["items"]
    assert [i["title"] for i in only] == ["2 butir untuk dijawab dalam Evaluasi Uji"]
    assert client.get("/api/v1/me/actions?kind=xyz").status_code == 422
    # Gunung Mas's administrator sees nothing of Bekasi.
    client.force_login(personas.gm_admin)
    body = client.get("/api/v1/me/actions").json()
    assert all("Bekasi" not in f"{i['title']} {i['region']}" for i in body["items"])
    # Signed out: refused.
    client.logout()
    assert client.get("/api/v1/me/actions").status_code == 401


def test_the_api_resource_is_in_the_schema(client, personas):
    schema = client.get("/api/v1/openapi.json").json()
    operation = schema["paths"]["/api/v1/me/actions"]["get"]
    assert operation["tags"] == ["me"]
    assert "kind" in {p["name"] for p in operation["parameters"]}
    assert "200" in operation["responses"]
