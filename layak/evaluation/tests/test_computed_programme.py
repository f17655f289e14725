"""The evaluation's answers computed from the programme's own records: the task force's
meetings (KL-2) and the partners' accepted commitments (KL-3), counted for the year before
the cycle's self-assessment opens, prefilled and linked, never typed."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from layak.evaluation import actions as ev
from layak.evaluation.actions import EvaluationError
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Answer, Stage
from layak.evaluation.scores import answer_points
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion
from layak.partners import actions as pa
from layak.partners.testing import bekasi_business, make_commitment
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture
def kla(personas):
    bundled_load()
    version = InstrumentVersion.objects.get(framework__code="kla24", number=1)
    cycle = ev.cycle_create(
        actor=personas.ministry,
        name="Evaluasi KLA uji",
        instrument=version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (assessment,) = ev.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[Region.objects.get(code="32.16")]
    )
    return assessment


def answer(assessment, computed):
    return Answer.objects.select_related("question").get(
        assessment=assessment, question__computed=computed
    )


def test_partner_count_follows_accepted_commitments_of_the_evaluated_year(personas, kla):
    year = timezone.localdate().year - 1  # the cycle opens now: it looks at last year
    kl3 = answer(kla, "partner_count")
    assert kl3.question.indicator.code == "KL-3"
    assert kl3.value == {"number": "0"}
    partner = personas["bekasi.partner"]
    this_year = make_commitment(
        partner,
        bekasi_business(),
        starts_on=datetime.date(year + 1, 1, 1),
        ends_on=datetime.date(year + 1, 12, 31),
    )
    last_year = make_commitment(
        partner,
        bekasi_business(),
        title="Beasiswa anak",
        starts_on=datetime.date(year, 3, 1),
        ends_on=datetime.date(year, 12, 31),
    )
    for c in (this_year, last_year):
        pa.commitment_submit(actor=partner, commitment=c)
    # Submitted is not enough.
    kl3.refresh_from_db()
    assert kl3.value == {"number": "0"}
    pa.commitment_accept(actor=personas.bekasi_admin, commitment=this_year)
    pa.commitment_accept(actor=personas.bekasi_admin, commitment=last_year)
    kl3.refresh_from_db()
    assert kl3.value == {"number": "1"}  # one partner with a commitment running last year
    assert str(year) in kl3.note
    assert answer_points(kl3) > Decimal(0)
    # Typing it is refused.
    with pytest.raises(EvaluationError, match="tidak diisi secara manual"):
        ev.answer_save(
            actor=personas.bekasi_admin,
            answer=kl3,
            revision=kl3.revision,
            value={"number": "9"},
            note="",
        )


def test_the_card_links_to_the_partner_totals(client, personas, kla):
    kl3 = answer(kla, "partner_count")
    client.force_login(personas.bekasi_admin)
    page = client.get(
        reverse("evaluation:indicator", args=[kla.pk, kl3.question.indicator_id])
    ).content.decode()
    year = timezone.localdate().year - 1
    assert f"{reverse('partners:totals')}?region=32.16&amp;year={year}" in page


def test_meeting_count_follows_meetings_held_in_the_evaluated_year(personas, kla):
    from layak.taskforce import actions as tf
    from layak.taskforce.tests.factories import decree, meeting, member

    year = timezone.localdate().year - 1
    kl2 = answer(kla, "gt_meetings")
    assert kl2.question.indicator.code == "KL-2" and kl2.value == {"number": "0"}
    sk = decree(personas, start=datetime.date(year - 1, 1, 15))
    member(personas, sk, "Dedi Supriatna", "chair")
    held = meeting(personas, date=datetime.date(year, 3, 13))
    meeting(personas, date=datetime.date(year + 1, 2, 10))  # another year
    kl2.refresh_from_db()
    assert kl2.value == {"number": "0"}  # no attendance recorded yet
    marks = {a.pk: (True, "M") for a in held.attendances.all()}
    tf.attendance_record(actor=personas.bekasi_admin, meeting=held, marks=marks)
    kl2.refresh_from_db()
    assert kl2.value == {"number": "1"}
    # 1 to 4 meetings earn half the points.
    assert answer_points(kl2) == kl2.question.max_points / 2


def test_a_percentage_question_is_offered_the_districts_indicator_data(client, personas, kla):
    from layak.indicators.tests.helpers import definitions, put

    year = timezone.localdate().year - 1
    definitions()
    put(personas.bekasi_admin, "births", "32.16", str(year), 800)
    put(personas.bekasi_admin, "births_facility", "32.16", str(year), 760)
    answer = Answer.objects.select_related("question").get(assessment=kla, question__code="K3-12.1")
    client.force_login(personas.bekasi_admin)
    url = reverse("evaluation:indicator", args=[kla.pk, answer.question.indicator_id])
    page = client.get(url).content.decode()
    start = page.index('data-testid="prefill"')
    block = page[start : page.index("</div>", start)]
    assert "95" in block and f"year={year}" in block  # 760 / 800 = 95 %
    # "Use this value" saves it through the ordinary answer save, with the source in the note.
    client.post(
        reverse("evaluation:answer_save", args=[answer.pk]),
        {"revision": answer.revision, "number": "95,00", "note": f"From {year}"},
    )
    answer.refresh_from_db()
    assert answer.value == {"number": "95"}
    page = client.get(url).content.decode()
    start = page.index('data-testid="prefill"')
    assert "Gunakan nilai ini" not in page[start : page.index("</div>", start)]
