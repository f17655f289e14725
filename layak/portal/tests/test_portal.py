"""The public portal: only published sections, no personal data, small counts suppressed,
public documents only, cached but fresh after a publish, light and with fixed query counts."""

from __future__ import annotations

import datetime
import gzip

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from layak.afse.actions import EventData, event_create
from layak.audit.models import AuditEntry
from layak.organisations.models import Organisation
from layak.partners import actions as partner_actions
from layak.partners.testing import bekasi_business, ensure_kla, make_commitment
from layak.portal import actions, privacy
from layak.portal.actions import PortalError
from layak.portal.models import PortalSection, Section
from layak.portal.tests.helpers import attach, current_decree, decree, publish
from layak.regions.models import Region

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
BEKASI = "/public/districts/32.16/"
ALL = list(Section.values)


def page(client, url: str = BEKASI) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return str(response.content.decode())


def add_event(personas, topic: str, *, boys: int = 3, girls: int = 4) -> None:
    dp3a = Organisation.objects.get(
        name="Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi"
    )
    event_create(
        actor=personas.bekasi_admin,
        data=EventData(
            kind="S",
            topic=topic,
            organiser=dp3a,
            starts_on=timezone.localdate() - datetime.timedelta(days=3),
            venue="Aula Kantor Kecamatan Cikarang Utara",
            boys=boys,
            girls=girls,
            men=5,
            women=6,
            target_groups=["children"],
        ),
    )


def add_partner(personas, *, accept: bool = True) -> None:
    ensure_kla()
    partner = personas["bekasi.partner"]
    commitment = make_commitment(partner, bekasi_business())
    if accept:
        partner_actions.commitment_submit(actor=partner, commitment=commitment)
        partner_actions.commitment_accept(actor=personas.bekasi_admin, commitment=commitment)


# ---- suppression -------------------------------------------------------------------------


def test_small_sensitive_counts_are_suppressed_below_the_threshold():
    assert privacy.shown(4, sensitive=True) == "< 5"
    assert privacy.shown(5, sensitive=True) == "5"
    assert privacy.shown(0, sensitive=True) == "0"
    assert privacy.shown(4, sensitive=False) == "4"
    assert privacy.shown(None, sensitive=True) == "—"


def test_the_threshold_comes_from_the_settings(settings):
    settings.PORTAL_SUPPRESS_BELOW = 10
    assert privacy.shown(9, sensitive=True) == "< 10"
    assert privacy.shown(10, sensitive=True) == "10"


# ---- publishing ----------------------------------------------------------------------------


def test_the_district_administrator_publishes_and_withdraws_with_an_audit_entry(personas):
    bekasi = Region.objects.get(code="32.16")
    row = actions.section_set(
        actor=personas.bekasi_admin, region=bekasi, section="taskforce", publish=True
    )
    assert row.is_published and row.published_by == personas.bekasi_admin
    assert AuditEntry.objects.filter(action="portal.published", object_id=str(row.pk)).exists()
    with pytest.raises(PortalError, match="already public"):
        actions.section_set(
            actor=personas.bekasi_admin, region=bekasi, section="taskforce", publish=True
        )
    actions.section_set(
        actor=personas.bekasi_admin, region=bekasi, section="taskforce", publish=False
    )
    row.refresh_from_db()
    assert not row.is_published
    assert AuditEntry.objects.filter(action="portal.withdrawn").count() == 1


@pytest.mark.parametrize("who", ["ministry", "bekasi.dinkes", "bekasi.regent", "gunungmas.admin"])
def test_only_the_districts_own_administrator_publishes(personas, who):
    with pytest.raises(PortalError):
        actions.section_set(
            actor=personas[who],
            region=Region.objects.get(code="32.16"),
            section="evaluation",
            publish=True,
        )
    assert not PortalSection.objects.exists()


def test_unknown_sections_and_non_districts_are_refused(personas):
    with pytest.raises(PortalError):
        actions.section_set(
            actor=personas.bekasi_admin,
            region=Region.objects.get(code="32.16"),
            section="people",
            publish=True,
        )
    with pytest.raises(PortalError):
        actions.section_set(
            actor=personas.bekasi_admin,
            region=Region.objects.get(code="32.16.01"),
            section="plan",
            publish=True,
        )


def test_manage_page_publishes_a_section(client, personas):
    client.force_login(personas.bekasi_admin)
    assert "Task force" in page(client, reverse("portal:manage"))
    response = client.post(reverse("portal:publish", args=["32.16", "taskforce"]), {"publish": "1"})
    assert response.status_code == 302
    assert PortalSection.objects.get(section="taskforce").is_published


# ---- what is shown ---------------------------------------------------------------------------


