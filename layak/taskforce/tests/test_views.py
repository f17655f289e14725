"""Pages: the structure on a date, the PDF minutes, my follow-ups, and query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from layak.taskforce import actions
from layak.taskforce.models import FollowUp, TaskForceRole
from layak.taskforce.tests.factories import D, decree, meeting, member, office
from layak.taskforce.views import minutes_context

pytestmark = pytest.mark.django_db
R = TaskForceRole
TODAY = timezone.localdate()


def _world(p):
    old = decree(p, start=D(2022, 3, 1), number="SK-LAMA/2022")
    member(p, old, "Dedi Supriatna", R.CHAIR, position="Sekretaris Daerah")
    new = decree(p, start=D(2024, 1, 15), number="SK-BARU/2024")
    chair = member(p, new, "Hendra Gunawan", R.CHAIR, position="Sekretaris Daerah")
    member(p, new, "Ani Gustiani", R.SECRETARY, position="Kepala DP3A")
    member(
        p,
        new,
        "dr. Rina Kusuma",
        R.COORDINATOR,
        "K3",
        organisation=office("Dinas Kesehatan Kabupaten Bekasi"),
    )
    m = meeting(
        p,
        date=D(2025, 3, 13),
        chair_member=chair,
        chair_name="",
        minutes="Paparan tahapan evaluasi KLA.",
        decisions=["Data dukung dikumpulkan paling lambat 30 April"],
    )
    return old, new, m


def test_structure_today_and_on_a_past_date(client, personas, english):
    _world(personas)
    client.force_login(personas.bekasi_dinkes)
    page = client.get(reverse("taskforce:home")).content.decode()
    assert "SK-BARU/2024" in page and "Hendra Gunawan" in page and "Dedi" not in page
    past = client.get(reverse("taskforce:region", args=["32.16"]), {"on": "2023-05-01"})
    text = past.content.decode()
    assert "SK-LAMA/2022" in text and "Dedi Supriatna" in text and "Hendra" not in text
    none = client.get(reverse("taskforce:region", args=["32.16"]), {"on": "2020-01-01"})
    assert b'data-testid="no-decree"' in none.content


def test_province_sees_a_list_of_regions(client, personas):
    _world(personas)
    client.force_login(personas.jabar)
    page = client.get(reverse("taskforce:home"), {"region": "32.16"}).content.decode()
    assert "SK-BARU/2024" in page
    client.force_login(personas.ministry)
    page = client.get(reverse("taskforce:home")).content.decode()
    assert "SK-BARU/2024" in page and "Gunung Mas" in page


def test_minutes_pdf(client, personas):
    _old, _new, m = _world(personas)
    guest = actions.attendee_add(
        actor=personas.bekasi_admin, meeting=m, name="Siti Aminah", sex="F", present=True
    )
    assert guest.present
    actions.follow_up_add(
        actor=personas.bekasi_admin,
        meeting=m,
        description="Rekap data persalinan",
        owner=office("Dinas Kesehatan Kabupaten Bekasi"),
        due_date=D(2025, 4, 30),
    )
    client.force_login(personas.bekasi_regent)
    response = client.get(reverse("taskforce:meeting_pdf", args=[m.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF") and len(response.content) > 5000
    with translation.override("en"):
        html = render_to_string("taskforce/pdf/minutes.html", minutes_context(m))
    for text in (
        "MINUTES OF THE COORDINATION MEETING",
        "Siti Aminah",
        "Rekap data persalinan",
        "Data dukung dikumpulkan",
        "Ani Gustiani",
        "Hendra Gunawan",
        "PEMERINTAH KABUPATEN BEKASI",
        "1 female",
    ):
        assert text in html, text
    client.force_login(personas.gm_admin)
    assert client.get(reverse("taskforce:meeting_pdf", args=[m.pk])).status_code == 404


def test_my_follow_ups_and_marking_done(client, personas, english):
    _old, _new, m = _world(personas)
    f = actions.follow_up_add(
        actor=personas.bekasi_admin,
        meeting=m,
        description="Rekap data persalinan",
        owner=office("Dinas Kesehatan Kabupaten Bekasi"),
        due_date=D(2025, 4, 30),
    )
    client.force_login(personas.bekasi_dinkes)
    page = client.get(reverse("taskforce:my_follow_ups")).content.decode()
    assert "Rekap data persalinan" in page and "overdue" in page
    response = client.post(
        reverse("taskforce:follow_up_done", args=[f.pk]),
        {"note": "Rekap sudah dikirim", "next": reverse("taskforce:my_follow_ups")},
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "taskforce:my_follow_ups"
    )
    f.refresh_from_db()
    assert f.status == FollowUp.Status.DONE
    client.force_login(personas["bekasi.forum"])
    assert (
        "Rekap data persalinan"
        not in client.get(reverse("taskforce:my_follow_ups")).content.decode()
    )


def test_edit_pages_refuse_readers(client, personas):
    _old, new, m = _world(personas)
    for who in ("bekasi.dinkes", "bekasi.regent", "verifier.jabar"):
        client.force_login(personas[who])
        assert client.get(reverse("taskforce:decree_create", args=["32.16"])).status_code == 403
        assert client.get(reverse("taskforce:member_create", args=[new.pk])).status_code == 403
        assert client.get(reverse("taskforce:meeting_edit", args=[m.pk])).status_code == 403
    client.force_login(personas.gm_admin)
    assert client.get(reverse("taskforce:decree", args=[new.pk])).status_code == 404
    assert client.get(reverse("taskforce:meeting", args=[m.pk])).status_code == 404


def test_recording_attendance_through_the_page(client, personas, english):
    _old, _new, m = _world(personas)
    rows = {a.name: a for a in m.attendances.all()}
    client.force_login(personas.bekasi_admin)
    data = {
        f"present-{rows['Hendra Gunawan'].pk}": "1",
        f"sex-{rows['Hendra Gunawan'].pk}": "M",
        f"present-{rows['Ani Gustiani'].pk}": "1",
        f"sex-{rows['Ani Gustiani'].pk}": "F",
    }
    client.post(reverse("taskforce:attendance", args=[m.pk]), data)
    page = client.get(reverse("taskforce:meeting", args=[m.pk])).content.decode()
    assert "2 of 3 present: 1 male, 1 female." in page


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def _grow(p, n, start):
    d = decree(p, start=start, number=f"SK-{start}")
    for i in range(n):
        mem = member(
            p,
            d,
            f"Anggota {start} {i}",
            R.MEMBER,
            "K1" if i % 2 else "K4",
            organisation=office("Dinas Pendidikan Kabupaten Bekasi"),
        )
        m = meeting(p, date=TODAY - datetime.timedelta(days=10 + i))
        actions.attendee_add(actor=p.bekasi_admin, meeting=m, name=mem.name, sex="F", present=True)
        actions.follow_up_add(
            actor=p.bekasi_admin,
            meeting=m,
            description=f"Tindak lanjut {i}",
            owner=office("Dinas Kesehatan Kabupaten Bekasi"),
            due_date=TODAY - datetime.timedelta(days=1),
        )


@pytest.mark.parametrize(
    "who,url",
    [
        ("bekasi.admin", "/taskforce/"),
        ("ministry", "/taskforce/"),
        ("bekasi.admin", "/taskforce/meetings/"),
        ("bekasi.admin", "/taskforce/r/32.16/decrees/"),
        ("bekasi.dinkes", "/taskforce/follow-ups/mine/"),
    ],
)
def test_list_query_counts_do_not_grow(client, personas, who, url):
    client.force_login(personas[who])
    _grow(personas, 2, D(2023, 1, 1))
    small = _queries(client, url)
    _grow(personas, 12, D(2024, 1, 1))
    assert _queries(client, url) == small


def test_meeting_page_query_count_does_not_grow(client, personas):
    _old, _new, m = _world(personas)
    actions.follow_up_add(
        actor=personas.bekasi_admin,
        meeting=m,
        description="Tugas awal",
        owner=office("Dinas Sosial Kabupaten Bekasi"),
        due_date=D(2025, 5, 1),
    )
    client.force_login(personas.bekasi_admin)
    url = reverse("taskforce:meeting", args=[m.pk])
    small = _queries(client, url)
    for i in range(8):
        actions.attendee_add(
            actor=personas.bekasi_admin, meeting=m, name=f"Tamu {i}", sex="M", present=True
        )
        actions.follow_up_add(
            actor=personas.bekasi_admin,
            meeting=m,
            description=f"Tugas {i}",
            owner=office("Dinas Sosial Kabupaten Bekasi"),
            due_date=D(2025, 5, 1),
        )
    assert _queries(client, url) == small


def test_home_page_include_lists_overdue_follow_ups(personas, rf, english):
    from layak.taskforce.querysets import overdue_follow_ups

    _old, _new, m = _world(personas)
    actions.follow_up_add(
        actor=personas.bekasi_admin,
        meeting=m,
        description="Rekap data persalinan",
        owner=office("Dinas Kesehatan Kabupaten Bekasi"),
        due_date=D(2025, 4, 30),
    )
    request = rf.get("/")
    request.user = personas.bekasi_dinkes
    html = render_to_string(
        "taskforce/_home_follow_ups.html",
        {"overdue_follow_ups": overdue_follow_ups(personas.bekasi_dinkes)},
        request=request,
    )
    assert "Rekap data persalinan" in html and "due 30 Apr 2025" in html
    empty = render_to_string(
        "taskforce/_home_follow_ups.html",
        {"overdue_follow_ups": overdue_follow_ups(personas.bekasi_regent)},
    )
    assert "Overdue" not in empty


def test_editing_a_past_meeting_keeps_its_chair_from_an_older_decree(client, personas):
    old, _new, _m = _world(personas)
    dedi = old.members.get(name="Dedi Supriatna")
    past = meeting(personas, date=D(2023, 5, 2), chair_member=dedi, chair_name="")
    client.force_login(personas.bekasi_admin)
    page = client.get(reverse("taskforce:meeting_edit", args=[past.pk])).content.decode()
    assert f'value="{dedi.pk}" selected' in page


def test_small_things_people_trip_over(client, personas):
    """The member form asks for the role instead of proposing "chair"; a follow-up is the
    responsibility of a government office; a future decree reads the same on every page."""
    import datetime as dt

    from django.utils import timezone

    from layak.organisations.models import Organisation
    from layak.regions.models import Region
    from layak.taskforce import actions
    from layak.taskforce.actions import TaskForceError

    admin = personas.bekasi_admin
    today = timezone.localdate()
    decree = actions.decree_create(
        actor=admin,
        region=Region.objects.get(code="32.16"),
        number="SK/BESOK/2026",
        signed_on=today,
        signatory="Bupati Bekasi",
        period_start=today + dt.timedelta(days=30),
    )
    client.force_login(admin)
    form = client.get(reverse("taskforce:member_create", args=[decree.pk])).content.decode()
    assert '<option value="" selected>— pilih peran —</option>' in form
    refused = client.post(
        reverse("taskforce:member_create", args=[decree.pk]),
        {"name": "Tanpa Peran", "served_from": decree.period_start.isoformat()},
    )
    assert refused.status_code == 200 and not decree.members.exists()
    detail = client.get(reverse("taskforce:decree", args=[decree.pk])).content.decode()
    listing = client.get(reverse("taskforce:decrees", args=["32.16"])).content.decode()
    assert "belum berlaku" in detail and "belum berlaku" in listing
    assert "tidak berlaku" not in detail
    business = Organisation.objects.get(name="PT Sinar Cikarang Sejahtera")
    meeting = actions.meeting_create(
        actor=admin,
        region=decree.region,
        title="Rapat",
        agenda="Uji",
        date=today,
        start_time=dt.time(9),
        place="Aula",
        chair_name="Ketua",
    )
    with pytest.raises(TaskForceError):
        actions.follow_up_add(
            actor=admin, meeting=meeting, description="x", owner=business, due_date=today
        )
    page = client.get(reverse("taskforce:meeting", args=[meeting.pk])).content.decode()
    owners = page[page.index('name="fu-owner"') :]
    owners = owners[: owners.index("</select>")]
    assert "Dinas Kesehatan Kabupaten Bekasi</option>" in owners
    assert "PT Sinar Cikarang Sejahtera" not in owners


def test_attendance_keeps_what_was_ticked_and_carries_each_members_sex(client, personas):
    """A refused save keeps every tick, with the message beside the row; a member's sex once
    given is known at the next meeting."""
    from layak.taskforce.models import Member

    _old, new, m = _world(personas)
    rows = {a.name: a for a in m.attendances.all()}
    hendra, ani, rina = rows["Hendra Gunawan"], rows["Ani Gustiani"], rows["dr. Rina Kusuma"]
    client.force_login(personas.bekasi_admin)
    url = reverse("taskforce:attendance", args=[m.pk])
    data = {
        f"present-{hendra.pk}": "1",
        f"sex-{hendra.pk}": "M",
        f"present-{ani.pk}": "1",  # her sex is missing
        f"present-{rina.pk}": "1",
        f"sex-{rina.pk}": "F",
    }
    page = client.post(url, data, follow=True).content.decode()
    assert 'data-testid="attendance-refused"' in page
    row = page[page.index(f'id="sex-{ani.pk}"') :]
    row = row[: row.index("</td>")]
    assert "Isikan jenis kelamin Ani Gustiani" in row  # the message beside her row
    assert f'name="present-{hendra.pk}" id="present-{hendra.pk}" value="1" checked' in page
    assert f'name="present-{rina.pk}" id="present-{rina.pk}" value="1" checked' in page
    assert 'value="F" selected' in page[page.index(f'id="sex-{rina.pk}"') :]
    assert not m.attendances.filter(present=True).exists()  # nothing was saved
    # A reload shows the stored list again.
    again = client.get(reverse("taskforce:meeting", args=[m.pk])).content.decode()
    assert 'data-testid="attendance-refused"' not in again
    data[f"sex-{ani.pk}"] = "F"
    client.post(url, data)
    assert m.attendances.filter(present=True).count() == 3
    assert dict(Member.objects.filter(decree=new).values_list("name", "sex")) == {
        "Hendra Gunawan": "M",
        "Ani Gustiani": "F",
        "dr. Rina Kusuma": "F",
    }
    # The next meeting's list knows everyone's sex already.
    chair = Member.objects.get(name="Hendra Gunawan")
    second = meeting(personas, date=D(2025, 6, 12), chair_member=chair, chair_name="")
    assert dict(second.attendances.values_list("name", "sex")) == {
        "Hendra Gunawan": "M",
        "Ani Gustiani": "F",
        "dr. Rina Kusuma": "F",
    }
