"""Discussions per item: who reads and writes, mentions, edits, withdrawals, the audit, threads
across cycles, and the cost of the pages that show them."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from layak.audit.display import describe
from layak.audit.models import AuditEntry
from layak.discussions.models import Mention, Message, MessageRevision, Thread
from layak.notifications.models import Notice

pytestmark = pytest.mark.django_db


def notices():
    """The notices discussions write (assignments and hand-offs write their own)."""
    return Notice.objects.filter(kind__in=[Notice.Kind.MENTION, Notice.Kind.DISCUSSION_MESSAGE])


def thread_url(kind: str, pk: int) -> str:
    return reverse("discussions:thread", args=[kind, pk])


def post_url(kind: str, pk: int) -> str:
    return reverse("discussions:post", args=[kind, pk])


def say(client, user, kind: str, pk: int, body: str):
    client.force_login(user)
    return client.post(post_url(kind, pk), {"body": body})


@pytest.fixture
def answer(evaluation):
    return evaluation.answers["T-1.1"]


# ---- who reads and who writes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "read", "write"),
    [
        ("bekasi.dinkes", 200, 302),  # the office assigned
        ("bekasi.admin", 200, 302),  # the district's secretariat
        ("verifier.jabar", 200, 302),  # the province verifier of the district
        ("ministry", 200, 302),
        ("assessor", 200, 302),
        ("bekasi.regent", 200, 403),  # a reader follows without writing
        ("bekasi.disdukcapil", 404, 404),  # an office not assigned to this question
        ("bekasi.partner", 404, 404),
        ("bekasi.forum", 404, 404),
        ("gunungmas.admin", 404, 404),  # another district
        ("verifier.kalteng", 404, 404),  # another province
    ],
)
def test_an_answers_thread_is_read_and_written_by_exactly_those_who_work_on_it(
    client, personas, answer, who, read, write
):
    client.force_login(personas[who])
    assert client.get(thread_url("answer", answer.pk)).status_code == read
    response = client.post(post_url("answer", answer.pk), {"body": "Mohon dicek ulang."})
    assert response.status_code == write
    assert Message.objects.count() == (1 if write == 302 else 0)


def test_a_message_outside_the_readers_scope_is_404_for_edit_and_withdraw(client, personas, answer):
    say(client, personas.bekasi_dinkes, "answer", answer.pk, "Data sudah kami perbarui.")
    message = Message.objects.get()
    for who in ("gunungmas.admin", "bekasi.partner"):
        client.force_login(personas[who])
        url = reverse("discussions:message_edit", args=[message.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"body": "x"}).status_code == 404
        withdraw = reverse("discussions:message_withdraw", args=[message.pk])
        assert client.post(withdraw).status_code == 404
    # The secretariat reads it but only its author changes it.
    client.force_login(personas.bekasi_admin)
    assert client.get(reverse("discussions:message_edit", args=[message.pk])).status_code == 403
    assert Message.objects.get().body == "Data sudah kami perbarui."


def test_an_unknown_kind_or_item_is_404(client, personas, answer):
    client.force_login(personas.ministry)
    assert client.get("/discussions/invoice/1/").status_code == 404
    assert client.get(thread_url("answer", 10**9)).status_code == 404


# ---- posting, mentions and notices ----------------------------------------------------------


def test_posting_shows_the_message_and_mentions_notify_the_person(client, personas, answer):
    admin = personas.bekasi_admin
    response = say(
        client,
        personas.bekasi_dinkes,
        "answer",
        answer.pk,
        f"@{admin.email} apakah SK Bupati cukup sebagai bukti?",
    )
    assert response.status_code == 302
    message = Message.objects.get()
    assert list(message.mentioned.all()) == [admin]
    thread = message.thread
    assert thread.region.code == "32.16" and thread.question_code == "T-1.1"
    notice = notices().get(recipient=admin)
    assert notice.kind == Notice.Kind.MENTION
    assert notice.url.startswith(thread_url("answer", answer.pk))
    page = client.get(thread_url("answer", answer.pk)).content.decode()
    assert "apakah SK Bupati cukup sebagai bukti?" in page
    assert "Diskusi" in page


def test_a_new_message_notifies_the_threads_other_participants(client, personas, answer):
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    say(client, dinkes, "answer", answer.pk, "Sudah kami lengkapi.")
    assert not notices().exists()  # nobody else in the thread yet
    say(client, admin, "answer", answer.pk, "Terima kasih, kami cek.")
    notice = notices().get()
    assert (notice.recipient, notice.kind) == (dinkes, Notice.Kind.DISCUSSION_MESSAGE)
    # The province verifier joins: both earlier participants are told, the author is not.
    say(client, personas.jabar, "answer", answer.pk, "Lampirkan Perda-nya.")
    told = (
        notices()
        .filter(kind=Notice.Kind.DISCUSSION_MESSAGE)
        .values_list("recipient__email", flat=True)
    )
    assert sorted(told) == sorted([dinkes.email, dinkes.email, admin.email])


def test_mentioning_someone_who_may_not_see_the_item_is_refused_with_the_text_kept(
    client, personas, answer
):
    outsider = personas["gunungmas.admin"]
    body = f"Mohon bantuan @{outsider.email} untuk data ini."
    response = say(client, personas.bekasi_dinkes, "answer", answer.pk, body)
    assert response.status_code == 400
    page = response.content.decode()
    assert "tidak boleh melihat butir ini" in page
    assert outsider.full_name in page
    assert f">{body}</textarea>" in page
    assert 'aria-invalid="true"' in page
    assert not Message.objects.exists() and not Thread.objects.exists()
    assert not notices().exists()
    assert not AuditEntry.objects.filter(action__startswith="discussions.").exists()


def test_the_refusal_comes_back_into_the_page_with_htmx(client, personas, answer):
    client.force_login(personas.bekasi_dinkes)
    response = client.post(
        post_url("answer", answer.pk),
        {"body": "Tanya @bukan.siapa-siapa@contoh.id", "lazy": "1"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<html" not in page
    assert "Tidak ada orang dengan alamat bukan.siapa-siapa@contoh.id." in page
    assert "Tanya @bukan.siapa-siapa@contoh.id</textarea>" in page
    assert not Message.objects.exists()


def test_an_empty_message_is_refused_beside_the_field(client, personas, answer):
    response = say(client, personas.bekasi_dinkes, "answer", answer.pk, "   ")
    assert response.status_code == 400
    assert "Tulis pesan." in response.content.decode()


# ---- editing and withdrawing keep everything -----------------------------------------------


def test_editing_keeps_the_earlier_text_and_tells_people_newly_mentioned(client, personas, answer):
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    say(client, dinkes, "answer", answer.pk, "Perda sudah diunggah.")
    message = Message.objects.get()
    response = client.post(
        reverse("discussions:message_edit", args=[message.pk]),
        {"body": f"Perda dan SK sudah diunggah, @{admin.email}."},
    )
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.body == f"Perda dan SK sudah diunggah, @{admin.email}."
    assert message.edited_at is not None
    assert list(MessageRevision.objects.values_list("body", flat=True)) == ["Perda sudah diunggah."]
    assert notices().get().kind == Notice.Kind.MENTION
    page = client.get(thread_url("answer", answer.pk)).content.decode()
    assert "Teks sebelumnya" in page and "Perda sudah diunggah." in page


def test_an_edit_naming_an_outsider_is_refused_and_keeps_the_message(client, personas, answer):
    say(client, personas.bekasi_dinkes, "answer", answer.pk, "Sudah lengkap.")
    message = Message.objects.get()
    typed = f"Sudah lengkap, @{personas['bekasi.partner'].email}"
    response = client.post(reverse("discussions:message_edit", args=[message.pk]), {"body": typed})
    assert response.status_code == 400
    assert typed in response.content.decode()
    message.refresh_from_db()
    assert message.body == "Sudah lengkap." and not MessageRevision.objects.exists()
    assert not Mention.objects.exists()


def test_withdrawing_keeps_the_row_and_the_thread_says_so(client, personas, answer):
    say(client, personas.bekasi_dinkes, "answer", answer.pk, "Salah kirim.")
    message = Message.objects.get()
    response = client.post(reverse("discussions:message_withdraw", args=[message.pk]))
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.withdrawn_at is not None and message.body == "Salah kirim."
    page = client.get(thread_url("answer", answer.pk)).content.decode()
    assert "Ditarik oleh penulisnya" in page
    assert "Salah kirim." not in page
    # A withdrawn message is not changed any more.
    response = client.post(reverse("discussions:message_edit", args=[message.pk]), {"body": "Lagi"})
    assert response.status_code == 400
    assert "Pesan ini sudah ditarik." in response.content.decode()


# ---- the audit ------------------------------------------------------------------------------


def test_every_message_is_audited_and_reads_in_words(client, personas, answer):
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    say(client, dinkes, "answer", answer.pk, f"Mohon dicek @{admin.email}")
    message = Message.objects.get()
    client.post(
        reverse("discussions:message_edit", args=[message.pk]), {"body": "Mohon dicek ulang."}
    )
    client.post(reverse("discussions:message_withdraw", args=[message.pk]))
    entries = list(AuditEntry.objects.filter(action__startswith="discussions.").order_by("pk"))
    assert [e.action for e in entries] == [
        "discussions.message_posted",
        "discussions.message_edited",
        "discussions.message_withdrawn",
    ]
    assert all(e.actor == dinkes and e.region.code == "32.16" for e in entries)
    assert entries[1].before == {"body": f"Mohon dicek @{admin.email}"}
    rows = describe(entries)
    assert [str(r.action) for r in rows] == [
        "Pesan ditulis dalam diskusi",
        "Pesan dalam diskusi diubah",
        "Pesan dalam diskusi ditarik",
    ]
    posted = {str(c.label): c.after for c in rows[0].changes}
    assert posted["Diskusi tentang"] == "T-1.1 · Kabupaten Bekasi"
    assert posted["Disebut"] == admin.full_name
    edited = {str(c.label): (c.before, c.after) for c in rows[1].changes}
    assert edited["Pesan"] == (f"Mohon dicek @{admin.email}", "Mohon dicek ulang.")
    for row in rows:
        for change in row.changes:
            assert "{" not in str(change.after) and "[" not in str(change.after)


# ---- across cycles --------------------------------------------------------------------------


def next_cycle(personas, evaluation):
    """The same instrument's next cycle for Bekasi, T-1 assigned to Dinkes again."""
    from layak.evaluation import actions
    from layak.evaluation.models import Answer, Stage
    from layak.organisations.models import Organisation
    from layak.regions.models import Region

    start = timezone.now() - datetime.timedelta(days=1)
    windows = {}
    for kind in Stage.ORDER:
        windows[kind] = (start, start + datetime.timedelta(days=10))
        start += datetime.timedelta(days=10)
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="Evaluasi Uji Berikutnya",
        instrument=evaluation.version,
        windows=windows,
    )
    (bekasi,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=Region.objects.filter(code="32.16")
    )
    new = Answer.objects.get(assessment=bekasi, question__code="T-1.1")
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=bekasi,
        answers=[new],
        organisations=[Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")],
    )
    return new