def test_unpublished_sections_are_not_shown(client, personas):
    today = timezone.localdate()
    current_decree(personas, on=today)
    add_event(personas, "Sosialisasi hak anak di Cikarang")
    add_partner(personas)
    text = page(client)
    assert "463/Kep.15-DP3A/2024" not in text
    assert "Sosialisasi hak anak di Cikarang" not in text
    assert "PT Sinar Cikarang Sejahtera" not in text
    assert "not published anything" in text
    publish(personas, "taskforce")
    text = page(client)
    assert "463/Kep.15-DP3A/2024" in text
    assert "Dinas Kesehatan Kabupaten Bekasi" in text
    assert "Sosialisasi hak anak di Cikarang" not in text
    assert 'data-testid="section-partners"' not in text
    publish(personas, "partners")
    text = page(client)
    assert "Sosialisasi hak anak di Cikarang" in text
    assert "PT Sinar Cikarang Sejahtera" in text


def test_only_accepted_partners_are_listed(client, personas):
    add_partner(personas, accept=False)
    publish(personas, "partners")
    assert "PT Sinar Cikarang Sejahtera" not in page(client)


def test_no_personal_data_on_the_district_page(client, personas):
    today = timezone.localdate()
    current_decree(personas, on=today)
    add_partner(personas)
    partner_actions.contact_create(
        actor=personas.bekasi_admin,
        organisation=bekasi_business(),
        name="Hendra Gunawan",
        phone="0812-3456-7890",
        email="hendra@sinarcikarang.example",
    )
    Organisation.objects.filter(name="Dinas Kesehatan Kabupaten Bekasi").update(
        email="dinkes@bekasikab.example", phone="021-8901234"
    )
    add_event(personas, "Kelas parenting di Tambun")
    publish(personas, *ALL)
    text = page(client)
    assert "Dinas Kesehatan Kabupaten Bekasi" in text  # the organisation, yes
    for personal in (
        "Rahmat Hidayat",
        "Siti Aminah",
        "Yohanes Wibisono",
        "Hendra Gunawan",
        "0812-3456-7890",
        "hendra@sinarcikarang.example",
        "dinkes@bekasikab.example",
        "021-8901234",
        personas.bekasi_admin.email,
        personas.bekasi_admin.get_full_name() or personas.bekasi_admin.email,
    ):
        assert personal not in text, personal
    assert "1 member from outside the registered organisations" in text


def test_the_forum_you_said_page_is_linked(client, personas):
    forum = Organisation.objects.get(name="Forum Anak Kabupaten Bekasi")
    assert reverse("participation:you_said", args=[forum.pk]) in page(client)


def test_public_documents_only(client, personas):
    d = decree(personas)
    public = attach(personas, d, name="SK Gugus Tugas 2016.pdf", public=True)
    private = attach(personas, d, name="Daftar hadir dengan nomor HP.pdf", public=False)
    url = reverse("portal:file", args=[public.pk])
    # Not served before the district publishes the task force section.
    assert client.get(url).status_code == 404
    publish(personas, "taskforce")
    assert client.get(url).status_code == 200
    assert client.get(reverse("portal:file", args=[private.pk])).status_code == 404
    # A public file attached to nothing published is not served either.
    loose = attach(
        personas, decree(personas, number="X/2017", year=2017), name="lain.pdf", public=True
    )
    PortalSection.objects.update(is_published=False)
    assert client.get(reverse("portal:file", args=[loose.pk])).status_code == 404


def test_public_documents_are_listed_private_ones_not(client, personas):
    d = current_decree(personas, on=timezone.localdate())
    attach(personas, d, name="SK Gugus Tugas 2024.pdf", public=True)
    attach(personas, d, name="Daftar hadir dengan nomor HP.pdf", public=False)
    publish(personas, "taskforce")
    text = page(client)
    assert "SK Gugus Tugas 2024.pdf" in text
    assert "Daftar hadir" not in text


def test_home_and_province_show_only_published_predicates(client, personas):
    assert "Jawa Barat" in page(client, reverse("portal:home"))
    text = page(client, reverse("portal:province", args=["32"]))
    assert "Kabupaten Bekasi" in text
    assert "not published" in text
    assert client.get(reverse("portal:district", args=["32.16.01"])).status_code == 404
    assert client.get(reverse("portal:province", args=["32.16"])).status_code == 404


# ---- cache, size and queries -------------------------------------------------------------


def test_a_publish_shows_at_once_despite_the_cache(client, personas):
    current_decree(personas, on=timezone.localdate())
    assert "463/Kep.15-DP3A/2024" not in page(client)
    with CaptureQueriesContext(connection) as ctx:
        page(client)
    assert len(ctx.captured_queries) <= 3  # the data version; the body comes from the cache
    publish(personas, "taskforce")
    assert "463/Kep.15-DP3A/2024" in page(client)
    actions.section_set(
        actor=personas.bekasi_admin,
        region=Region.objects.get(code="32.16"),
        section="taskforce",
        publish=False,
    )
    assert "463/Kep.15-DP3A/2024" not in page(client)


def _queries(client, url: str) -> int:
    from django.core.cache import cache

    cache.clear()
    with CaptureQueriesContext(connection) as ctx:
        page(client, url)
    return len(ctx.captured_queries)


PAGES = ["/public/", "/public/provinces/32/", BEKASI]


