"""The assessment's own pages at the national KLA 2024 size (274 questions, 31 indicators, 7
clusters): grouped by cluster and indicator, filtered by status, office and text, in a fixed
number of queries and under 200 KB; assignment per cluster, the proposal per cluster and the
copy from last year's cycle; bulk submission and bulk acceptance with every refusal listed."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils.html import escape
from django.utils.text import Truncator

from layak.audit.models import AuditEntry
from layak.evaluation import actions, listing
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, AnswerRevision, Assignment, Stage
from layak.frameworks.actions import version_publish
from layak.frameworks.kla2024 import kla2024
from layak.frameworks.models import Group, Indicator, Question
from layak.frameworks.spec import build_version
from layak.organisations.actions import organisation_set_active
from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.testing import BEKASI, GUNUNG_MAS

pytestmark = pytest.mark.django_db

QUESTIONS = 274


def office(name: str) -> Organisation:
    return Organisation.objects.get(name=f"{name} Kabupaten Bekasi")


def new_cycle(personas, version, name: str):
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name=name,
        instrument=version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    return actions.cycle_add_districts(
        actor=personas.ministry,
        cycle=cycle,
        regions=Region.objects.filter(code__in=[BEKASI, GUNUNG_MAS]).order_by("code"),
    )


@pytest.fixture
def kla(personas):
    version = version_publish(actor=personas.ministry, version=build_version(kla2024()))
    bekasi, gm = new_cycle(personas, version, "Evaluasi KLA 2026")
    return SimpleNamespace(version=version, bekasi=bekasi, gm=gm)


def group(version, code: str) -> Group:
    return Group.objects.get(version=version, code=code)


def assign_url(assessment) -> str:
    return f"/evaluation/assessments/{assessment.pk}/assign/"


def page_url(assessment) -> str:
    return f"/evaluation/assessments/{assessment.pk}/"


def assign_cluster(client, assessment, cluster: Group, organisation: Organisation):
    """The administrator gives a whole cluster to one office on the assignment page."""
    shown = {
        f"shown-{pk}": "1"
        for pk in Indicator.objects.filter(group=cluster).values_list("pk", flat=True)
    }
    return client.post(
        assign_url(assessment),
        {**shown, f"whole-{cluster.pk}": "1", f"grp-{cluster.pk}": [organisation.pk]},
    )


def choosable(assessment, cluster_code: str, *, evidence: bool) -> list[Answer]:
    """Typed single-choice or yes/no answers of a cluster, with or without required evidence."""
    answers = (
        Answer.objects.filter(
            assessment=assessment,
            question__indicator__group__code=cluster_code,
            question__kind__in=[Question.Kind.SINGLE, Question.Kind.YES_NO],
            question__computed="",
        )
        .select_related("question")
        .order_by("question__indicator__order", "question__order")
    )
    return [
        a
        for a in answers
        if a.question.evidence_requirements.filter(required=True).exists() == evidence
    ]


def fill(client, answer: Answer) -> None:
    """The office answers on the indicator page's form (its first option)."""
    option = answer.question.options.order_by("-points").first()
    answer.refresh_from_db()
    response = client.post(
        f"/evaluation/answers/{answer.pk}/save/",
        {"revision": answer.revision, "option": option.pk},
    )
    assert response.status_code in (200, 302)
    answer.refresh_from_db()
    assert answer.value, answer.question.code


@pytest.fixture
def k1_to_dinkes(client, personas, kla):
    """Klaster I given to Dinkes; Dinkes answers three questions, one of which asks for a
    document it has not attached."""
    client.force_login(personas.bekasi_admin)
    assert assign_cluster(client, kla.bekasi, group(kla.version, "K1"), office("Dinas Kesehatan"))
    plain = choosable(kla.bekasi, "K1", evidence=False)
    needs_document = choosable(kla.bekasi, "K1", evidence=True)
    client.force_login(personas.bekasi_dinkes)
    filled = [*plain[:2], needs_document[0]]
    for answer in filled:
        fill(client, answer)
    return SimpleNamespace(ready=plain[:2], refused=needs_document[0], filled=filled)


