"""The API's scores of an assessment are kept by the region's data version: a save shows at once,
in the reader's language, and a person outside the region still gets 404."""

import datetime
import json
import re
from decimal import Decimal

import pytest
from django.utils import formats, timezone

from layak.api.actions import token_create
from layak.evaluation import scores

pytestmark = pytest.mark.django_db


def bearer(value: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {value}"}


def _self_total(client, url, headers) -> Decimal:
    response = client.get(url, **headers)
    assert response.status_code == 200
    (self_stage,) = [row for row in response.json() if row["stage"] == "self"]
    return Decimal(str(self_stage["total"]))


def test_a_save_shows_in_the_scores_at_once(client, personas, evaluation) -> None:
    admin = bearer(token_create(actor=personas.bekasi_admin, name="uji", days=30)[1])
    dinkes = bearer(token_create(actor=personas.bekasi_dinkes, name="uji", days=30)[1])
    url = f"/api/v1/assessments/{evaluation.bekasi.pk}/scores"
    before = _self_total(client, url, admin)
    assert _self_total(client, url, admin) == before  # kept: the same figure again

    answer = evaluation.answers["T-1.1"]
    option = str(answer.question.options.get(label="Perda").pk)
    body = {"value": {"option": option}, "note": "", "revision": 0}
    saved = client.put(
        f"/api/v1/answers/{answer.pk}", json.dumps(body), content_type="application/json", **dinkes
    )
    assert saved.status_code == 200

    after = _self_total(client, url, admin)
    assert after == before + 30
    evaluation.bekasi.refresh_from_db()
    assert (
        after
        == scores.current_results(evaluation.cycle, [evaluation.bekasi])[evaluation.bekasi.pk].total
    )


def test_scores_speak_the_readers_language_and_stay_in_reach(client, personas, evaluation) -> None:
    url = f"/api/v1/assessments/{evaluation.bekasi.pk}/scores"
    admin = bearer(token_create(actor=personas.bekasi_admin, name="uji", days=30)[1])
    indonesian = client.get(url, **admin).json()[0]["progress"]
    personas.ministry.language = "en"
    personas.ministry.save(update_fields=["language"])
    ministry = bearer(token_create(actor=personas.ministry, name="uji", days=30)[1])
    english = client.get(url, **ministry).json()[0]["progress"]
    assert indonesian != english
    outsider = bearer(token_create(actor=personas.gm_admin, name="uji", days=30)[1])
    assert client.get(url, **outsider).status_code == 404


def test_a_complete_and_a_determined_result_are_said_as_the_pages_say_them(
    client, personas, evaluation
) -> None:
    """A stage whose items are all accepted or verified reads "lengkap", as the scores page says;
    the assessment says when it was determined (the pages' "Ditetapkan"), null before."""
    from layak.evaluation import verification
    from layak.evaluation.models import Stage
    from layak.evaluation.tests.test_verification import (
        agree_and_determine,
        move_to,
        submit_all,
    )

    K = Stage.Kind
    ev = evaluation
    admin = bearer(token_create(actor=personas.bekasi_admin, name="uji", days=30)[1])
    one = f"/api/v1/assessments/{ev.bekasi.pk}"
    assert client.get(one, **admin).json()["determined_at"] is None
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    by_stage = {row["stage"]: row for row in client.get(f"{one}/scores", **admin).json()}
    assert by_stage["self"]["complete"] and by_stage["self"]["progress"] == "lengkap"
    verification.verify_item(actor=personas.jabar, answer=ev.answers["T-1.1"], stage=K.PROVINCE)
    by_stage = {row["stage"]: row for row in client.get(f"{one}/scores", **admin).json()}
    assert not by_stage["province"]["complete"]
    assert "1 dari 4 butir terverifikasi" in by_stage["province"]["progress"]
    verification.verify_agree_rest(actor=personas.jabar, assessment=ev.bekasi, stage=K.PROVINCE)
    agree_and_determine(personas, ev, start=K.MINISTRY)
    determined_at = client.get(one, **admin).json()["determined_at"]
    assert determined_at is not None
    # The assessment page says the same day, in the reader's words and the district's zone.
    day = timezone.localtime(datetime.datetime.fromisoformat(determined_at.replace("Z", "+00:00")))
    client.force_login(personas.bekasi_admin)
    page = client.get(f"/evaluation/assessments/{ev.bekasi.pk}/").content.decode()
    shown = re.findall(r'data-testid="determined-on">([^<]*)<', page)
    assert shown == [formats.date_format(day, "j M Y")]
    assert re.fullmatch(
        r"\d{1,2} (Jan|Feb|Mar|Apr|Mei|Jun|Jul|Agu|Sep|Okt|Nov|Des) \d{4}", shown[0]
    )
    # The self-assessment PDF says the same day, written the same way.
    from layak.reports.tests.test_reports import pdf_text, start

    job = start(client, personas.bekasi_admin, "self_assessment", {"assessment": ev.bekasi.pk})
    assert f"(ditetapkan {shown[0]})" in " ".join(pdf_text(job).split())
    rows = client.get(f"{one}/scores", **admin).json()
    progress = {row["stage"]: row["progress"] for row in rows}
    assert progress == dict.fromkeys(["self", "province", "ministry", "field", "final"], "lengkap")