@pytest.mark.parametrize("url", PAGES)
def test_pages_are_light_and_cost_fixed_queries(client, personas, url):
    current_decree(personas, on=timezone.localdate())
    add_partner(personas)
    add_event(personas, "Sosialisasi 0")
    publish(personas, *ALL)
    small = _queries(client, url)
    for i in range(1, 25):
        add_event(personas, f"Sosialisasi {i}")
    assert _queries(client, url) == small
    body = client.get(url).content
    assert len(gzip.compress(body)) < 200 * 1024


def test_evaluation_results_show_the_final_points_once_published(client, personas, evaluation):
    from layak.evaluation import verification
    from layak.evaluation.models import Stage
    from layak.evaluation.tests.test_verification import move_to, submit_all

    ev, kind = evaluation, Stage.Kind
    submit_all(personas, ev)
    for stage, who in (
        (kind.PROVINCE, personas.jabar),
        (kind.MINISTRY, personas.ministry),
        (kind.FIELD, personas["assessor"]),
    ):
        move_to(ev, stage)
        verification.verify_agree_rest(actor=who, assessment=ev.bekasi, stage=stage)
    move_to(ev, kind.FINAL)
    verification.assessment_determine(actor=personas.ministry, assessment=ev.bekasi)
    assert "Evaluasi Uji" not in page(client)
    publish(personas, "evaluation")
    text = page(client)
    assert 'data-testid="section-evaluation"' in text
    assert "Evaluasi Uji" in text
    ev.bekasi.refresh_from_db()
    assert f"{ev.bekasi.final_total:.0f}" in text
    province = page(client, reverse("portal:province", args=["32"]))
    assert "Evaluasi Uji" in province


def _published_count(
    personas, code: str, value: int, *, sensitive: bool, of: int | None = None
) -> None:
    """A published indicator of ``value`` (a count; with ``of``, a percentage of it)."""
    from layak.indicators.models import DataElement, DataValue, Indicator, Publication

    bekasi = Region.objects.get(code="32.16")
    element = DataElement.objects.create(
        code=f"el-{code}", name=f"Kasus {code}", cluster="K5", sensitive=sensitive
    )
    denominator = None
    if of is not None:
        denominator = DataElement.objects.create(code=f"dn-{code}", name="Anak", cluster="K5")
        DataValue.objects.create(
            element=denominator,
            region=bekasi,
            period="2025",
            period_start=datetime.date(2025, 1, 1),
            value=of,
            created_by=personas.bekasi_admin,
            updated_by=personas.bekasi_admin,
        )
    indicator = Indicator.objects.create(
        code=code,
        name=f"Anak korban kekerasan yang dilayani ({code})",
        numerator=element,
        denominator=denominator,
        unit="%" if of is not None else "",
        factor=100 if of is not None else 1,
        cluster="K5",
    )
    DataValue.objects.create(
        element=element,
        region=bekasi,
        period="2025",
        period_start=datetime.date(2025, 1, 1),
        value=value,
        dataset="SIMFONI-PPA",
        source_date=datetime.date(2026, 1, 15),
        created_by=personas.bekasi_admin,
        updated_by=personas.bekasi_admin,
    )
    Publication.objects.create(
        region=bekasi,
        indicator=indicator,
        year=2025,
        published_by=personas.bekasi_admin,
        published_at=timezone.now(),
    )


def _value_cell(text: str, code: str) -> str:
    row = text[text.index(f"({code})") :]
    return row[: row.index("</tr>")]


def test_published_indicator_data_suppresses_small_sensitive_counts(client, personas):
    _published_count(personas, "kekerasan-a", 4, sensitive=True)
    _published_count(personas, "kekerasan-b", 5, sensitive=True)
    _published_count(personas, "layanan-c", 4, sensitive=False)
    text = page(client)
    assert "&lt; 5" in _value_cell(text, "kekerasan-a")
    assert "<td>4" not in _value_cell(text, "kekerasan-a")
    assert "<td>5" in _value_cell(text, "kekerasan-b")
    assert "<td>4" in _value_cell(text, "layanan-c")


def test_a_suppressed_percentage_is_not_shown_as_under_5_percent(client, personas, monkeypatch):
    """A ratio whose small count is hidden says so in words: "< 5" in a column of
    percentages would read as "under 5 %"."""
    monkeypatch.setattr("layak.accounts.middleware.language_for", lambda request: "id")
    _published_count(personas, "rasio-a", 4, sensitive=True, of=200)
    _published_count(personas, "rasio-b", 40, sensitive=True, of=200)
    text = page(client)
    hidden = _value_cell(text, "rasio-a")
    # The value's cell holds the words alone: no "< 5", no unit, no 2 %.
    assert "<td>disembunyikan: jumlahnya di bawah 5</td>" in hidden
    assert "&lt; 5" not in hidden and "<td>2,00" not in hidden and "<td>2%" not in hidden
    assert "<td>20%" in _value_cell(text, "rasio-b")
    assert "SIMFONI-PPA" in text and "15 Jan 2026" in text
