"""The rules of the task force: supersession, membership on a date, who may change what,
follow-up deadlines, and the evaluation's figures."""

from __future__ import annotations

import datetime
import io

import pytest
from django.utils import timezone

from layak import authz
from layak.audit.models import AuditEntry
from layak.regions.models import Region
from layak.taskforce import actions, stats
from layak.taskforce.actions import TaskForceError
from layak.taskforce.models import Decree, FollowUp, Member, TaskForceRole
from layak.taskforce.querysets import overdue_follow_ups
from layak.taskforce.tests.factories import D, decree, meeting, member, office

pytestmark = pytest.mark.django_db
R = TaskForceRole
TODAY = timezone.localdate()


def test_new_decree_supersedes_the_one_in_force_from_its_start(personas, english):
    old = decree(personas, start=D(2022, 3, 1), number="SK-2022")
    new = decree(personas, start=D(2024, 1, 15), number="SK-2024")
    old.refresh_from_db()
    assert old.superseded_by == new and old.superseded_on == D(2024, 1, 15)
    assert new.superseded_by is None
    region = Region.objects.get(code="32.16")
    assert Decree.objects.filter(region=region).in_force(D(2023, 6, 1)).get() == old
    assert Decree.objects.filter(region=region).in_force(D(2024, 1, 15)).get() == new
    assert not Decree.objects.filter(region=region).in_force(D(2022, 2, 28)).exists()
    assert old.last_day == D(2024, 1, 14)
    assert AuditEntry.objects.filter(action="taskforce.decree_superseded").count() == 1


def test_a_decree_recorded_late_is_superseded_by_the_later_one(personas):
    new = decree(personas, start=D(2024, 1, 15), number="SK-2024")
    old = decree(personas, start=D(2022, 3, 1), number="SK-2022")
    assert old.superseded_by == new and old.superseded_on == D(2024, 1, 15)


def test_two_decrees_cannot_start_the_same_day(personas, english):
    decree(personas, start=D(2024, 1, 15))
    with pytest.raises(TaskForceError, match="same date"):
        decree(personas, start=D(2024, 1, 15), number="other")


def test_new_decree_copies_the_members_serving(personas):
    old = decree(personas, start=D(2022, 3, 1), number="SK-2022")
    member(personas, old, "Dedi", R.CHAIR)
    member(personas, old, "Rina", R.MEMBER, "K3", served_until=D(2023, 5, 1))  # ended
    member(personas, old, "Yusuf", R.COORDINATOR, "K1")
    new = decree(personas, start=D(2024, 1, 15), number="SK-2024", copy_members=True)
    copied = {m.name: m for m in new.members.all()}
    assert set(copied) == {"Dedi", "Yusuf"}
    assert copied["Yusuf"].served_from == D(2024, 1, 15) and copied["Yusuf"].sub_team == "K1"
    assert old.members.count() == 3  # history kept


def test_structure_as_it_stood_on_a_date(personas):
    old = decree(personas, start=D(2022, 3, 1), number="SK-2022")
    member(personas, old, "Dedi", R.CHAIR)
    new = decree(personas, start=D(2024, 1, 15), number="SK-2024")
    ani = member(personas, new, "Ani", R.SECRETARY)
    budi = member(personas, new, "Budi", R.MEMBER, "K2", served_from=D(2024, 6, 1))
    actions.member_end(
        actor=personas.bekasi_admin, member=ani, served_until=D(2025, 1, 31), reason="Mutasi"
    )

    def serving(on):
        d = Decree.objects.filter(region__code="32.16").in_force(on).first()
        return sorted(m.name for m in d.members.serving(on)) if d else []

    assert serving(D(2023, 1, 1)) == ["Dedi"]
    assert serving(D(2024, 3, 1)) == ["Ani"]
    assert serving(D(2024, 7, 1)) == ["Ani", "Budi"]
    assert serving(D(2025, 2, 1)) == ["Budi"]
    assert budi.serving_on(D(2024, 6, 1)) and not budi.serving_on(D(2024, 5, 31))


def test_service_must_lie_within_the_decree(personas, english):
    d = decree(personas, start=D(2024, 1, 15), period_end=D(2028, 12, 31))
    with pytest.raises(TaskForceError, match="within the decree"):
        member(personas, d, "Ani", R.MEMBER, "K1", served_from=D(2024, 1, 1))
    with pytest.raises(TaskForceError, match="within the decree"):
        member(personas, d, "Ani", R.MEMBER, "K1", served_until=D(2029, 1, 1))


def test_sub_team_rules(personas, english):
    d = decree(personas)
    with pytest.raises(TaskForceError, match="sub-team"):
        member(personas, d, "Ani", R.MEMBER)
    chair = member(personas, d, "Dedi", R.CHAIR, "K1")  # a chair's sub-team is dropped
    assert chair.sub_team == ""