def test_a_whole_cluster_is_assigned_at_once_then_one_question_adjusted(client, personas, kla):
    client.force_login(personas.bekasi_admin)
    k1 = group(kla.version, "K1")
    dinkes, dinsos = office("Dinas Kesehatan"), office("Dinas Sosial")
    response = assign_cluster(client, kla.bekasi, k1, dinkes)
    assert response.status_code == 302
    active = Assignment.objects.filter(answer__assessment=kla.bekasi, is_active=True)
    k1_answers = Answer.objects.filter(assessment=kla.bekasi, question__indicator__group=k1)
    assert set(active.values_list("answer", flat=True)) == set(
        k1_answers.values_list("pk", flat=True)
    )
    assert set(active.values_list("organisation", flat=True)) == {dinkes.pk}
    # One audited change for the whole cluster, in words on the assessment's history.
    (entry,) = AuditEntry.objects.filter(action="assignment.changed")
    assert len(entry.after["assignments"]) == k1_answers.count()
    # The page ticks the cluster's office; the indicator's own form adjusts one question.
    page = client.get(assign_url(kla.bekasi)).content.decode()
    assert f'name="grp-{k1.pk}" value="{dinkes.pk}" checked' in page
    first, *rest = k1_answers.filter(
        question__indicator__order=k1_answers.first().question.indicator.order
    ).order_by("question__order")
    indicator = first.question.indicator_id
    form = client.get(f"{assign_url(kla.bekasi)}?indicator={indicator}").content.decode()
    assert f'name="q-{first.pk}"' in form and 'name="q-' in form
    response = client.post(
        f"{assign_url(kla.bekasi)}?indicator={indicator}",
        {
            f"shown-{indicator}": "1",
            f"sep-{indicator}": "1",
            f"q-{first.pk}": [dinsos.pk],
            **{f"q-{a.pk}": [dinkes.pk] for a in rest},
        },
    )
    assert response.status_code == 302
    assert set(active.filter(answer=first).values_list("organisation", flat=True)) == {dinsos.pk}
    # The other clusters were not touched by the indicator's form.
    assert active.count() == k1_answers.count()
    # The main page now shows that indicator as assigned per question, and keeps it on saving.
    page = client.get(assign_url(kla.bekasi)).content.decode()
    assert f'name="keep-{indicator}"' in page
    # Another district's administrator does not reach the page.
    client.force_login(personas.gm_admin)
    assert assign_cluster(client, kla.bekasi, k1, dinkes).status_code == 404


def rows(html: str) -> int:
    return html.count('data-testid="question-row"')


