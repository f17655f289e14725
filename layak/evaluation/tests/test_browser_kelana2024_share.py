"""A kecamatan evaluation on the KELANA 2024 instrument, run by the regency through the pages,
feeds the regency's KLA 2024 self-assessment: the district administrator starts the cycle and
adds Cikarang Utara; its operator answers and submits; the district agrees and determines; the
regency's share of kecamatan with a Forum Anak Kecamatan (KD-25.2) follows, with its note."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from layak.evaluation import actions
from layak.evaluation.demo import windows_open_at
from layak.evaluation.models import Assessment, Cycle, Stage
from layak.evaluation.tests.test_browser_cycles import shot
from layak.evaluation.tests.test_browser_village_journey import card, set_windows
from layak.frameworks.actions import bundled_load
from layak.frameworks.models import InstrumentVersion
from layak.regions.models import Region
from layak.testing import make_personas, sign_in, sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_a_determined_kecamatan_feeds_the_regencys_kla2024_share(page, tmp_path):
    personas = make_personas()
    bundled_load()
    bekasi = Region.objects.get(code="32.16")
    kecamatan = Region.objects.below(bekasi).filter(level=3, is_active=True).count()
    # The ministry's KLA 2024 cycle, with Bekasi's self-assessment open.
    kla = actions.cycle_add_districts(
        actor=personas.ministry,
        cycle=actions.cycle_create(
            actor=personas.ministry,
            name="KLA 2026",
            instrument=InstrumentVersion.objects.get(framework__code="kla2024"),
            windows=windows_open_at(Stage.Kind.SELF_ASSESSMENT),
        ),
        regions=[bekasi],
    )[0]
    today = timezone.localdate()
    day = datetime.timedelta(days=1)

    # The district starts a KELANA 2024 cycle and adds Cikarang Utara.
    sign_in(page, personas.bekasi_admin.email)
    page.goto("/evaluation/")
    page.get_by_test_id("start-kelana").click()
    page.get_by_label("Nama").fill("KELANA Bekasi 2026")
    kelana = InstrumentVersion.objects.get(framework__code="kelana2024")
    page.get_by_label("Instrumen").select_option(value=str(kelana.pk))
    page.locator("input[name=self_opens]").fill((today - day).isoformat())
    page.locator("input[name=self_closes]").fill((today + 5 * day).isoformat())
    page.locator("input[name=district_opens]").fill((today + 6 * day).isoformat())
    page.locator("input[name=district_closes]").fill((today + 9 * day).isoformat())
    page.get_by_role("button", name="Simpan").click()
    expect(page.locator("h1")).to_have_text("KELANA Bekasi 2026")
    cycle = Cycle.objects.get(name="KELANA Bekasi 2026")
    assert cycle.instrument.framework.code == "kelana2024"
    page.get_by_test_id("add-regions").locator("input[name=codes]").fill("32.16.09")
    page.get_by_role("button", name="Tambahkan ke siklus").click()
    expect(page.locator(".message.success")).to_contain_text("1 wilayah ditambahkan")
    sign_out(page)
    (assessment,) = Assessment.objects.filter(cycle=cycle)

    # The kecamatan operator answers: a Forum Anak Kecamatan, yes; the rest, no; each item
    # with the document it must carry.
    sign_in(page, personas["bekasi.kecamatan"].email)
    page.goto("/evaluation/my-items/")
    page.locator(f"a[href^='/evaluation/assessments/{assessment.pk}/indicators/']").first.click()
    expect(card(page, "KD-25.2")).to_contain_text("Apakah kecamatan memiliki Forum Anak Kecamatan?")
    shot(page, "kelana2024-kecamatan")
    codes = list(cycle.instrument.questions.order_by("order").values_list("code", flat=True))
    required = set(
        cycle.instrument.questions.filter(evidence_requirements__required=True).values_list(
            "code", flat=True
        )
    )
    for code in codes:
        item = card(page, code)
        item.get_by_role("radio", name=re.compile(r"^(Ya|Tidak)\b")).nth(
            0 if code == "KD-25.2" else 1
        ).check()
        expect(item.locator(".message.success")).to_be_visible()
        if code in required:
            document = tmp_path / f"Dokumen {code}.pdf"
            document.write_bytes(PDF + code.encode())
            item.locator("input[type=file]").set_input_files(str(document))
            item.get_by_role("button", name="Unggah", exact=True).click()
            expect(card(page, code).get_by_test_id("evidence-list")).to_contain_text(
                f"Dokumen {code}"
            )
        card(page, code).locator("form[action$='/submit/'] button").click()
        expect(card(page, code).get_by_test_id("status")).to_have_text("Diajukan")
    page.goto(f"/evaluation/assessments/{assessment.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(page.locator(".message.success")).to_contain_text("kabupaten/kota")
    sign_out(page)

    # The district agrees with every item and determines the kecamatan's result.
    sign_in(page, personas.bekasi_admin.email)
    set_windows(page, cycle.pk, district_open=True)
    page.goto(f"/evaluation/assessments/{assessment.pk}/verify/district/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form[action$='agree-rest/'] button").click()
    expect(page.locator(".message.success")).to_be_visible()
    page.goto(f"/evaluation/assessments/{assessment.pk}/")
    page.get_by_test_id("determine-link").click()
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator("form#determine button").click()
    expect(page.get_by_test_id("final")).to_contain_text("Belum layak")

    # The regency's KLA 2024 self-assessment shows the computed share with its note.
    indicator = kla.cycle.instrument.indicators.get(code="KD-25")
    page.goto(f"/evaluation/assessments/{kla.pk}/indicators/{indicator.pk}/")
    forum = card(page, "KD-25.2")
    expect(forum.get_by_test_id("computed")).to_be_visible()
    share = 100 / kecamatan
    expect(forum.locator("input[name=number]")).to_have_value(
        re.compile(rf"^{int(share)}[,.]{round(share % 1 * 100):02d}$")
    )
    expect(forum.locator("input[name=number]")).to_be_disabled()
    expect(forum.locator("textarea[name=note]")).to_have_value(
        f"Dihitung otomatis oleh Layak: 1 dari {kecamatan} kecamatan menjawab “Ya” pada "
        "evaluasi terakhir yang ditetapkan."
    )
    # Its score follows the bands: below 20 % of kecamatan earns a fifth of 1,25.
    expect(forum.get_by_test_id("points")).to_contain_text("0,25 / 1,25")
    # A share the recap leaves to the offices stays typed.
    expect(card(page, "KD-25.6").get_by_test_id("computed")).to_have_count(0)
    for width in (390, 1366):
        page.set_viewport_size({"width": width, "height": 900})
        shot(page, f"kelana2024-share-{width}")
