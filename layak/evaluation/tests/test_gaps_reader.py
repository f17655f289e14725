"""What a district reads on the gap analysis: points written as on every page (two decimals),
counts grouped, a column that says what it counts, and the gate that caps the predicate told in
words beside the cheapest path."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse

from layak.evaluation import actions, cycle_actions
from layak.evaluation.tests.test_verification import submit_all
from layak.reports.tests.test_report_gaps import choose

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    assert response.status_code == 200
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def gate(personas, ev, band: str, reason: str = "Larangan iklan rokok") -> None:
    """The ministry adds a gate on T-2.1 capping the predicate at ``band``."""
    bands = {b.code: b for b in ev.version.bands.all()}
    cycle_actions.gate_add(
        actor=personas.ministry,
        cycle=ev.cycle,
        question=ev.answers["T-2.1"].question,
        max_band=bands[band],
        reason=reason,
    )


def test_the_total_reads_the_same_on_the_assessment_page_and_the_gap_analysis(
    client, personas, evaluation
):
    choose(personas, evaluation, "T-1.1", "SK")  # 15 of 30 points
    client.force_login(personas.bekasi_admin)
    assessment = client.get(reverse("evaluation:assessment", args=[evaluation.bekasi.pk]))
    (standing,) = re.findall(r'data-testid="standing-total">(.*?)<', assessment.content.decode())
    assert standing == "15,00"
    page = text_of(client.get(reverse("evaluation:gaps", args=[evaluation.bekasi.pk])))
    assert "Saat ini: 15,00 — Tidak mendapat predikat." in page
    assert "Pratama memerlukan 35,00 poin lagi." in page
    # Every figure of the table is points: two decimals, the indicators' and the clusters'.
    assert "T-1 Peraturan daerah 15,00 50,00" in page
    assert "Kelembagaan 15,00 50,00" in page


def test_the_columns_say_full_points_not_done(client, personas, evaluation):
    choose(personas, evaluation, "T-1.1", "Perda")  # 30 of 30: at full points, not accepted
    client.force_login(personas.bekasi_admin)
    response = client.get(reverse("evaluation:gaps", args=[evaluation.bekasi.pk]))
    body = response.content.decode()
    assert "<th>Sudah mendapat poin penuh</th>" in body
    assert "<th>Belum mendapat poin penuh</th>" in body
    assert "<th>Selesai</th>" not in body
    row = text_of(response)
    assert "T-1 Peraturan daerah 30,00 50,00 1 pertanyaan" in row


def test_a_gate_below_the_target_is_told_beside_the_path(client, personas, evaluation):
    gate(personas, evaluation, "PRATAMA")
    # Perda by SK, T-2.1 at 60 %, no SK Gugus Tugas: 15 + 0 + 15 + 20 = 50, Pratama.
    submit_all(personas, evaluation, perda="SK", percent="60", evidence=False)
    client.force_login(personas.bekasi_admin)
    page = text_of(client.get(reverse("evaluation:gaps", args=[evaluation.bekasi.pk])))
    assert "Madya memerlukan 11,00 poin lagi." in page
    assert (
        "Syarat batas T-2.1 (Larangan iklan rokok): selama belum terpenuhi, predikat paling "
        "tinggi Pratama, berapa pun poinnya." in page
    )
    assert "Predikat dibatasi" not in page  # Pratama is what the points reach: nothing capped


def test_a_predicate_held_down_by_a_gate_says_so_and_what_the_points_reach(
    client, personas, evaluation
):
    gate(personas, evaluation, "PRATAMA")
    # 30 + 20 + 15 + 20 = 85 would be Utama; T-2.1 short of its maximum holds it at Pratama.
    submit_all(personas, evaluation, perda="Perda", percent="60", evidence=True)
    client.force_login(personas.bekasi_admin)
    page = text_of(client.get(reverse("evaluation:gaps", args=[evaluation.bekasi.pk])))
    assert "Saat ini: 85,00 — Pratama. Predikat dibatasi: Larangan iklan rokok" in page
    # Not "Madya needs 0 more points": the points are there, the gate is what is missing.
    assert "Madya: poinnya sudah cukup; syarat di bawah ini harus dipenuhi terlebih dahulu." in page
    assert "0,00 poin lagi" not in page
    assert "Syarat batas T-2.1 (Larangan iklan rokok)" in page


def rad_assessment(personas, world=None):
    """Bekasi's self-assessment on the instrument of its RAD KLA (``make_plan``, or ``world``
    made already), open now."""
    from layak.evaluation.demo import windows_open_at
    from layak.evaluation.models import Stage
    from layak.plans.tests.helpers import make_plan

    world = world or make_plan(personas)
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="Evaluasi uji",
        instrument=world.plan.version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (assessment,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[world.plan.region]
    )
    return assessment


def sub_activity(personas, world, **fields):
    """A sub-activity of Dinkes under the plan's activity P1.A1, added as the plan's page does."""
    from layak.plans import actions as plans

    return plans.item_save(
        actor=personas.bekasi_admin,
        plan=world.plan,
        item=None,
        parent=world.activity,
        indicator=None,
        budget_code="",
        partners=[],
        baseline=None,
        level="sub_activity",
        ref="P1.A1.S3",
        responsible=world.dinkes,
        **fields,
    )


def test_the_rad_line_groups_the_target_as_every_count(client, personas):
    assessment = rad_assessment(personas)
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("evaluation:gaps", args=[assessment.pk])).content.decode()
    start = page.index('data-testid="plan-K1-4"')
    row = " ".join(re.sub(r"<[^>]+>", " ", page[start : page.index("</td>", start)]).split())
    # 1000 birth certificates: "1.000" as every count is written, not "1000".
    assert "Jemput bola akta kelahiran di desa" in row
    assert "target 1.000 akta" in row
    # The column of who answers an indicator's items names offices and partners alike.
    assert "<th>Dijawab oleh</th>" in page
    # The activity opens its plan's page at the plan's year.
    plan = assessment.region.plans.get(is_active=True)
    link = reverse("plans:detail", args=[plan.pk])
    assert re.search(rf'href="{re.escape(link)}\?year=20\d\d">[^<]*Jemput bola', page[start:])


def test_a_rad_target_in_percent_reads_like_every_percentage(client, personas):
    from layak.evaluation.demo import windows_open_at
    from layak.evaluation.models import Stage
    from layak.plans.tests.helpers import make_plan, years

    world = make_plan(personas)
    # The secretariat adds a sub-activity measured in percent, as the plan's page does.
    sub_activity(
        personas,
        world,
        name="Cakupan persalinan di fasilitas kesehatan",
        performance_indicator="Persalinan di fasilitas kesehatan",
        unit="%",
        years=years(world.plan, "98", "0"),
    )
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="Evaluasi uji",
        instrument=world.plan.version,
        windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
    )
    (assessment,) = actions.cycle_add_districts(
        actor=personas.ministry, cycle=cycle, regions=[world.plan.region]
    )
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("evaluation:gaps", args=[assessment.pk])).content.decode()
    start = page.index('data-testid="plan-K1-4"')
    row = " ".join(re.sub(r"<[^>]+>", " ", page[start : page.index("</td>", start)]).split())
    assert "Cakupan persalinan di fasilitas kesehatan (Dinkes) — target 98%, realisasi —" in row


def test_an_activity_without_a_target_for_the_year_says_so(client, personas):
    """A sub-activity whose year has no target reads "belum ada target untuk tahun ini", not
    "target — unit"."""
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    sub_activity(
        personas,
        world,
        name="Pendataan anak tanpa akta",
        performance_indicator="Anak terdata",
        unit="anak",
        years={},
    )
    assessment = rad_assessment(personas, world)
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("evaluation:gaps", args=[assessment.pk])).content.decode()
    start = page.index('data-testid="plan-K1-4"')
    row = " ".join(re.sub(r"<[^>]+>", " ", page[start : page.index("</td>", start)]).split())
    assert (
        "Pendataan anak tanpa akta (Dinkes) — belum ada target untuk tahun ini, realisasi —" in row
    )
    assert "target —" not in row


def test_a_change_to_the_plan_shows_on_the_gap_page_at_once(client, personas):
    """The page's plan activities are kept with its analysis: a change to the action plan made
    after a first visit (an activity removed) shows on the next one."""
    from layak.plans import actions as plan_actions
    from layak.plans.models import PlanItem

    assessment = rad_assessment(personas)
    client.force_login(personas.bekasi_admin)
    url = reverse("evaluation:gaps", args=[assessment.pk])
    assert "Jemput bola akta kelahiran di desa" in text_of(client.get(url))
    assert "Jemput bola akta kelahiran di desa" in text_of(client.get(url))  # kept
    plan_actions.item_remove(actor=personas.bekasi_admin, item=PlanItem.objects.get(ref="P1.A1.S1"))
    page = text_of(client.get(url))
    assert "Jemput bola akta kelahiran di desa" not in page
    assert "Akta kelahiran di fasilitas kesehatan" in page