def test_the_assessment_page_lists_every_question_by_cluster_and_indicator_and_filters_them(
    client, personas, kla, k1_to_dinkes
):
    client.force_login(personas.bekasi_admin)
    html = client.get(page_url(kla.bekasi)).content.decode()
    assert html.count('data-testid="group"') == 7
    assert html.count('data-testid="indicator"') == 31
    assert rows(html) == QUESTIONS
    # Counts by state on each cluster, in words, and in the filter's labels.
    # Computed answers (meetings, partners, kecamatan shares) carry a value from the start.
    answers = Answer.objects.filter(assessment=kla.bekasi)
    empty = answers.filter(status=Answer.Status.DRAFT, value={}).count()
    assert empty == QUESTIONS - 3 - answers.exclude(question__computed="").count()
    assert f"Belum diisi ({empty})" in html and f"Draf ({QUESTIONS - empty})" in html
    assert "3 draf" in html  # the cluster of the three answers typed
    dinkes = office("Dinas Kesehatan")
    k1 = Answer.objects.filter(assessment=kla.bekasi, question__indicator__group__code="K1")
    assert f'<option value="{dinkes.pk}">Dinkes ({k1.count()})</option>' in html
    assert f"Belum ditugaskan ke perangkat daerah mana pun ({QUESTIONS - k1.count()})" in html
    # By status: the three drafts only, the filter kept in its form.
    html = client.get(page_url(kla.bekasi), {"status": "draft"}).content.decode()
    assert rows(html) == QUESTIONS - empty
    assert f"{QUESTIONS - empty} pertanyaan cocok dengan saringan." in html
    html = client.get(page_url(kla.bekasi), {"status": "draft", "q": "K1-"}).content.decode()
    assert rows(html) == 3
    # The cluster still counts all its items, whatever the filter lists.
    k1_total = answers.filter(question__indicator__group__code="K1").count()
    assert f"0 dari {k1_total} diajukan atau diterima" in html
    assert '<option value="draft" selected>' in html
    # By office and text: the links to another status keep the office and the text.
    code = k1_to_dinkes.ready[0].question.code
    html = client.get(
        page_url(kla.bekasi), {"office": dinkes.pk, "q": code.lower()}
    ).content.decode()
    assert (
        rows(html)
        == Answer.objects.filter(assessment=kla.bekasi, question__code__icontains=code).count()
    )
    assert f'value="{code.lower()}"' in html
    assert f'href="?status=submitted&amp;office={dinkes.pk}&amp;q={code.lower()}#questions"' in html
    # By the question's text.
    word = "Puskesmas"
    html = client.get(page_url(kla.bekasi), {"q": word}).content.decode()
    assert (
        rows(html)
        == Answer.objects.filter(assessment=kla.bekasi, question__text__icontains=word).count()
        > 0
    )
    # Unassigned questions; nothing at all.
    html = client.get(page_url(kla.bekasi), {"office": "none"}).content.decode()
    assert rows(html) == QUESTIONS - k1.count()
    html = client.get(page_url(kla.bekasi), {"q": "tidak-ada-kode-ini"}).content.decode()
    assert rows(html) == 0 and "Tidak ada pertanyaan yang cocok dengan saringan." in html
    # An office sees only its own questions.
    client.force_login(personas.bekasi_dinkes)
    html = client.get(page_url(kla.bekasi)).content.decode()
    assert rows(html) == k1.count() and html.count('data-testid="group"') == 1


def test_the_assessment_page_costs_a_fixed_number_of_queries_and_stays_under_200_kb(
    client, personas, kla, k1_to_dinkes, django_assert_max_num_queries
):
    client.force_login(personas.bekasi_admin)
    url = page_url(kla.bekasi)
    client.get(url)  # the session and caches warmed

    def measure(params=None, *, kept: bool = False) -> tuple[int, int]:
        if not kept:
            listing.forget()  # drawn afresh: the page's whole cost
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, params or {})
        # The session's savepoints aside: the page's own reads.
        reads = [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]]
        return len(reads), len(response.content)

    few, size = measure()
    assert size < 200_000, size
    # Drawn again for the same data, reader and filter: kept, far fewer queries.
    again, _size = measure(kept=True)
    assert again < few - 10, (again, few)
    # More answers in more states, assignments to more offices: the same number of queries.
    client.force_login(personas.bekasi_dinkes)
    client.post(f"/evaluation/assessments/{kla.bekasi.pk}/submit-ready/")
    client.force_login(personas.bekasi_admin)
    assign_cluster(client, kla.bekasi, group(kla.version, "K2"), office("Dinas Sosial"))
    assign_cluster(client, kla.bekasi, group(kla.version, "KL"), office("Dinas Pendidikan"))
    client.get(url)
    many, size = measure()
    assert many == few and size < 200_000, (few, many, size)
    narrowed = {"status": "submitted", "office": office("Dinas Kesehatan").pk}
    filtered, _size = measure(narrowed)
    assert filtered == few
    assert measure(narrowed, kept=True)[0] == again
    # The page's pin: whatever the number of questions and answers, never more than this.
    with django_assert_max_num_queries(40):
        client.get(url, {"q": "K1", "status": "draft"})