def test_the_answers_history_shows_the_same_questions_threads_of_earlier_cycles(
    client, personas, evaluation, answer
):
    say(client, personas.bekasi_dinkes, "answer", answer.pk, "Tahun lalu Perda masih draf.")
    new = next_cycle(personas, evaluation)
    say(client, personas.bekasi_dinkes, "answer", new.pk, "Perda sudah disahkan.")
    assert Thread.objects.count() == 2
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("evaluation:answer_history", args=[new.pk])).content.decode()
    assert "Perda sudah disahkan." in page
    assert "Diskusi pertanyaan ini pada siklus sebelumnya" in page
    assert "Evaluasi Uji" in page and "Tahun lalu Perda masih draf." in page
    # The earlier thread stays with its own answer: the new thread holds only its message.
    client.force_login(personas.bekasi_dinkes)
    new_thread = client.get(thread_url("answer", new.pk)).content.decode()
    assert "Tahun lalu Perda masih draf." not in new_thread
    # Another district's same question never shows.
    client.force_login(personas["gunungmas.admin"])
    assert client.get(reverse("evaluation:answer_history", args=[new.pk])).status_code == 404


def test_earlier_threads_show_only_where_the_reader_may_see_that_answer(
    client, personas, evaluation, answer
):
    from layak.evaluation import actions
    from layak.organisations.models import Organisation

    say(client, personas.bekasi_admin, "answer", answer.pk, "Catatan siklus lalu.")
    new = next_cycle(personas, evaluation)
    # Disdukcapil answers the question in the new cycle only.
    actions.assignments_set(
        actor=personas.bekasi_admin,
        assessment=new.assessment,
        answers=[new],
        organisations=[
            Organisation.objects.get(
                name="Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bekasi"
            )
        ],
    )
    client.force_login(personas["bekasi.disdukcapil"])
    page = client.get(reverse("evaluation:answer_history", args=[new.pk])).content.decode()
    assert "Diskusi pertanyaan ini pada siklus sebelumnya" in page
    assert "Catatan siklus lalu." not in page


