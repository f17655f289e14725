"""At the national KLA 2024 size, in Chromium: the secretariat gives a whole cluster to an
office, the office fills its questions and submits every ready one at once (one is refused, with
the reason), the secretariat accepts an indicator after its preview."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from playwright.sync_api import expect

from layak.evaluation.models import Answer
from layak.evaluation.tests.test_kla2024_lists import choosable, group, new_cycle, office
from layak.frameworks.actions import version_publish
from layak.frameworks.kla2024 import kla2024
from layak.frameworks.spec import build_version
from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def card(page, code):
    return page.get_by_test_id(f"answer-{code}")


def test_a_cluster_assigned_filled_submitted_at_once_and_an_indicator_accepted(page):
    personas = make_personas()
    version = version_publish(actor=personas.ministry, version=build_version(kla2024()))
    bekasi, _gm = new_cycle(personas, version, "Evaluasi KLA 2026")
    base = f"/evaluation/assessments/{bekasi.pk}"
    k1 = group(version, "K1")
    dinkes = office("Dinas Kesehatan")
    # Two questions of one indicator that need no document, and one that asks for a document.
    by_indicator: dict[int, list[Answer]] = defaultdict(list)
    for answer in choosable(bekasi, "K1", evidence=False):
        by_indicator[answer.question.indicator_id].append(answer)
    indicator, (first, second, *_rest) = next(
        (pk, answers) for pk, answers in by_indicator.items() if len(answers) >= 2
    )
    needs_document = choosable(bekasi, "K1", evidence=True)[0]

    # The secretariat gives the whole of Klaster I to Dinkes.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/assign/")
    cluster = page.locator(f"#group-{k1.pk}")
    cluster.get_by_text("Seluruh klaster ke perangkat daerah yang sama").click()
    cluster.locator(f"input[name='grp-{k1.pk}'][value='{dinkes.pk}']").check()
    cluster.get_by_label(re.compile("Tugaskan setiap pertanyaan klaster ini")).check()
    page.get_by_role("button", name="Simpan penugasan").click()
    page.wait_for_url(re.compile(rf"{base}/$"))
    expect(page.locator(".message.success")).to_contain_text("Penugasan disimpan")
    # The assessment page, filtered by office, lists the cluster's questions only.
    page.get_by_label("Perangkat daerah", exact=True).select_option(str(dinkes.pk))
    page.get_by_role("button", name="Saring").click()
    expect(page.get_by_test_id("group")).to_have_count(1)
    expect(page.get_by_test_id("group")).to_contain_text(k1.name)
    sign_out(page)

    # Dinkes answers three questions on their indicators' pages, then submits all at once.
    sign_in(page, personas.bekasi_dinkes.email)
    for answer in (first, second, needs_document):
        page.goto(f"{base}/indicators/{answer.question.indicator_id}/")
        code = answer.question.code
        card(page, code).locator("input[name=option]").first.check()
        expect(card(page, code).locator(".message.success")).to_be_visible()
    page.goto("/evaluation/my-items/")
    # The third lacks its required document: the button offers two and says why.
    expect(page.get_by_test_id("not-ready")).to_contain_text(
        "1 butir yang sudah diisi belum dapat diajukan: jawaban atau dokumen wajib belum lengkap."
    )
    page.get_by_role("button", name="Ajukan semua 2 butir yang siap").click()
    expect(page.get_by_test_id("done-count")).to_have_text("2 butir diajukan.")
    refused = page.get_by_test_id("refused")
    expect(refused).to_contain_text("1 butir ditolak")
    expect(refused).to_contain_text(needs_document.question.code)
    expect(refused).to_contain_text("Lampirkan terlebih dahulu data dukung yang wajib")
    sign_out(page)

    # The secretariat opens the indicator's preview from the assessment page and accepts.
    sign_in(page, personas.bekasi_admin.email)
    page.goto(f"{base}/?status=submitted#questions")
    page.locator(f"#ind-{indicator}").get_by_test_id("accept-indicator").click()
    preview = page.get_by_test_id("preview")
    expect(preview).to_contain_text(first.question.code)
    expect(preview).to_contain_text(second.question.code)
    expect(page.get_by_test_id("preview-count")).to_contain_text("2 butir yang diajukan")
    assert not Answer.objects.filter(status=Answer.Status.ACCEPTED).exists()
    page.get_by_role("button", name="Terima 2 butir").click()
    expect(page.get_by_test_id("done-count")).to_have_text("2 butir diterima.")
    accepted = Answer.objects.filter(assessment=bekasi, status=Answer.Status.ACCEPTED)
    assert set(accepted.values_list("pk", flat=True)) == {first.pk, second.pk}
    # Reloading the result shows it again; it does not accept a second time.
    page.reload()
    expect(page.get_by_test_id("done-count")).to_have_text("2 butir diterima.")
    expect(page.get_by_test_id("refused")).to_have_count(0)