def test_an_office_submits_all_its_ready_items_and_each_refusal_is_listed(
    client, personas, kla, k1_to_dinkes
):
    client.force_login(personas.bekasi_dinkes)
    mine = client.get("/evaluation/my-items/").content.decode()
    assert "Ajukan semua 2 butir yang siap" in mine
    assert "1 butir yang sudah diisi belum dapat diajukan" in mine
    html = client.get(page_url(kla.bekasi)).content.decode()
    # The third lacks its required document: the page says so instead of offering it.
    assert "Ajukan semua 2 butir yang siap" in html
    response = client.post(f"/evaluation/assessments/{kla.bekasi.pk}/submit-ready/")
    # The result is shown after a redirect: reloading it shows the same, and submits nothing.
    assert response.status_code == 302
    result_url = response["Location"]
    assert result_url.startswith(f"/evaluation/assessments/{kla.bekasi.pk}/bulk/")
    html = client.get(result_url).content.decode()
    assert "2 butir diajukan." in html and "1 butir ditolak" in html
    revisions = AnswerRevision.objects.count()
    again = client.get(result_url).content.decode()
    assert "2 butir diajukan." in again and "1 butir ditolak" in again
    assert AnswerRevision.objects.count() == revisions
    refused = k1_to_dinkes.refused
    refused.refresh_from_db()
    reason = "Lampirkan terlebih dahulu data dukung yang wajib"
    assert re.search(rf"{re.escape(refused.question.code)}</a>.*{reason}", html)
    assert refused.status == Answer.Status.DRAFT
    # Each submitted item went through the single-item action: its revision and audit entry.
    for answer in k1_to_dinkes.ready:
        answer.refresh_from_db()
        assert answer.status == Answer.Status.SUBMITTED
        assert AnswerRevision.objects.filter(answer=answer, action="submitted").exists()
        assert AuditEntry.objects.filter(
            action="answer.submitted", object_id=str(answer.pk)
        ).exists()
    # Only the refused one is left, and it still cannot go: no button, the reason instead.
    mine = client.get("/evaluation/my-items/").content.decode()
    assert 'data-testid="bulk-submit"' not in mine
    assert "1 butir yang sudah diisi belum dapat diajukan" in mine
    # The result is the session's own: the administrator, who reaches the assessment, gets 404.
    client.force_login(personas.bekasi_admin)
    assert client.get(result_url).status_code == 404
    # A reader answers nothing: refused; another district's administrator does not reach it.
    client.force_login(personas.bekasi_regent)
    assert client.post(f"/evaluation/assessments/{kla.bekasi.pk}/submit-ready/").status_code == 403
    client.force_login(personas.gm_admin)
    assert client.post(f"/evaluation/assessments/{kla.bekasi.pk}/submit-ready/").status_code == 404