# ---- the pages that carry threads -----------------------------------------------------------


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_indicator_page_costs_the_same_whatever_the_discussions(client, personas, evaluation):
    t11, t12 = evaluation.answers["T-1.1"], evaluation.answers["T-1.2"]
    url = reverse("evaluation:indicator", args=[t11.assessment_id, t11.question.indicator_id])
    say(client, personas.bekasi_dinkes, "answer", t11.pk, "Satu.")
    client.force_login(personas.bekasi_admin)
    small = queries(client, url)
    for i in range(5):
        say(client, personas.bekasi_dinkes, "answer", t11.pk, f"Pesan {i}")
        say(client, personas.bekasi_admin, "answer", t12.pk, f"Balasan {i}")
    client.force_login(personas.bekasi_admin)
    assert queries(client, url) == small
    page = client.get(url).content.decode()
    # Each answer's collapsed "Diskusi (n)" with its own count, loaded lazily.
    assert page.count('data-testid="discussion"') == 2
    assert f'id="discussion-answer-{t11.pk}-count" data-testid="discussion-count">6<' in page
    assert f'id="discussion-answer-{t12.pk}-count" data-testid="discussion-count">5<' in page
    assert f'hx-get="{thread_url("answer", t11.pk)}?lazy=1"' in page


def test_the_lazy_thread_is_a_part_with_its_count(client, personas, answer):
    say(client, personas.bekasi_dinkes, "answer", answer.pk, "Sudah.")
    response = client.get(thread_url("answer", answer.pk) + "?lazy=1", HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert "<html" not in page
    assert (
        f'id="discussion-answer-{answer.pk}-count" data-testid="discussion-count" '
        'hx-swap-oob="true">1<' in page
    )


def test_the_verification_page_carries_each_items_discussion(client, personas, evaluation):
    from layak.evaluation.models import Stage
    from layak.evaluation.tests.test_verification import move_to, submit_all

    submit_all(personas, evaluation)
    move_to(evaluation, Stage.Kind.PROVINCE)
    t11 = evaluation.answers["T-1.1"]
    say(client, personas.jabar, "answer", t11.pk, "Perda mana?")
    url = reverse("evaluation:verify", args=[t11.assessment_id, "province"]) + "?indicator=all"
    page = client.get(url).content.decode()
    assert f'id="discussion-answer-{t11.pk}-count" data-testid="discussion-count">1<' in page


def test_a_progress_reports_thread_between_the_office_and_the_secretariat(client, personas):
    from layak.plans import actions
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    report = actions.report_create(
        actor=personas.bekasi_dinkes,
        plan=world.plan,
        organisation=world.dinkes,
        year=2025,
        period=1,
    )
    admin = personas.bekasi_admin
    assert (
        say(
            client, personas.bekasi_dinkes, "report", report.pk, f"@{admin.email} cek ya"
        ).status_code
        == 302
    )
    assert notices().get(recipient=admin).kind == Notice.Kind.MENTION
    client.force_login(admin)
    page = client.get(reverse("plans:report", args=[report.pk])).content.decode()
    assert "cek ya" in page
    for who in ("bekasi.partner", "bekasi.forum", "bekasi.disdukcapil", "gunungmas.admin"):
        client.force_login(personas[who])
        assert client.get(thread_url("report", report.pk)).status_code == 404
    client.force_login(personas.jabar)
    assert client.get(thread_url("report", report.pk)).status_code == 200


def test_a_partner_commitments_thread(client, personas):
    from layak.partners.testing import bekasi_business, ensure_kla, make_commitment

    ensure_kla()
    partner = personas["bekasi.partner"]
    commitment = make_commitment(partner, bekasi_business(), title="Posyandu pabrik")
    assert (
        say(
            client, personas.bekasi_admin, "commitment", commitment.pk, "Mohon lengkapi dana."
        ).status_code
        == 302
    )
    client.force_login(partner)
    page = client.get(reverse("partners:commitment_detail", args=[commitment.pk])).content.decode()
    assert "Mohon lengkapi dana." in page
    assert (
        say(client, partner, "commitment", commitment.pk, "Sudah kami lengkapi.").status_code == 302
    )
    assert notices().get().recipient == personas.bekasi_admin
    for who in ("bekasi.dinkes", "bekasi.forum", "gunungmas.admin"):
        client.force_login(personas[who])
        assert client.get(thread_url("commitment", commitment.pk)).status_code == 404


def test_a_follow_ups_thread_on_its_meeting_page(client, personas):
    from layak.taskforce import actions
    from layak.taskforce.tests.factories import meeting as make_meeting
    from layak.taskforce.tests.factories import office

    admin = personas.bekasi_admin
    meeting = make_meeting(personas)
    follow_up = actions.follow_up_add(
        actor=admin,
        meeting=meeting,
        description="Rekap data imunisasi",
        owner=office("Dinas Kesehatan Kabupaten Bekasi"),
        due_date=datetime.date(2025, 4, 30),
    )
    assert (
        say(
            client,
            personas.bekasi_dinkes,
            "followup",
            follow_up.pk,
            "Data dari puskesmas belum masuk.",
        ).status_code
        == 302
    )
    client.force_login(admin)
    page = client.get(reverse("taskforce:meeting", args=[meeting.pk])).content.decode()
    assert (
        f'id="discussion-followup-{follow_up.pk}-count" data-testid="discussion-count">1<' in page
    )
    client.force_login(personas["gunungmas.admin"])
    assert client.get(thread_url("followup", follow_up.pk)).status_code == 404
    # The district's partner reads the district's follow-ups but does not work on them.
    assert (
        say(client, personas["bekasi.partner"], "followup", follow_up.pk, "Ikut").status_code == 403
    )


def test_the_demo_discusses_the_item_the_province_returned(personas, evaluation):
    from layak.discussions import demo
    from layak.evaluation import verification
    from layak.evaluation.models import Stage
    from layak.evaluation.tests.test_verification import move_to, submit_all

    submit_all(personas, evaluation)
    move_to(evaluation, Stage.Kind.PROVINCE)
    t21 = evaluation.answers["T-2.1"]
    verification.verify_return(actor=personas.jabar, answer=t21, reason="Data belum lengkap")
    demo.seed_demo()
    thread = Thread.objects.get()
    assert thread.item_id == t21.pk
    authors = list(thread.messages.values_list("author__email", flat=True))
    assert authors == [
        personas["bekasi.disdukcapil"].email,
        personas.bekasi_admin.email,
        personas.jabar.email,
    ]
    assert notices().filter(recipient=personas.jabar, kind=Notice.Kind.MENTION).exists()
    demo.seed_demo()  # a second run changes nothing
    assert Message.objects.count() == 3


def test_the_thread_page_costs_the_same_whatever_its_length(client, personas, answer):
    dinkes, admin = personas.bekasi_dinkes, personas.bekasi_admin
    say(client, dinkes, "answer", answer.pk, f"@{admin.email} satu")
    client.force_login(admin)
    url = thread_url("answer", answer.pk)
    small = queries(client, url)
    for i in range(6):
        say(client, dinkes, "answer", answer.pk, f"@{admin.email} pesan {i}")
        client.post(
            reverse("discussions:message_edit", args=[Message.objects.last().pk]),
            {"body": f"pesan {i} diubah"},
        )
    client.force_login(admin)
    assert queries(client, url) == small


def test_an_edit_in_the_page_redraws_the_whole_thread(client, personas, answer):
    say(client, personas.bekasi_dinkes, "answer", answer.pk, "Sudah.")
    message = Message.objects.get()
    url = reverse("discussions:message_edit", args=[message.pk])
    form = client.get(url + "?lazy=1", HTTP_HX_REQUEST="true").content.decode()
    assert f'hx-target="#message-{message.pk}"' in form and 'name="lazy"' in form
    response = client.post(url, {"body": "Sudah lengkap.", "lazy": "1"}, HTTP_HX_REQUEST="true")
    assert response["HX-Retarget"] == f"#discussion-answer-{answer.pk}"
    assert "Sudah lengkap." in response.content.decode()
    refused = client.post(url, {"body": " ", "lazy": "1"}, HTTP_HX_REQUEST="true")
    assert "HX-Retarget" not in refused and "Tulis pesan." in refused.content.decode()


def test_the_people_to_tell_are_offered_and_a_choice_is_checked(client, personas, answer):
    dinkes, admin, jabar = personas.bekasi_dinkes, personas.bekasi_admin, personas.jabar
    client.force_login(dinkes)
    page = client.get(thread_url("answer", answer.pk)).content.decode()
    offered = page.split('data-testid="mention-choices"', 1)[1].split("</fieldset>", 1)[0]
    assert admin.full_name in offered and jabar.full_name in offered
    for outsider in ("gunungmas.admin", "bekasi.partner", "bekasi.forum", "verifier.kalteng"):
        assert personas[outsider].full_name not in offered
    assert dinkes.full_name not in offered  # not oneself
    response = client.post(
        post_url("answer", answer.pk), {"body": "Mohon dicek.", "mention": [str(admin.pk)]}
    )
    assert response.status_code == 302
    assert list(Message.objects.get().mentioned.all()) == [admin]
    assert notices().get().recipient == admin
    # A choice sent for someone outside (not offered) is refused like a typed one.
    outsider = personas["gunungmas.admin"]
    response = client.post(
        post_url("answer", answer.pk),
        {"body": "Lagi.", "mention": [str(jabar.pk), str(outsider.pk)]},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert f"{outsider.full_name} tidak boleh melihat butir ini" in page
    assert f'value="{jabar.pk}" checked' in page
    assert Message.objects.count() == 1