def test_one_chair_at_a_time(personas, english):
    d = decree(personas)
    first = member(personas, d, "Dedi", R.CHAIR)
    with pytest.raises(TaskForceError, match="Someone else"):
        member(personas, d, "Asep", R.CHAIR)
    actions.member_end(
        actor=personas.bekasi_admin, member=first, served_until=D(2024, 12, 31), reason="Pensiun"
    )
    member(personas, d, "Asep", R.CHAIR, served_from=D(2025, 1, 1))
    # One coordinator per sub-team, but each sub-team has its own.
    member(personas, d, "Rina", R.COORDINATOR, "K1")
    member(personas, d, "Yusuf", R.COORDINATOR, "K2")
    with pytest.raises(TaskForceError):
        member(personas, d, "Wati", R.COORDINATOR, "K1")


def test_member_organisation_must_be_of_the_district(personas, english):
    d = decree(personas)
    with pytest.raises(TaskForceError, match="cannot sit"):
        member(
            personas,
            d,
            "Orang",
            R.MEMBER,
            "K3",
            organisation=office("Dinas Kesehatan Kabupaten Gunung Mas"),
        )
    forum = office("Forum Anak Kabupaten Bekasi")
    assert member(personas, d, "Nadia (16)", R.MEMBER, "K1", organisation=forum).organisation


def test_only_the_secretariat_or_ministry_edits(personas, english):
    region = Region.objects.get(code="32.16")
    for who in (
        "bekasi.dinkes",
        "bekasi.forum",
        "bekasi.regent",
        "verifier.jabar",
        "gunungmas.admin",
    ):
        with pytest.raises(TaskForceError, match="secretariat"):
            actions.decree_create(
                actor=personas[who],
                region=region,
                number="X",
                signed_on=D(2024, 1, 1),
                signatory="Bupati",
                period_start=D(2024, 1, 1),
            )
    d = actions.decree_create(
        actor=personas.ministry,
        region=region,
        number="X",
        signed_on=D(2024, 1, 1),
        signatory="Bupati",
        period_start=D(2024, 1, 1),
    )
    with pytest.raises(TaskForceError):
        actions.member_add(
            actor=personas.bekasi_dinkes,
            decree=d,
            name="A",
            role=R.CHAIR,
            served_from=D(2024, 1, 1),
        )


def test_bekasi_office_cannot_reach_gunung_mas(personas):
    d = decree(personas, code="62.10", number="SK GM")
    m = meeting(personas, code="62.10")
    dinkes = personas.bekasi_dinkes
    assert not Decree.objects.for_user(dinkes, authz.Action.VIEW).filter(pk=d.pk).exists()
    assert not Member.objects.for_user(dinkes, authz.Action.VIEW).exists()
    from layak.taskforce.models import Meeting

    assert not Meeting.objects.for_user(dinkes, authz.Action.VIEW).filter(pk=m.pk).exists()
    # ... while it reads Bekasi's task force and cannot change it.
    b = decree(personas)
    assert Decree.objects.for_user(dinkes, authz.Action.VIEW).filter(pk=b.pk).exists()
    assert not Decree.objects.for_user(dinkes, authz.Action.EDIT).exists()


def test_meeting_invites_the_members_serving(personas, english):
    d = decree(personas)
    chair = member(personas, d, "Dedi", R.CHAIR)
    member(personas, d, "Ani", R.SECRETARY)
    member(personas, d, "Lama", R.MEMBER, "K5", served_until=D(2024, 12, 31))
    m = meeting(personas, chair_member=chair, chair_name="")
    assert m.decree == d
    assert sorted(m.attendances.values_list("name", flat=True)) == ["Ani", "Dedi"]
    assert m.chair_label == "Dedi"


def test_meeting_chair_must_serve(personas, english):
    d = decree(personas)
    chair = member(personas, d, "Dedi", R.CHAIR, served_until=D(2024, 12, 31))
    with pytest.raises(TaskForceError, match="does not serve"):
        meeting(personas, chair_member=chair, chair_name="")
    with pytest.raises(TaskForceError, match="chairs"):
        meeting(personas, chair_name="")


def test_attendance_needs_sex_and_a_past_meeting(personas, english):
    decree(personas)
    m = meeting(personas)
    guest = actions.attendee_add(
        actor=personas.bekasi_admin, meeting=m, name="Siti", sex="F", present=True
    )
    invited = actions.attendee_add(
        actor=personas.bekasi_admin, meeting=m, name="Rudi", sex="M", present=False
    )
    assert invited.present is None and invited.invited
    actions.attendance_record(
        actor=personas.bekasi_admin,
        meeting=m,
        marks={guest.pk: (True, "F"), invited.pk: (False, "")},
    )
    invited.refresh_from_db()
    assert invited.present is False
    future = meeting(personas, date=TODAY + datetime.timedelta(days=7))
    row = actions.attendee_add(
        actor=personas.bekasi_admin, meeting=future, name="Tono", sex="M", present=False
    )
    with pytest.raises(TaskForceError, match="taken place"):
        actions.attendance_record(
            actor=personas.bekasi_admin, meeting=future, marks={row.pk: (True, "M")}
        )
    with pytest.raises(TaskForceError, match="sex"):
        actions.attendee_add(actor=personas.bekasi_admin, meeting=m, name="X", sex="", present=True)


