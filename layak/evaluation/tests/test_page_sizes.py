"""No page of the evaluation's journey is over 200 KB of HTML at the real instrument's size
(KLA 2024, 274 questions), for the district administrator, an office operator and the province
verifier: long lists are grouped, filtered and paged."""

from __future__ import annotations

from decimal import Decimal

import pytest

from layak import authz
from layak.evaluation import actions, demo, verification
from layak.evaluation.models import Answer, Stage
from layak.evaluation.tests.test_kla2024_lists import QUESTIONS, new_cycle
from layak.evaluation.views.verification import VERIFY_PAGE
from layak.frameworks.actions import version_publish
from layak.frameworks.kla2024 import kla2024
from layak.frameworks.models import Indicator
from layak.frameworks.spec import build_version
from layak.testing import move_stages

pytestmark = pytest.mark.django_db
K = Stage.Kind
LIMIT = 200_000


def sizes(client, urls: list[str]) -> dict[str, int]:
    out = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        out[url] = len(response.content)
    return out


def test_no_page_of_the_journey_is_over_200_kb_at_274_questions(client, personas):
    users = personas.users
    admin, dinkes, jabar = users["bekasi.admin"], users["bekasi.dinkes"], users["verifier.jabar"]
    version = version_publish(actor=personas.ministry, version=build_version(kla2024()))
    bekasi, _gm = new_cycle(personas, version, "Evaluasi KLA 2026")
    demo._assign(admin, bekasi)  # the proposed offices confirmed, as the demo does it
    url = f"/evaluation/assessments/{bekasi.pk}/"
    everything = Answer.objects.filter(assessment=bekasi)
    assert everything.count() == QUESTIONS

    def indicator_pages(user) -> list[str]:
        seen = Answer.objects.for_user(user, authz.Action.VIEW).filter(assessment=bekasi)
        ids = Indicator.objects.filter(pk__in=seen.values("question__indicator_id"))
        return [f"{url}indicators/{pk}/" for pk in ids.values_list("pk", flat=True)]

    def answering() -> list[str]:
        return [url, f"{url}?status=empty", "/evaluation/my-items/"]

    measured: dict[str, int] = {}
    # The office before it answers: every card of its pages open for writing.
    client.force_login(dinkes)
    measured |= sizes(client, [*answering(), *indicator_pages(dinkes)])
    # Every answer given with its documents and submitted by the offices; half accepted.
    operators = {"Dinkes": dinkes, "Disdukcapil": users["bekasi.disdukcapil"]}
    operators["Forum Anak"] = users["bekasi.forum"]
    demo._fill(bekasi, admin, operators, strength=0.6, share=1, accept_share=0.5, evidence={})
    some = (
        Answer.objects.for_user(dinkes, authz.Action.VIEW)
        .filter(assessment=bekasi)
        .exclude(value={})
        .first()
    )
    history = f"/evaluation/answers/{some.pk}/history/"
    measured |= sizes(client, [url, history])
    client.force_login(admin)
    journey = [*answering(), *indicator_pages(admin), history, f"{url}scores/", f"{url}gaps/"]
    measured |= sizes(client, [*journey, f"{url}assign/", "/evaluation/"])
    # Submitted; the province verifier half way through, one item sent back.
    for answer in everything.filter(status=Answer.Status.SUBMITTED):
        actions.answer_accept(actor=admin, answer=answer)
    actions.assessment_submit(actor=admin, assessment=bekasi)
    move_stages(bekasi.cycle, K.PROVINCE)
    scored = list(everything.filter(question__max_points__gt=0).order_by("question__order"))
    verification.verify_item(
        actor=jabar, answer=scored[0], stage=K.PROVINCE, points=Decimal(0), reason="Belum ada"
    )
    verification.verify_return(actor=jabar, answer=scored[1], reason="Lampirkan data terbaru")
    for answer in scored[2 : QUESTIONS // 2]:
        verification.verify_item(actor=jabar, answer=answer, stage=K.PROVINCE)
    measured |= sizes(client, journey)
    client.force_login(jabar)
    verify = f"{url}verify/province/"
    statuses = [f"{verify}?status={s.value}" for s in verification.ItemState]
    measured |= sizes(
        client,
        [
            "/evaluation/verify/",
            verify,
            f"{verify}?indicator=all",
            *statuses,
            *[f"{verify}?indicator={pk}" for pk in Indicator.objects.filter(version=version)],
            url,
            f"{url}scores/",
        ],
    )
    # All the items at once are paged; a decision leads back to the page that holds the item.
    html = client.get(f"{verify}?indicator=all").content.decode()
    assert html.count('class="card answer"') == VERIFY_PAGE
    pages = -(-QUESTIONS // VERIFY_PAGE)
    assert f"Pertanyaan 1–{VERIFY_PAGE} dari {QUESTIONS}" in html
    assert f"Halaman 1 dari {pages}" in html
    deep = scored[QUESTIONS // 2 + 5]
    response = client.post(f"/evaluation/answers/{deep.pk}/verify/province/", {"decision": "agree"})
    back = response["Location"]
    assert back.endswith(f"&at={deep.pk}#item-{deep.pk}"), back
    html = client.get(back.split("#")[0]).content.decode()
    assert f'id="item-{deep.pk}"' in html
    over = {page: n for page, n in measured.items() if n > LIMIT}
    assert not over, over