def test_the_secretariat_accepts_an_indicator_after_a_preview_and_sees_what_was_refused(
    client, personas, kla, k1_to_dinkes
):
    client.force_login(personas.bekasi_dinkes)
    client.post(f"/evaluation/assessments/{kla.bekasi.pk}/submit-ready/")
    first, second = k1_to_dinkes.ready
    client.force_login(personas.bekasi_admin)
    html = client.get(page_url(kla.bekasi)).content.decode()
    cluster = first.question.indicator.group
    accept = f"/evaluation/assessments/{kla.bekasi.pk}/accept/"
    assert f'href="{accept}?group={cluster.pk}"' in html
    # The preview of the cluster lists both submitted items and accepts nothing yet.
    preview = client.get(accept, {"group": cluster.pk}).content.decode()
    assert first.question.code in preview and second.question.code in preview
    assert "2 butir yang diajukan akan diterima" in preview
    assert not Answer.objects.filter(status=Answer.Status.ACCEPTED).exists()
    # Meanwhile one is returned; confirming accepts the other and lists the refusal.
    actions.answer_return(actor=personas.bekasi_admin, answer=second, reason="Kurang lengkap")
    response = client.post(
        accept, {"group": cluster.pk, "answer": [first.pk, second.pk]}, follow=True
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain[0][0].startswith(
        f"/evaluation/assessments/{kla.bekasi.pk}/bulk/"
    )
    assert "1 butir diterima." in html and "1 butir ditolak" in html
    reason = "Hanya data yang sudah diajukan yang dapat diterima"
    assert re.search(rf"{re.escape(second.question.code)}</a>.*{reason}", html)
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Answer.Status.ACCEPTED, Answer.Status.RETURNED)
    assert AuditEntry.objects.filter(action="answer.accepted", object_id=str(first.pk)).exists()
    # An item of another indicator or cluster posted by hand is not taken.
    other = (
        Answer.objects.filter(assessment=kla.bekasi)
        .exclude(question__indicator__group=cluster)
        .first()
    )
    response = client.post(accept, {"group": cluster.pk, "answer": [other.pk]}, follow=True)
    assert "0 butir diterima." in response.content.decode()
    # By indicator: the preview of an indicator with nothing submitted says so.
    preview = client.get(accept, {"indicator": first.question.indicator_id}).content.decode()
    assert "Tidak ada butir yang menunggu pemeriksaan di sini." in preview
    # Scope: an office is refused; another district's administrator gets 404, and so does an
    # indicator of another instrument.
    client.force_login(personas.bekasi_dinkes)
    assert client.get(accept, {"group": cluster.pk}).status_code == 403
    client.force_login(personas.gm_admin)
    assert client.get(accept, {"group": cluster.pk}).status_code == 404
    client.force_login(personas.bekasi_admin)
    assert client.get(accept, {"group": 999999}).status_code == 404
    assert client.get(accept).status_code == 404


def test_assignments_are_copied_from_last_years_cycle_and_lost_offices_listed(
    client, personas, kla
):
    client.force_login(personas.bekasi_admin)
    # There is no earlier cycle yet.
    page = client.get(assign_url(kla.bekasi)).content.decode()
    assert "Salin dari siklus tahun lalu" not in page
    # Last year: Klaster I to Dinkes, Klaster II to Dinas Sosial; this year a new cycle.
    assign_cluster(client, kla.bekasi, group(kla.version, "K1"), office("Dinas Kesehatan"))
    assign_cluster(client, kla.bekasi, group(kla.version, "K2"), office("Dinas Sosial"))
    (bekasi, _gm) = new_cycle(personas, kla.version, "Evaluasi KLA 2027")
    # Dinas Sosial has since been closed.
    organisation_set_active(
        actor=personas.bekasi_admin, organisation=office("Dinas Sosial"), active=False
    )
    page = client.get(assign_url(bekasi)).content.decode()
    assert "Salin penugasan Evaluasi KLA 2026" in page
    response = client.post(assign_url(bekasi), {"copy": "1"}, follow=True)
    html = response.content.decode()
    k1 = Answer.objects.filter(assessment=bekasi, question__indicator__group__code="K1")
    k2 = Answer.objects.filter(assessment=bekasi, question__indicator__group__code="K2")
    assert f"{k1.count()} pertanyaan ditugaskan ke perangkat daerah yang menanganinya" in html
    assert (
        f"Tidak disalin: Dinas Sosial Kabupaten Bekasi sudah tidak ada di kabupaten/kota ini "
        f"({k2.count()} pertanyaan)" in html
    )
    active = Assignment.objects.filter(answer__assessment=bekasi, is_active=True)
    assert set(active.values_list("answer", flat=True)) == set(k1.values_list("pk", flat=True))
    assert set(active.values_list("organisation__acronym", flat=True)) == {"Dinkes"}
    # Through the same audited action as by hand.
    assert (
        AuditEntry.objects.filter(action="assignment.changed", object_id=str(bekasi.pk)).count()
        == 1
    )
    # Only the district's administrator copies.
    client.force_login(personas.bekasi_dinkes)
    assert client.post(assign_url(bekasi), {"copy": "1"}).status_code == 403
    assert active.count() == k1.count()