def _follow_up(personas, due, owner="Dinas Kesehatan Kabupaten Bekasi", m=None):
    m = m or meeting(personas, date=TODAY - datetime.timedelta(days=30))
    return actions.follow_up_add(
        actor=personas.bekasi_admin,
        meeting=m,
        description="Menyusun data persalinan di fasilitas kesehatan per kecamatan",
        owner=office(owner),
        due_date=due,
    )


def test_overdue_follow_ups_reach_the_owner_office(personas):
    yesterday = TODAY - datetime.timedelta(days=1)
    late = _follow_up(personas, yesterday)
    _follow_up(personas, TODAY)  # due today: not yet overdue
    _follow_up(personas, yesterday, owner="Dinas Pendidikan Kabupaten Bekasi")
    assert list(overdue_follow_ups(personas.bekasi_dinkes)) == [late]
    assert late.is_overdue() and not late.is_overdue(yesterday)
    assert not overdue_follow_ups(personas["bekasi.forum"]).exists()
    assert not overdue_follow_ups(personas.gm_admin).exists()
    actions.follow_up_complete(actor=personas.bekasi_dinkes, follow_up=late, note="Data dikirim")
    assert not overdue_follow_ups(personas.bekasi_dinkes).exists()


def test_owner_office_closes_its_follow_up_with_evidence(personas, english):
    f = _follow_up(personas, TODAY)
    other = _follow_up(personas, TODAY, owner="Dinas Pendidikan Kabupaten Bekasi")
    with pytest.raises(TaskForceError, match="responsible office"):
        actions.follow_up_complete(actor=personas.bekasi_dinkes, follow_up=other, note="x")
    with pytest.raises(TaskForceError, match="what was done"):
        actions.follow_up_complete(actor=personas.bekasi_dinkes, follow_up=f, note=" ")
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    actions.follow_up_complete(
        actor=personas.bekasi_dinkes,
        follow_up=f,
        note="Rekap dikirim ke DP3A",
        evidence=io.BytesIO(pdf),
        evidence_name="rekap.pdf",
        evidence_size=len(pdf),
    )
    f.refresh_from_db()
    assert f.status == FollowUp.Status.DONE and f.closed_by == personas.bekasi_dinkes
    from layak.evidence.attachments import attachments_for

    assert len(attachments_for([f])[f.pk]) == 1
    with pytest.raises(TaskForceError, match="already closed"):
        actions.follow_up_complete(actor=personas.bekasi_dinkes, follow_up=f, note="again")
    # The office cannot reopen or drop; the secretariat can.
    with pytest.raises(TaskForceError):
        actions.follow_up_reopen(actor=personas.bekasi_dinkes, follow_up=f)
    actions.follow_up_reopen(actor=personas.bekasi_admin, follow_up=f)
    with pytest.raises(TaskForceError):
        actions.follow_up_drop(actor=personas.bekasi_dinkes, follow_up=f, reason="x")
    actions.follow_up_drop(actor=personas.bekasi_admin, follow_up=f, reason="Digabung")
    f.refresh_from_db()
    assert f.status == FollowUp.Status.DROPPED and f.attachments_locked


def test_follow_up_owner_must_be_of_the_district(personas, english):
    with pytest.raises(TaskForceError, match="district"):
        _follow_up(personas, TODAY, owner="Dinas Kesehatan Kabupaten Gunung Mas")


def test_meetings_held_counts_meetings_with_attendance(personas, django_assert_num_queries):
    decree(personas)
    region = Region.objects.get(code="32.16")
    for day in (D(2025, 2, 10), D(2025, 5, 12), D(2025, 9, 1), D(2024, 12, 30)):
        m = meeting(personas, date=day)
        actions.attendee_add(
            actor=personas.bekasi_admin, meeting=m, name="A", sex="F", present=True
        )
    meeting(personas, date=D(2025, 11, 3))  # no attendance recorded
    with django_assert_num_queries(1):
        assert stats.meetings_held(region, 2025) == 3
    assert stats.meetings_held(region, 2024) == 1


def test_structure_summary(personas):
    region = Region.objects.get(code="32.16")
    assert stats.structure_summary(region)["in_force"] is False
    d = decree(personas, start=D(2024, 1, 15))
    member(personas, d, "Dedi", R.CHAIR)
    member(personas, d, "Ani", R.SECRETARY)
    for code in ("KL", "K1", "K2", "K3", "K4"):
        member(personas, d, f"Koordinator {code}", R.COORDINATOR, code)
    summary = stats.structure_summary(region)
    assert summary["in_force"] and summary["decree"] == d
    assert summary["missing_sub_teams"] == ["K5"] and not summary["covers_all_sub_teams"]
    member(personas, d, "Koordinator K5", R.MEMBER, "K5")
    summary = stats.structure_summary(region)
    assert summary["covers_all_sub_teams"] and summary["complete"]
    assert summary["members"] == 8
