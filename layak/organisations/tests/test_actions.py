from __future__ import annotations

import pytest
from django.core import mail

from layak.audit.models import AuditEntry
from layak.organisations import actions
from layak.organisations.models import Membership, Organisation
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def region(code):
    return Region.objects.get(code=code)


def test_create_organisation_is_audited(personas):
    org = actions.organisation_create(
        actor=personas.bekasi_admin,
        region=region("32.16.01"),
        name="Puskesmas Uji",
        acronym="PKM",
        kind="government_office",
        email="",
        phone="",
        address="",
    )
    entry = AuditEntry.objects.for_object(org).get()
    assert entry.action == "organisation.created"
    assert entry.actor == personas.bekasi_admin
    assert entry.region == region("32.16.01")
    assert entry.before is None and entry.after["name"] == "Puskesmas Uji"


def test_cannot_create_outside_own_district(personas):
    with pytest.raises(actions.OrganisationError):
        actions.organisation_create(
            actor=personas.bekasi_admin,
            region=region("62.10"),
            name="Dinas Asing",
            kind="government_office",
        )
    assert not Organisation.objects.filter(name="Dinas Asing").exists()


def test_region_must_fit_the_kind(personas):
    with pytest.raises(actions.OrganisationError):
        actions.organisation_create(
            actor=personas.ministry, region=region("32.16"), name="X", kind="ministry"
        )
    with pytest.raises(actions.OrganisationError):
        actions.organisation_create(
            actor=personas.ministry, region=region("32.16"), name="Y", kind="province_office"
        )


def test_duplicate_name_in_region_is_refused(personas):
    with pytest.raises(actions.OrganisationError):
        actions.organisation_create(
            actor=personas.bekasi_admin,
            region=region("32.16"),
            name="dinas kesehatan kabupaten bekasi",
            kind="government_office",
        )


def test_update_records_before_and_after(personas):
    org = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    actions.organisation_update(actor=personas.bekasi_admin, organisation=org, phone="021-123")
    entry = AuditEntry.objects.for_object(org).get(action="organisation.changed")
    assert entry.before["phone"] == "" and entry.after["phone"] == "021-123"
    assert entry.changes() == [("phone", "", "021-123")]


def test_invite_new_person_creates_account_membership_and_email(
    personas, django_capture_on_commit_callbacks
):
    dinsos = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    with django_capture_on_commit_callbacks(execute=True):
        membership = actions.member_invite(
            actor=personas.bekasi_admin,
            organisation=dinsos,
            email="Operator.Dinsos@Example.org",
            full_name="Wati Operator",
            role="office_operator",
        )
    user = membership.user
    assert user.email == "operator.dinsos@example.org"
    assert not user.has_usable_password()
    assert {e.action for e in AuditEntry.objects.filter(region=dinsos.region)} >= {
        "user.invited",
        "membership.created",
    }
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == ["operator.dinsos@example.org"]


def test_invite_existing_person_gets_notice_without_link(
    personas, django_capture_on_commit_callbacks
):
    dinsos = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    with django_capture_on_commit_callbacks(execute=True):
        actions.member_invite(
            actor=personas.bekasi_admin,
            organisation=dinsos,
            email=personas.bekasi_dinkes.email,
            full_name="ignored",
            role="office_operator",
        )
    assert "/accounts/password/reset/" not in mail.outbox[0].body
    assert Membership.objects.filter(user=personas.bekasi_dinkes).count() == 2


def test_role_must_fit_organisation_and_actor(personas):
    forum = Organisation.objects.get(name="Forum Anak Kabupaten Bekasi")
    with pytest.raises(actions.OrganisationError):
        actions.member_invite(
            actor=personas.bekasi_admin,
            organisation=forum,
            email="a@example.org",
            full_name="A",
            role="office_operator",
        )
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    with pytest.raises(actions.OrganisationError):
        # Only the ministry gives verifier or assessor roles.
        actions.member_invite(
            actor=personas.bekasi_admin,
            organisation=dinkes,
            email="b@example.org",
            full_name="B",
            role="province_verifier",
        )
    assert not Membership.objects.filter(user__email__in=["a@example.org", "b@example.org"])