def test_the_proposal_is_reviewed_cluster_by_cluster(client, personas, kla):
    from layak.evaluation import proposal

    client.force_login(personas.bekasi_admin)
    p = proposal.propose(kla.bekasi)
    dinkes = office("Dinas Kesehatan")
    clusters = [g for g, offices in p.by_group if any(o == dinkes for o, _a in offices)]
    assert len(clusters) > 1
    kept, left = clusters[0], clusters[1]
    page = client.get(assign_url(kla.bekasi)).content.decode()
    assert f'name="pair" value="{kept.pk}-{dinkes.pk}" checked' in page
    # Dinkes kept everywhere but in one cluster.
    pairs = [f"{g.pk}-{o.pk}" for g, offices in p.by_group for o, _a in offices if g != left]
    client.post(
        assign_url(kla.bekasi),
        {"proposal": "1", "by_group": "1", "proposed": [dinkes.pk], "pair": pairs},
    )
    active = Assignment.objects.filter(answer__assessment=kla.bekasi, is_active=True)
    assert set(active.values_list("organisation", flat=True)) == {dinkes.pk}
    assert active.filter(answer__question__indicator__group=kept).exists()
    assert not active.filter(answer__question__indicator__group=left).exists()


def test_a_question_renamed_in_the_new_version_is_matched_by_the_question_it_continues(
    client, personas, evaluation
):
    from layak.frameworks.actions import questions_map
    from layak.testing import small_spec

    spec = small_spec()
    spec.questions[2].code = "T-2.9"  # was T-2.1, given to Disdukcapil last year
    draft = build_version(spec, previous=evaluation.version)
    renamed = draft.questions.get(code="T-2.9")
    old = evaluation.answers["T-2.1"].question
    questions_map(actor=personas.ministry, version=draft, mapping={renamed.pk: old.pk})
    version = version_publish(actor=personas.ministry, version=draft)
    bekasi, _gm = new_cycle(personas, version, "Evaluasi Uji Berikutnya")
    client.force_login(personas.bekasi_admin)
    client.post(assign_url(bekasi), {"copy": "1"})

    def offices(code: str) -> set[str]:
        return set(
            Assignment.objects.filter(
                answer__assessment=bekasi, answer__question__code=code, is_active=True
            ).values_list("organisation__acronym", flat=True)
        )

    assert offices("T-2.9") == offices("T-2.2") == {"Disdukcapil"}
    assert offices("T-1.1") == offices("T-1.2") == {"Dinkes", "DP3A"}


def test_ready_items_are_typed_drafts_and_returned_items_of_the_persons_office(
    client, personas, kla, k1_to_dinkes
):
    from layak.evaluation import bulk

    ready = set(bulk.ready_to_submit(personas.bekasi_dinkes, kla.bekasi))
    assert ready == set(k1_to_dinkes.filled)
    # Another office has nothing ready here; an empty draft never is.
    assert not bulk.ready_to_submit(personas["bekasi.disdukcapil"], kla.bekasi).exists()
    client.force_login(personas.bekasi_dinkes)
    client.post(f"/evaluation/assessments/{kla.bekasi.pk}/submit-ready/")
    # A returned item is ready again once the office worked on it (the rules then say whether
    # it can go); untouched since its return, it goes only from its own card.
    returned = k1_to_dinkes.ready[0]
    actions.answer_return(actor=personas.bekasi_admin, answer=returned, reason="Perbaiki")
    assert set(bulk.ready_to_submit(personas.bekasi_dinkes, kla.bekasi)) == {k1_to_dinkes.refused}
    back = Answer.objects.get(pk=returned.pk)
    actions.answer_save(
        actor=personas.bekasi_dinkes,
        answer=back,
        value=back.value,
        note="Sudah diperbaiki",
        revision=back.revision,
    )
    ready = set(bulk.ready_to_submit(personas.bekasi_dinkes, kla.bekasi))
    assert ready == {returned, k1_to_dinkes.refused}
    result = bulk.submit_ready(actor=personas.bekasi_dinkes, assessment=kla.bekasi)
    assert result.done == [returned] and [a for a, _r in result.refused] == [k1_to_dinkes.refused]


