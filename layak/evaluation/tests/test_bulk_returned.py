"""An item the district returned is not sent back by "submit all ready items" until the office
has worked on it since: sending it back untouched is a decision for its own card."""

from __future__ import annotations

import pytest

from layak.evaluation import actions, bulk
from layak.evaluation.models import Answer
from layak.evaluation.tests.test_workflow import fresh

pytestmark = pytest.mark.django_db


def test_a_returned_item_is_ready_again_only_once_it_was_worked_on(client, personas, evaluation):
    capil, admin = personas["bekasi.disdukcapil"], personas.bekasi_admin
    answer = evaluation.answers["T-2.1"]
    client.force_login(capil)
    client.post(f"/evaluation/answers/{answer.pk}/save/", {"revision": 0, "number": "75"})
    client.post(f"/evaluation/answers/{answer.pk}/submit/")
    actions.answer_return(actor=admin, answer=fresh(answer), reason="Lampirkan sumber data")
    assert fresh(answer).status == Answer.Status.RETURNED
    # Untouched since its return: not offered, and "submit all" leaves it.
    assert bulk.readiness(capil, evaluation.bekasi).ready == 0
    page = client.get("/evaluation/my-items/").content.decode()
    assert 'data-testid="bulk-submit"' not in page and "Lampirkan sumber data" in page
    assert not bulk.submit_ready(actor=capil, assessment=evaluation.bekasi).done
    assert fresh(answer).status == Answer.Status.RETURNED
    # Corrected on its card: ready again, and sent with the others.
    returned = fresh(answer)
    client.post(
        f"/evaluation/answers/{answer.pk}/save/",
        {"revision": returned.revision, "number": "76", "note": "Sumber: Profil Kesehatan"},
    )
    assert bulk.readiness(capil, evaluation.bekasi).ready == 1
    page = client.get("/evaluation/my-items/").content.decode()
    assert "Ajukan semua 1 butir yang siap" in page
    assert len(bulk.submit_ready(actor=capil, assessment=evaluation.bekasi).done) == 1
    assert fresh(answer).status == Answer.Status.SUBMITTED


def test_submit_all_is_not_offered_once_the_self_assessment_has_closed(
    client, personas, evaluation
):
    """My items are kept per data stamp; the window is read at each request: once the
    self-assessment closes, "submit all" is no longer offered, and the page says why."""
    from layak.evaluation.models import Stage
    from layak.testing import move_stages

    capil = personas["bekasi.disdukcapil"]
    answer = evaluation.answers["T-2.1"]
    client.force_login(capil)
    client.post(f"/evaluation/answers/{answer.pk}/save/", {"revision": 0, "number": "75"})
    page = client.get("/evaluation/my-items/").content.decode()
    assert "Ajukan semua 1 butir yang siap" in page and 'data-testid="submit-closed"' not in page
    # No data changes: only the clock passes the deadline.
    move_stages(evaluation.cycle, Stage.Kind.PROVINCE)
    page = client.get("/evaluation/my-items/").content.decode()
    assert 'data-testid="bulk-submit"' not in page
    assert (
        "Evaluasi Uji · Kabupaten Bekasi: tahap evaluasi mandiri sudah ditutup; butir tidak "
        "dapat diubah atau diajukan lagi kecuali kementerian membukanya kembali untuk "
        "kabupaten/kota ini."
    ) in " ".join(page.split())