def test_duplicate_membership_is_refused(personas):
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    with pytest.raises(actions.OrganisationError):
        actions.member_invite(
            actor=personas.bekasi_admin,
            organisation=dinkes,
            email=personas.bekasi_dinkes.email,
            full_name="",
            role="office_operator",
        )


def test_change_role_and_deactivate_are_audited_and_nothing_is_deleted(personas):
    membership = Membership.objects.get(user=personas.bekasi_regent)
    actions.membership_change_role(
        actor=personas.bekasi_admin, membership=membership, role="office_operator"
    )
    actions.membership_set_active(actor=personas.bekasi_admin, membership=membership, active=False)
    membership.refresh_from_db()
    assert membership.role == "office_operator" and membership.is_active is False
    log = list(
        AuditEntry.objects.for_object(membership)
        .order_by("at", "pk")
        .values_list("action", "before", "after")
    )
    assert log[0][0] == "membership.role_changed"
    assert log[0][1]["role"] == "reader" and log[0][2]["role"] == "office_operator"
    assert log[1] == ("membership.deactivated", {"is_active": True}, {"is_active": False})


def test_admin_cannot_demote_or_deactivate_self(personas):
    own = Membership.objects.get(user=personas.bekasi_admin)
    with pytest.raises(actions.OrganisationError):
        actions.membership_set_active(actor=personas.bekasi_admin, membership=own, active=False)
    with pytest.raises(actions.OrganisationError):
        actions.membership_change_role(actor=personas.bekasi_admin, membership=own, role="reader")


def test_other_district_admin_cannot_touch_memberships(personas):
    membership = Membership.objects.get(user=personas.bekasi_regent)
    with pytest.raises(actions.OrganisationError):
        actions.membership_set_active(actor=personas.gm_admin, membership=membership, active=False)
    membership.refresh_from_db()
    assert membership.is_active


def test_deactivated_organisation_keeps_its_rows(personas):
    org = Organisation.objects.get(name="Dinas Sosial Kabupaten Bekasi")
    actions.organisation_set_active(actor=personas.bekasi_admin, organisation=org, active=False)
    org.refresh_from_db()
    assert org.is_active is False
    assert AuditEntry.objects.for_object(org).filter(action="organisation.deactivated").exists()
    own = Organisation.objects.get(
        name__startswith="Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi"
    )
    with pytest.raises(actions.OrganisationError):
        actions.organisation_set_active(actor=personas.bekasi_admin, organisation=own, active=False)


def test_the_ministry_assigns_an_assessors_districts(personas, english):
    from layak import authz
    from layak.audit.models import AuditEntry
    from layak.organisations.actions import OrganisationError, assessor_assign
    from layak.organisations.models import Membership

    assessor = personas["assessor"]
    membership = Membership.objects.get(user=assessor)
    assessor_assign(actor=personas.ministry, membership=membership, codes=["62.10"])
    assert list(membership.assigned_regions.values_list("code", flat=True)) == ["62.10"]
    authz.forget(assessor)
    assert authz.reaches(assessor, authz.Action.VERIFY, Region.objects.get(code="62.10"))
    assert not authz.reaches(assessor, authz.Action.VERIFY, Region.objects.get(code="32.16"))
    entry = AuditEntry.objects.filter(action="membership.assessor_assigned").get()
    assert entry.after == {"regions": ["62.10"]}
    with pytest.raises(OrganisationError, match="not codes of a regency"):
        assessor_assign(actor=personas.ministry, membership=membership, codes=["32.16.09", "99.99"])
    with pytest.raises(OrganisationError, match="ministry"):
        assessor_assign(actor=personas.bekasi_admin, membership=membership, codes=["32.16"])
    other = Membership.objects.get(user=personas.bekasi_dinkes)
    with pytest.raises(OrganisationError, match="independent assessor"):
        assessor_assign(actor=personas.ministry, membership=other, codes=["32.16"])
