"""The cycle pages: a district starts the evaluation of its own kecamatan and villages; the
words follow the cycle's level; adding regions says what was added and what was not, and why;
the overview shows where each assessment stands and its result as it stands, and leads to the
final determination; the lists are searched and paged."""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

import pytest
from django.utils import formats, timezone

from layak.audit.models import AuditEntry
from layak.evaluation import verification
from layak.evaluation.models import Assessment, Cycle, Stage
from layak.evaluation.tests.test_scores import add_districts
from layak.evaluation.tests.test_verification import move_to, submit_all
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion
from layak.regions.models import Region

pytestmark = pytest.mark.django_db
K = Stage.Kind


def kelana() -> InstrumentVersion:
    bundled_load()
    return InstrumentVersion.objects.get(
        framework__code="kelana2024", status=InstrumentVersion.Status.PUBLISHED
    )


def windows(kinds: list[str]) -> dict[str, str]:
    today = timezone.localdate()
    data = {}
    for i, kind in enumerate(kinds):
        data[f"{kind}_opens"] = (today + datetime.timedelta(days=30 * i - 1)).isoformat()
        data[f"{kind}_closes"] = (today + datetime.timedelta(days=30 * i + 28)).isoformat()
    return data


def start_kelana(client, name: str = "Evaluasi KELANA Bekasi 2026") -> Cycle:
    """The district administrator starts a kecamatan cycle through the form."""
    version = kelana()
    form = client.get("/evaluation/cycles/new/?level=3")
    assert form.status_code == 200
    response = client.post(
        "/evaluation/cycles/new/",
        {
            "level": "3",
            "district": Region.objects.get(code="32.16").pk,
            "name": name,
            "instrument": version.pk,
            **windows([K.SELF_ASSESSMENT, K.DISTRICT]),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    return Cycle.objects.get(name=name)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_a_district_starts_a_kecamatan_cycle_and_adds_its_kecamatan(client, personas):
    client.force_login(personas.bekasi_admin)
    listing = client.get("/evaluation/").content.decode()
    assert "Mulai evaluasi kecamatan (KELANA)" in listing
    cycle = start_kelana(client)
    created = AuditEntry.objects.get(action="cycle.created", object_id=str(cycle.pk))
    assert created.region.code == "32.16" and created.actor == personas.bekasi_admin

    page = text_of(client.get(f"/evaluation/cycles/{cycle.pk}/"))
    assert "Kecamatan peserta" in page and "Dijalankan oleh Kabupaten Bekasi" in page
    assert "Kabupaten/kota peserta" not in page

    response = client.post(f"/evaluation/cycles/{cycle.pk}/districts/", {"codes": "32.16"})
    assert response.status_code == 302
    kecamatan = Region.objects.filter(parent__code="32.16", level=3, is_active=True)
    assert Assessment.objects.filter(cycle=cycle).count() == kecamatan.count() > 0
    message = text_of(client.get(f"/evaluation/cycles/{cycle.pk}/"))
    assert f"{kecamatan.count()} wilayah ditambahkan" in message
    assert kecamatan.order_by("code").first().name in message

    # The district changes its own cycle's windows.
    form = client.get(f"/evaluation/cycles/{cycle.pk}/windows/")
    assert form.status_code == 200


def test_another_district_neither_sees_nor_changes_a_district_cycle(client, personas):
    client.force_login(personas.bekasi_admin)
    cycle = start_kelana(client)
    client.force_login(personas.gm_admin)
    assert "Evaluasi KELANA Bekasi 2026" not in client.get("/evaluation/").content.decode()
    assert client.get(f"/evaluation/cycles/{cycle.pk}/").status_code == 404
    response = client.post(f"/evaluation/cycles/{cycle.pk}/districts/", {"codes": "62.10"})
    assert response.status_code == 404
    assert not Assessment.objects.filter(cycle=cycle).exists()
    # The province above and the ministry see it.
    for person in (personas.jabar, personas.ministry):
        client.force_login(person)
        assert client.get(f"/evaluation/cycles/{cycle.pk}/").status_code == 200


def test_a_district_cannot_start_a_regency_cycle(client, personas):
    bundled_load()
    client.force_login(personas.bekasi_admin)
    page = client.get("/evaluation/cycles/new/?level=2").content.decode()
    assert "Kabupaten/kota (KLA)" not in page  # only kecamatan and villages are offered
    national = InstrumentVersion.objects.filter(
        framework__region_level=2, status=InstrumentVersion.Status.PUBLISHED
    ).first()
    response = client.post(
        "/evaluation/cycles/new/",
        {
            "level": "2",
            "district": Region.objects.get(code="32.16").pk,
            "name": "Evaluasi KLA Bekasi",
            "instrument": national.pk,
            **windows(Stage.order_for(2)),
        },
    )
    assert response.status_code == 200
    assert not Cycle.objects.filter(name="Evaluasi KLA Bekasi").exists()
    # Others who do not manage a district still get a 403.
    client.force_login(personas.bekasi_dinkes)
    assert client.get("/evaluation/cycles/new/?level=3").status_code == 403


def test_codes_that_cannot_be_added_are_named_with_the_reason_and_nothing_is_added(
    client, personas
):
    client.force_login(personas.bekasi_admin)
    cycle = start_kelana(client)
    typed = "32.16.01, 99.99, 62.10.01, 32.16.01.2001"
    response = client.post(f"/evaluation/cycles/{cycle.pk}/districts/", {"codes": typed})
    assert response.status_code == 400
    page = text_of(response)
    assert "Tidak ada yang ditambahkan" in page
    assert "99.99 (tidak ada wilayah dengan kode ini)" in page
    assert "62.10.01 (" in page and "di luar kabupaten/kota Anda" in page
    assert "32.16.01.2001 (" in page and "di bawah tingkat yang dievaluasi siklus ini" in page
    assert "32.16.01 (" not in page
    assert typed in response.content.decode()  # what was typed stays in the form
    assert not Assessment.objects.filter(cycle=cycle).exists()
    # Added again after a correction; a second time it says they already take part.
    client.post(f"/evaluation/cycles/{cycle.pk}/districts/", {"codes": "32.16.01"})
    client.post(f"/evaluation/cycles/{cycle.pk}/districts/", {"codes": "32.16.01"})
    page = text_of(client.get(f"/evaluation/cycles/{cycle.pk}/"))
    assert "Sudah ikut, jadi tidak ditambahkan lagi" in page
    assert Assessment.objects.filter(cycle=cycle).count() == 1


def test_the_regency_cycle_says_regencies_and_cities(client, personas, evaluation):
    client.force_login(personas.ministry)
    page = text_of(client.get(f"/evaluation/cycles/{evaluation.cycle.pk}/"))
    assert "Kabupaten/kota peserta" in page and "Kecamatan peserta" not in page
    assert "Dijalankan oleh kementerian" in page


def test_after_the_determination_the_overview_shows_the_final_result(client, personas, evaluation):
    ev = evaluation
    submit_all(personas, ev)
    move_to(ev, K.PROVINCE)
    verification.verify_item(
        actor=personas.jabar,
        answer=ev.answers["T-1.1"],
        stage=K.PROVINCE,
        points=Decimal(15),
        reason="Baru SK, belum Perda",
    )
    url = f"/evaluation/cycles/{ev.cycle.pk}/"
    client.force_login(personas.ministry)
    page = text_of(client.get(url))
    assert "Verifikasi administrasi provinsi" in page and "sementara" in page
    move_to(ev, K.FINAL)
    # The ministry is led to the determination from the overview; the district is not.
    body = client.get(url).content.decode()
    link = f"/evaluation/assessments/{ev.bekasi.pk}/scores/#determine"
    assert link in body
    client.force_login(personas.bekasi_admin)
    assert link not in client.get(url).content.decode()

    client.force_login(personas.ministry)
    client.post(f"/evaluation/assessments/{ev.bekasi.pk}/determine/")
    ev.bekasi.refresh_from_db()
    assert ev.bekasi.determined_at is not None
    page = text_of(client.get(url))
    row = page[page.index("Kabupaten Bekasi") :]
    row = row[: row.index("Kabupaten Gunung Mas")] if "Kabupaten Gunung Mas" in row else row
    assert "Ditetapkan" in row and "Diajukan" not in row
    from layak.core.numbers import format_points

    total = format_points(ev.bekasi.final_total)  # points as every page writes them: 85,00
    assert f" {total} " in f" {row} " and ev.bekasi.final_band.name in row
    assert link not in client.get(url).content.decode()


def test_the_ministry_searches_and_pages_every_assessment(client, personas, evaluation):
    add_districts(personas, evaluation, 60)
    client.force_login(personas.ministry)
    first = client.get("/evaluation/")
    body = first.content.decode()
    assert body.count('data-testid="assessment-row"') == 50
    assert "62 penilaian" in text_of(first)
    second = client.get("/evaluation/?page=2").content.decode()
    assert second.count('data-testid="assessment-row"') == 12
    by_name = client.get("/evaluation/", {"q": "Uji 59"}).content.decode()
    assert by_name.count('data-testid="assessment-row"') == 1 and "Kabupaten Uji 59" in by_name
    by_code = client.get("/evaluation/", {"q": "32.16"}).content.decode()
    assert by_code.count('data-testid="assessment-row"') == 1 and "Kabupaten Bekasi" in by_code
    detail = client.get(f"/evaluation/cycles/{evaluation.cycle.pk}/", {"q": "99.0"}).content
    assert detail.decode().count('data-testid="assessment-row"') == 9


def test_the_status_search_follows_where_assessments_stand(client, personas, evaluation):
    submit_all(personas, evaluation)
    client.force_login(personas.ministry)
    submitted = client.get("/evaluation/", {"status": "submitted"}).content.decode()
    assert submitted.count('data-testid="assessment-row"') == 1 and "Kabupaten Bekasi" in submitted
    in_progress = client.get("/evaluation/", {"status": "in_progress"}).content.decode()
    assert "Kabupaten Gunung Mas" in in_progress and "Kabupaten Bekasi" not in in_progress


def test_a_cycle_loaded_with_results_only_shows_its_predicates(client, personas):
    from layak.dashboards import demo

    bundled_load()
    demo.seed_demo()
    cycle = Cycle.objects.get(name=demo.CYCLE_NAME)
    assessment = (
        Assessment.objects.filter(cycle=cycle, final_band__rank__gt=0)
        .select_related("region", "final_band")
        .first()
    )
    client.force_login(personas.ministry)
    page = text_of(client.get(f"/evaluation/cycles/{cycle.pk}/", {"q": assessment.region.code}))
    assert "0 / 0" not in page and "Ditetapkan" in page
    assert assessment.final_band.name in page
    assert f"{assessment.final_total:.2f}".replace(".", ",") in page


def test_cycle_pages_cost_the_same_queries_for_few_or_many_assessments(
    client, personas, evaluation, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(personas.ministry)
    urls = ["/evaluation/", f"/evaluation/cycles/{evaluation.cycle.pk}/"]

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            for url in urls:
                assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    add_districts(personas, evaluation, 2)
    few = queries()
    add_districts(personas, evaluation, 40)
    assert queries() == few


def test_the_api_lists_a_district_cycle_only_within_its_reach(client, personas):
    from layak.api.actions import token_create

    client.force_login(personas.bekasi_admin)
    cycle = start_kelana(client)
    client.logout()
    for person, sees in ((personas.bekasi_admin, True), (personas.gm_admin, False)):
        token = token_create(actor=person, name="uji", days=30)[1]
        listed = client.get("/api/v1/cycles", HTTP_AUTHORIZATION=f"Bearer {token}").json()
        assert (cycle.pk in {c["id"] for c in listed}) is sees


def test_a_district_closing_its_own_window_early_is_told_how_to_let_the_late_ones_submit(
    client, personas
):
    client.force_login(personas.bekasi_admin)
    cycle = start_kelana(client)
    client.post(f"/evaluation/cycles/{cycle.pk}/districts/", {"codes": "32.16"})
    today = timezone.localdate()
    data = windows([K.SELF_ASSESSMENT, K.DISTRICT])
    data[f"{K.SELF_ASSESSMENT}_opens"] = (today - datetime.timedelta(days=10)).isoformat()
    data[f"{K.SELF_ASSESSMENT}_closes"] = (today - datetime.timedelta(days=1)).isoformat()
    response = client.post(f"/evaluation/cycles/{cycle.pk}/windows/", data, follow=True)
    page = text_of(response)
    assert "belum mengajukan" in page
    # The change closed a stage that was open: said, with its last day.
    last = formats.date_format(today - datetime.timedelta(days=1), "j M Y")
    assert f"“Evaluasi mandiri” kini ditutup (hari terakhirnya {last})" in page
    assert "“Verifikasi oleh kabupaten/kota” kini ditutup" not in page
    # The district has no reopen form of its own: it is sent to the windows it can change.
    assert "lewat “Ubah jadwal tahap”" in page
    assert "dari halaman penilaiannya" not in page


def test_no_region_joins_a_cycle_whose_stages_are_all_over(client, personas):
    """Last year's cycle, every stage closed: the page offers no "Tambahkan wilayah" and a
    posted list is refused with the reason; no assessment is made."""
    from layak.testing import make_cycle, move_stages

    ev = make_cycle(personas)
    Region.objects.create(
        code="32.04",
        name="Kabupaten Bandung",
        level=2,
        kind="kabupaten",
        parent=Region.objects.get(code="32"),
    )
    client.force_login(personas.ministry)
    url = f"/evaluation/cycles/{ev.cycle.pk}/"
    assert 'data-testid="add-regions"' in client.get(url).content.decode()
    move_stages(ev.cycle, Stage.Kind.FINAL)
    past = timezone.now() - datetime.timedelta(days=1)
    ev.cycle.stages.filter(kind=Stage.Kind.FINAL).update(closes_at=past)
    page = client.get(url).content.decode()
    assert 'data-testid="add-regions"' not in page
    assert 'data-testid="regions-closed"' in page
    response = client.post(f"{url}districts/", {"codes": "32.04"}, follow=True)
    assert "Semua tahap siklus ini sudah ditutup: tidak ada wilayah yang dapat bergabung lagi." in (
        text_of(response)
    )
    assert not Assessment.objects.filter(cycle=ev.cycle, region__code="32.04").exists()