def test_the_submit_all_button_counts_only_what_the_submit_rule_takes(
    client, personas, kla, k1_to_dinkes, django_assert_max_num_queries
):
    """Three filled-in drafts, one of which lacks its required document: the button offers two
    and says why the third cannot go; submitting all takes exactly those two."""
    from layak import authz
    from layak.evaluation import bulk

    authz.grants(personas.bekasi_dinkes)  # read once a request
    with django_assert_max_num_queries(3):
        found = bulk.readiness(personas.bekasi_dinkes, kla.bekasi)
    assert (found.assessment_id, found.ready, found.incomplete) == (kla.bekasi.pk, 2, 1)
    client.force_login(personas.bekasi_dinkes)
    html = client.get(page_url(kla.bekasi)).content.decode()
    assert "Ajukan semua 2 butir yang siap" in html
    assert (
        "1 butir yang sudah diisi belum dapat diajukan: jawaban atau dokumen wajib belum "
        "lengkap." in html
    )
    result = bulk.submit_ready(actor=personas.bekasi_dinkes, assessment=kla.bekasi)
    assert len(result.done) == found.ready and len(result.refused) == found.incomplete
    html = client.get(page_url(kla.bekasi)).content.decode()
    assert 'data-testid="bulk-submit"' not in html and "1 butir yang sudah diisi" in html


def test_my_items_and_the_assignment_page_cost_a_fixed_number_of_queries(
    client, personas, kla, k1_to_dinkes, django_assert_max_num_queries
):
    client.force_login(personas.bekasi_dinkes)
    with django_assert_max_num_queries(20):
        html = client.get("/evaluation/my-items/").content.decode()
    indicators = Indicator.objects.filter(group__code="K1", group__version=kla.version)
    assert html.count('data-testid="percent"') == indicators.count()
    # Searched by a question's code: its indicator only.
    code = k1_to_dinkes.ready[0].question.code
    html = client.get("/evaluation/my-items/", {"q": code}).content.decode()
    assert html.count('data-testid="percent"') == 1 and f'value="{code}"' in html
    client.force_login(personas.bekasi_admin)
    with django_assert_max_num_queries(25):
        response = client.get(assign_url(kla.bekasi))
    assert len(response.content) < 200_000


def test_a_question_row_opens_its_item_and_shows_its_state_and_offices(
    client, personas, kla, k1_to_dinkes
):
    """Each row: the code linking to the item on its indicator's page, the text shortened, the
    state, the offices; a question nobody answered yet says so instead of "Draf"."""
    client.force_login(personas.bekasi_admin)
    html = client.get(page_url(kla.bekasi)).content.decode()
    typed = Answer.objects.select_related("question").get(pk=k1_to_dinkes.ready[0].pk)
    url = (
        f"/evaluation/assessments/{kla.bekasi.pk}/indicators/{typed.question.indicator_id}/"
        f"?at={typed.pk}#answer-{typed.pk}"
    )
    text = escape(Truncator(typed.question.text).chars(90))
    assert (
        f'<li data-testid="question-row"><a href="{url}">{typed.question.code}</a> {text} '
        '<span class="badge status-draft">Draf</span> <span class="muted">Dinkes</span></li>'
    ) in html
    empty = (
        Answer.objects.filter(
            assessment=kla.bekasi, status=Answer.Status.DRAFT, value={}, assignments=None
        )
        .select_related("question")
        .first()
    )
    text = escape(Truncator(empty.question.text).chars(90))
    assert (
        f'#answer-{empty.pk}">{empty.question.code}</a> {text} '
        '<span class="badge muted">belum diisi</span></li>'
    ) in html
