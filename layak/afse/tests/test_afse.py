"""AFSE events: who records and changes them, what is refused, the list's filters and totals."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from layak.afse import actions
from layak.afse.actions import AfseError, EventData
from layak.afse.models import Event
from layak.afse.tests.helpers import dinkes, kla24_version, make_event, org
from layak.audit.models import AuditEntry
from layak.authz import Action
from layak.frameworks.models import Indicator
from layak.regions.models import Region

pytestmark = pytest.mark.django_db

D = datetime.date


def data_of(event: Event, **changes: object) -> EventData:
    fields = {
        "kind": event.kind,
        "topic": event.topic,
        "organiser": event.organiser,
        "starts_on": event.starts_on,
        "ends_on": event.ends_on,
        "place": event.place,
        "boys": event.boys,
        "girls": event.girls,
        "men": event.men,
        "women": event.women,
        "target_groups": [t.group for t in event.targets.all()],
    }
    fields.update(changes)
    return EventData(**fields)


def test_an_office_records_its_own_event_with_an_audit_entry(personas):
    event = make_event(personas.bekasi_dinkes, boys=12, girls=15, men=3, women=5)
    assert event.region.code == "32.16"
    assert (event.children, event.adults, event.male, event.female, event.total) == (
        27,
        8,
        15,
        20,
        35,
    )
    assert sorted(event.targets.values_list("group", flat=True)) == ["children", "schools"]
    entry = AuditEntry.objects.for_object(event).get()
    assert entry.action == "afse.created"
    assert entry.after["target_groups"] == ["children", "schools"]


def test_an_office_cannot_record_an_event_of_another_organiser(personas, english):
    dp3a = org("Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi")
    with pytest.raises(AfseError, match="your organisation organises"):
        make_event(personas.bekasi_dinkes, organiser=dp3a)


def test_the_district_administrator_records_for_any_office_of_the_district(personas):
    assert make_event(personas.bekasi_admin, organiser=dinkes()).organiser == dinkes()
    with pytest.raises(AfseError):
        make_event(personas.gm_admin, organiser=dinkes())


def test_the_place_must_lie_in_the_district(personas, english):
    gm_kecamatan = Region.objects.filter(level=3, code__startswith="62.10.").first()
    with pytest.raises(AfseError, match="kecamatan or village of Kabupaten Bekasi"):
        make_event(personas.bekasi_dinkes, place=gm_kecamatan)
    with pytest.raises(AfseError):
        make_event(personas.bekasi_dinkes, place=Region.objects.get(code="32"))
    village = Region.objects.filter(level=4, code__startswith="32.16.").first()
    assert make_event(personas.bekasi_dinkes, place=village).place == village


def test_end_before_start_and_foreign_partners_are_refused(personas, english):
    with pytest.raises(AfseError, match="end date"):
        make_event(personas.bekasi_dinkes, starts_on=D(2026, 3, 10), ends_on=D(2026, 3, 9))
    with pytest.raises(AfseError, match="Partner organisations"):
        make_event(personas.bekasi_dinkes, partners=[dinkes("Gunung Mas")])
    with pytest.raises(AfseError, match="also be a partner"):
        make_event(personas.bekasi_dinkes, partners=[dinkes()])
    pkk = org("Tim Penggerak PKK Kabupaten Bekasi")
    assert list(make_event(personas.bekasi_dinkes, partners=[pkk]).partners.all()) == [pkk]


def test_only_indicators_of_the_kla_instrument_in_force_can_be_linked(personas, english):
    from layak.frameworks.actions import version_publish
    from layak.frameworks.spec import build_version
    from layak.testing import small_spec

    other = version_publish(actor=personas.ministry, version=build_version(small_spec("lain")))
    with pytest.raises(AfseError, match="in force"):
        make_event(personas.bekasi_dinkes, indicators=[other.indicators.first()])
    version = kla24_version(personas)
    indicator = version.indicators.get(code="T-1")
    assert list(make_event(personas.bekasi_dinkes, indicators=[indicator]).indicators.all()) == [
        indicator
    ]


def test_an_office_changes_its_event_but_not_another_offices(personas, english):
    event = make_event(personas.bekasi_dinkes)
    actions.event_update(
        actor=personas.bekasi_dinkes, event=event, data=data_of(event, topic="KHA untuk guru")
    )
    event.refresh_from_db()
    assert event.topic == "KHA untuk guru"
    assert AuditEntry.objects.for_object(event).filter(action="afse.updated").count() == 1
    with pytest.raises(AfseError, match="cannot change"):
        actions.event_update(actor=personas["bekasi.disdukcapil"], event=event, data=data_of(event))
    with pytest.raises(AfseError, match="cannot change"):
        actions.event_set_active(actor=personas["bekasi.forum"], event=event, active=False)


def test_cancelling_keeps_the_event(personas):
    event = make_event(personas.bekasi_dinkes)
    actions.event_set_active(actor=personas.bekasi_admin, event=event, active=False)
    assert Event.objects.filter(pk=event.pk, is_active=False).exists()


def test_a_bekasi_office_gets_404_on_gunung_mas_events(client, personas):
    event = make_event(personas.gm_admin, organiser=dinkes("Gunung Mas"))
    client.force_login(personas.bekasi_dinkes)
    assert client.get(f"/afse/{event.pk}/").status_code == 404
    assert client.get(f"/afse/{event.pk}/edit/").status_code == 404
    assert client.post(f"/afse/{event.pk}/edit/", {"topic": "x"}).status_code == 404


def test_everyone_of_the_district_reads_but_only_the_organiser_edits(client, personas):
    event = make_event(personas.bekasi_dinkes)
    for key, view, edit in [
        ("bekasi.forum", 200, 403),
        ("bekasi.partner", 200, 403),
        ("bekasi.regent", 200, 403),
        ("verifier.jabar", 200, 403),
        ("bekasi.dinkes", 200, 200),
        ("bekasi.admin", 200, 200),
        ("gunungmas.admin", 404, 404),
    ]:
        client.force_login(personas[key])
        assert client.get(f"/afse/{event.pk}/").status_code == view, key
        assert client.get(f"/afse/{event.pk}/edit/").status_code == edit, key


def test_a_kecamatan_operator_reads_events_held_in_its_kecamatan(client, personas):
    inside = make_event(personas.bekasi_dinkes, place=Region.objects.get(code="32.16.09"))
    outside = make_event(personas.bekasi_dinkes, place=Region.objects.get(code="32.16.01"))
    user = personas["bekasi.kecamatan"]
    visible = set(Event.objects.for_user(user, Action.VIEW).values_list("pk", flat=True))
    assert inside.pk in visible
    assert outside.pk not in visible


def test_create_through_the_form(client, personas):
    client.force_login(personas.bekasi_dinkes)
    place = Region.objects.get(code="32.16.09")
    response = client.post(
        "/afse/new/",
        {
            "kind": "E",
            "topic": "Edukasi gizi anak",
            "organiser": dinkes().pk,
            "target_groups": ["parents", "children"],
            "starts_on": "2026-04-02",
            "place": place.pk,
            "boys": "10",
            "girls": "11",
            "men": "2",
            "women": "20",
        },
    )
    assert response.status_code == 302
    event = Event.objects.get(topic="Edukasi gizi anak")
    assert (event.total, event.place) == (43, place)


def _list(client, query: str = "") -> str:
    response = client.get(f"/afse/?{query}")
    assert response.status_code == 200
    return str(response.content.decode())


def test_list_filters_and_database_totals(client, personas):
    version = kla24_version(personas)
    t1 = Indicator.objects.get(version=version, code="T-1")
    a = make_event(
        personas.bekasi_dinkes,
        topic="Sosialisasi di SMP",
        kind="S",
        boys=10,
        girls=20,
        men=1,
        women=2,
        target_groups=["schools"],
        starts_on=D(2026, 2, 1),
        indicators=[t1],
        place=Region.objects.get(code="32.16.09"),
    )
    dp3a = org("Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi")
    b = make_event(
        personas.bekasi_admin,
        organiser=dp3a,
        topic="Advokasi anggaran ke DPRD",
        kind="A",
        men=30,
        women=10,
        target_groups=["offices"],
        starts_on=D(2026, 5, 1),
        ends_on=D(2026, 5, 2),
        place=Region.objects.get(code="32.16.01"),
    )
    make_event(personas.gm_admin, organiser=dinkes("Gunung Mas"), topic="Gunung Mas", men=99)
    client.force_login(personas.bekasi_admin)

    def totals(query: str) -> tuple[int, ...]:
        response = client.get(f"/afse/?{query}")
        t = response.context["totals"]
        return (t["events"], t["boys"], t["girls"], t["men"], t["women"], t["total"])

    assert totals("") == (2, 10, 20, 31, 12, 73)
    assert totals("kind=S") == (1, 10, 20, 1, 2, 33)
    assert totals("target=offices") == (1, 0, 0, 30, 10, 40)
    assert totals(f"organiser={dp3a.pk}") == (1, 0, 0, 30, 10, 40)
    assert totals(f"indicator={t1.pk}") == (1, 10, 20, 1, 2, 33)
    region = Region.objects.get(code="32.16.09")
    assert totals(f"region={region.pk}") == (1, 10, 20, 1, 2, 33)
    assert totals(f"region={Region.objects.get(code='32.16').pk}")[0] == 2
    assert totals("date_from=2026-03-01") == (1, 0, 0, 30, 10, 40)
    assert totals("date_to=2026-03-01") == (1, 10, 20, 1, 2, 33)
    # An event of several days counts while it lasts.
    assert totals("date_from=2026-05-02&date_to=2026-05-02")[0] == 1
    page = _list(client, "kind=A")
    assert b.topic in page and a.topic not in page
    actions.event_set_active(actor=personas.bekasi_admin, event=b, active=False)
    assert totals("")[0] == 1
    assert totals("cancelled=on")[0] == 2


def test_calendar_shows_events_on_their_days(client, personas):
    make_event(
        personas.bekasi_dinkes,
        topic="Pelatihan KHA aparat desa",
        starts_on=D(2026, 3, 30),
        ends_on=D(2026, 4, 1),
    )
    client.force_login(personas["bekasi.forum"])
    march = client.get("/afse/calendar/?month=2026-03")
    days = {d["date"]: d["events"] for week in march.context["weeks"] for d in week}
    assert [e.topic for e in days[D(2026, 3, 30)]] == ["Pelatihan KHA aparat desa"]
    assert days[D(2026, 3, 29)] == []
    assert march.context["previous"] == "2026-02" and march.context["following"] == "2026-04"
    april = client.get("/afse/calendar/?month=2026-04")
    days = {d["date"]: d["events"] for week in april.context["weeks"] for d in week}
    assert len(days[D(2026, 4, 1)]) == 1 and days[D(2026, 4, 2)] == []
    # A malformed month shows the current one.
    assert client.get("/afse/calendar/?month=2026-13").status_code == 200


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/afse/", "/afse/calendar/?month=2026-03", "/afse/?kind=S"])
def test_list_pages_cost_a_fixed_number_of_queries(client, personas, url):
    client.force_login(personas.bekasi_admin)
    partner = org("Tim Penggerak PKK Kabupaten Bekasi")
    for _ in range(2):
        make_event(personas.bekasi_dinkes, partners=[partner])
    small = _queries(client, url)
    for i in range(15):
        make_event(personas.bekasi_dinkes, starts_on=D(2026, 3, 1 + i), partners=[partner])
    assert _queries(client, url) == small


def test_demo_data_loads_twice_without_duplicates(personas):
    from layak.afse.demo import seed_demo

    seed_demo()
    count = Event.objects.count()
    seed_demo()
    assert Event.objects.count() == count >= 12
    assert Event.objects.filter(region__code="62.10").exists()


def test_the_organiser_attaches_documentation_that_others_in_the_district_can_download(
    client, personas
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from layak.evaluation.tests.test_workflow import PDF
    from layak.evidence.models import Attachment

    event = make_event(personas.bekasi_dinkes)
    client.force_login(personas.bekasi_dinkes)
    response = client.post(
        "/evidence/attachments/add/",
        {
            "owner": "afse.event",
            "object": event.pk,
            "caption": "Daftar hadir",
            "file": SimpleUploadedFile("daftar-hadir.pdf", PDF, "application/pdf"),
        },
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get(object_id=event.pk)
    assert "Daftar hadir" in client.get(f"/afse/{event.pk}/").content.decode()
    client.force_login(personas["bekasi.forum"])
    assert client.get(f"/evidence/attachments/{attachment.pk}/download/").status_code == 200
    # Seeing the event is not changing it.
    response = client.post(
        "/evidence/attachments/add/",
        {
            "owner": "afse.event",
            "object": event.pk,
            "file": SimpleUploadedFile("lain.pdf", PDF + b"%x\n", "application/pdf"),
        },
    )
    assert response.status_code == 403
    client.force_login(personas.gm_admin)
    assert client.get(f"/evidence/attachments/{attachment.pk}/download/").status_code == 404
