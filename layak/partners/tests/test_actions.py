"""The rules of partner profiles, commitments and contributions, and who may do what."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from layak import authz
from layak.audit.models import AuditEntry
from layak.organisations.models import Organisation
from layak.partners import actions
from layak.partners.actions import PartnerError
from layak.partners.models import Commitment, Contact, Contribution, PartnerProfile
from layak.partners.testing import (
    bekasi_business,
    cluster,
    ensure_kla,
    indicator,
    make_commitment,
    make_contribution,
)
from layak.testing import make_membership, make_organisation, make_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]
A = authz.Action
S = Commitment.Status


@pytest.fixture
def p(personas):
    ensure_kla()
    return personas


@pytest.fixture
def partner(p):
    return p["bekasi.partner"]


@pytest.fixture
def commitment(p, partner):
    return make_commitment(partner, bekasi_business())


@pytest.fixture
def other_business(p):
    """A second business in Bekasi with its own contributor and records."""
    org = make_organisation(kind=Organisation.Kind.BUSINESS, name="PT Tirta Jababeka Mandiri")
    contributor = make_user(email="kontributor@tirta.example")
    make_membership(contributor, org, "partner_contributor")
    commitment = make_commitment(contributor, org, title="Taman bermain ramah anak", code="K4")
    contribution = make_contribution(contributor, commitment)
    return org, contributor, commitment, contribution


# ---- profile and contacts ----------------------------------------------------------------


def test_profile_is_created_on_first_edit_and_audited(p, partner):
    org = bekasi_business()
    assert not PartnerProfile.objects.filter(organisation=org).exists()
    profile = actions.profile_save(
        actor=partner,
        organisation=org,
        description="Produsen suku cadang; CSR untuk kesehatan anak.",
        apsai_member=True,
        apsai_number="APSAI-0457",
        apsai_year=2019,
        clusters=[cluster("K3")],
        indicators=[indicator("K3-13")],
    )
    assert profile.organisation == org and profile.apsai_number == "APSAI-0457"
    assert list(profile.clusters.values_list("code", flat=True)) == ["K3"]
    assert AuditEntry.objects.filter(action="partners.profile_saved").count() == 1
    actions.profile_save(actor=partner, organisation=org, description="Baru")
    assert PartnerProfile.objects.count() == 1
    profile.refresh_from_db()
    assert not profile.apsai_member and profile.apsai_number == "" and profile.apsai_year is None


def test_apsai_member_needs_number_and_year_and_is_a_business(p, partner):
    org = bekasi_business()
    with pytest.raises(PartnerError, match="member number"):
        actions.profile_save(actor=partner, organisation=org, apsai_member=True, apsai_year=2020)
    with pytest.raises(PartnerError, match="year"):
        actions.profile_save(
            actor=partner, organisation=org, apsai_member=True, apsai_number="A-1", apsai_year=2001
        )
    media = Organisation.objects.get(name="Radio Suara Bekasi")
    with pytest.raises(PartnerError, match="Only a business"):
        actions.profile_save(
            actor=p.bekasi_admin,
            organisation=media,
            apsai_member=True,
            apsai_number="A-1",
            apsai_year=2020,
        )


def test_only_own_contributor_and_district_admin_edit_a_profile(p, partner, other_business):
    org, contributor, *_ = other_business
    with pytest.raises(PartnerError):
        actions.profile_save(actor=partner, organisation=org, description="x")
    for outsider in (p.bekasi_dinkes, p.jabar, p.bekasi_regent, p.gm_admin, p["bekasi.forum"]):
        with pytest.raises(PartnerError):
            actions.profile_save(actor=outsider, organisation=bekasi_business(), description="x")
    actions.profile_save(actor=p.bekasi_admin, organisation=org, description="oleh DP3A")
    actions.profile_save(actor=contributor, organisation=org, description="oleh sendiri")


def test_a_government_office_has_no_partner_profile(p):
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    with pytest.raises(PartnerError, match="not a partner"):
        actions.profile_save(actor=p.bekasi_admin, organisation=dinkes, description="x")


def test_contacts_are_deactivated_never_deleted(p, partner):
    org = bekasi_business()
    with pytest.raises(PartnerError, match="phone number or an email"):
        actions.contact_create(actor=partner, organisation=org, name="Rudi")
    contact = actions.contact_create(
        actor=partner, organisation=org, name="Rudi Hartawan", position="CSR", phone="0812"
    )
    actions.contact_set_active(actor=partner, contact=contact, active=False)
    contact.refresh_from_db()
    assert not contact.is_active and Contact.objects.count() == 1
    with pytest.raises(PartnerError):
        actions.contact_set_active(actor=p.bekasi_dinkes, contact=contact, active=True)


# ---- commitments -------------------------------------------------------------------------


def test_commitment_rules(p, partner):
    org = bekasi_business()
    with pytest.raises(PartnerError, match="end before"):
        make_commitment(
            partner, org, starts_on=datetime.date(2026, 6, 1), ends_on=datetime.date(2026, 1, 1)
        )
    with pytest.raises(PartnerError, match="at least one resource"):
        make_commitment(partner, org, funds=Decimal(0), people=0)
    with pytest.raises(PartnerError, match="indicators of the commitment's cluster"):
        make_commitment(partner, org, code="K3", indicators=[indicator("KL-3")])
    commitment = make_commitment(partner, org, code="K3", indicators=[indicator("K3-12")])
    assert commitment.status == S.DRAFT and commitment.created_by == partner


def test_only_draft_or_returned_commitments_are_edited(p, partner, commitment):
    actions.commitment_update(actor=partner, commitment=commitment, title="Posyandu plus")
    actions.commitment_submit(actor=partner, commitment=commitment)
    with pytest.raises(PartnerError, match="cannot be changed"):
        actions.commitment_update(actor=partner, commitment=commitment, title="Lain")
    actions.commitment_accept(actor=p.bekasi_admin, commitment=commitment)
    with pytest.raises(PartnerError, match="cannot be changed"):
        actions.commitment_update(actor=partner, commitment=commitment, title="Lain")
    actions.commitment_return(actor=p.bekasi_admin, commitment=commitment, reason="Periode salah")
    actions.commitment_update(actor=partner, commitment=commitment, title="Posyandu 2026")
    commitment.refresh_from_db()
    assert commitment.title == "Posyandu 2026" and commitment.status == S.RETURNED


def test_submit_accept_return_and_resubmit(p, partner, commitment):
    admin = p.bekasi_admin
    with pytest.raises(PartnerError, match="Only a submitted item can be accepted"):
        actions.commitment_accept(actor=admin, commitment=commitment)
    actions.commitment_submit(actor=partner, commitment=commitment)
    with pytest.raises(PartnerError, match="Only a draft or returned item"):
        actions.commitment_submit(actor=partner, commitment=commitment)
    with pytest.raises(PartnerError, match="Say why"):
        actions.commitment_return(actor=admin, commitment=commitment, reason="  ")
    actions.commitment_return(actor=admin, commitment=commitment, reason="Lampirkan MoU")
    commitment.refresh_from_db()
    assert commitment.status == S.RETURNED and commitment.return_reason == "Lampirkan MoU"
    assert commitment.reviewed_by == admin
    actions.commitment_submit(actor=partner, commitment=commitment)
    commitment.refresh_from_db()
    assert commitment.status == S.SUBMITTED and commitment.return_reason == ""
    actions.commitment_accept(actor=admin, commitment=commitment)
    commitment.refresh_from_db()
    assert commitment.status == S.ACCEPTED
    actions_logged = set(AuditEntry.objects.for_object(commitment).values_list("action", flat=True))
    assert {
        "partners.commitment_created",
        "partners.commitment_submitted",
        "partners.commitment_returned",
        "partners.commitment_accepted",
    } <= actions_logged


def test_only_the_district_administrator_reviews(p, partner, commitment):
    actions.commitment_submit(actor=partner, commitment=commitment)
    for someone in (partner, p.bekasi_dinkes, p.jabar, p.bekasi_regent, p.gm_admin, p["assessor"]):
        with pytest.raises(PartnerError, match="Only the district administrator"):
            actions.commitment_accept(actor=someone, commitment=commitment)
        with pytest.raises(PartnerError, match="Only the district administrator"):
            actions.commitment_return(actor=someone, commitment=commitment, reason="x")


def test_a_contributor_cannot_review_its_own_even_with_an_admin_role(p, partner, commitment):
    """Someone who is both the partner's contributor and a district administrator may not
    validate the partner's own records."""
    dp3a = Organisation.objects.get(
        name="Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten Bekasi"
    )
    make_membership(partner, dp3a, "district_admin")
    authz.forget(partner)
    actions.commitment_submit(actor=partner, commitment=commitment)
    with pytest.raises(PartnerError, match="Only the district administrator"):
        actions.commitment_accept(actor=partner, commitment=commitment)


def test_withdrawing_keeps_the_rows(p, partner, commitment):
    contribution = make_contribution(partner, commitment)
    actions.commitment_withdraw(actor=partner, commitment=commitment)
    commitment.refresh_from_db()
    contribution.refresh_from_db()
    assert not commitment.is_active and not contribution.is_active
    with pytest.raises(PartnerError, match="withdrawn"):
        actions.commitment_submit(actor=partner, commitment=commitment)


# ---- contributions -----------------------------------------------------------------------


def test_contribution_rules(p, partner, commitment):
    today = timezone.localdate()
    with pytest.raises(PartnerError, match="amount of funds"):
        make_contribution(partner, commitment, amount=Decimal(0))
    with pytest.raises(PartnerError, match="only for a contribution of funds"):
        make_contribution(partner, commitment, kind=Contribution.Kind.PEOPLE, people=3)
    with pytest.raises(PartnerError, match="number of people"):
        make_contribution(partner, commitment, kind=Contribution.Kind.PEOPLE, amount=0)
    with pytest.raises(PartnerError, match="not in advance"):
        make_contribution(partner, commitment, date=today + datetime.timedelta(days=1))
    with pytest.raises(PartnerError, match="within the commitment's period"):
        make_contribution(partner, commitment, date=datetime.date(today.year - 3, 5, 1))
    people = make_contribution(
        partner, commitment, kind=Contribution.Kind.PEOPLE, amount=0, people=12
    )
    assert people.status == Contribution.Status.DRAFT


def test_contribution_workflow(p, partner, commitment):
    admin = p.bekasi_admin
    contribution = make_contribution(partner, commitment)
    actions.contribution_update(actor=partner, contribution=contribution, children_reached=150)
    actions.commitment_submit(actor=partner, commitment=commitment)
    actions.contribution_submit(actor=partner, contribution=contribution)
    with pytest.raises(PartnerError, match="cannot be changed"):
        actions.contribution_update(actor=partner, contribution=contribution, people=2)
    with pytest.raises(PartnerError, match="Accept the commitment"):
        actions.contribution_accept(actor=admin, contribution=contribution)
    actions.contribution_return(actor=admin, contribution=contribution, reason="Kuitansi kurang")
    actions.contribution_update(actor=partner, contribution=contribution, amount=30_000_000)
    actions.contribution_submit(actor=partner, contribution=contribution)
    actions.commitment_accept(actor=admin, commitment=commitment)
    with pytest.raises(PartnerError, match="Only the district administrator"):
        actions.contribution_accept(actor=partner, contribution=contribution)
    actions.contribution_accept(actor=admin, contribution=contribution)
    contribution.refresh_from_db()
    assert contribution.status == Contribution.Status.ACCEPTED
    assert contribution.amount == Decimal(30_000_000) and contribution.children_reached == 150
    assert contribution.attachments_locked


# ---- scoping -----------------------------------------------------------------------------


def test_a_business_cannot_reach_another_partners_records(p, partner, other_business):
    _org, contributor, their_commitment, their_contribution = other_business
    mine = make_commitment(partner, bekasi_business())
    assert list(Commitment.objects.for_user(partner, A.VIEW)) == [mine]
    assert (
        not Contribution.objects.for_user(partner, A.VIEW).filter(pk=their_contribution.pk).exists()
    )
    assert list(Organisation.objects.for_user(partner, A.VIEW)) == [bekasi_business()]
    with pytest.raises(PartnerError):
        actions.commitment_update(actor=partner, commitment=their_commitment, title="x")
    with pytest.raises(PartnerError):
        actions.contribution_create(
            actor=partner,
            commitment=their_commitment,
            date=timezone.localdate(),
            description="x",
            kind="funds",
            amount=1,
        )
    with pytest.raises(PartnerError):
        actions.contribution_submit(actor=partner, contribution=their_contribution)
    assert set(Commitment.objects.for_user(contributor, A.VIEW)) == {their_commitment}
    # The district's administrator reaches both; Gunung Mas's neither.
    assert Commitment.objects.for_user(p.bekasi_admin, A.EDIT).count() == 2
    assert not Commitment.objects.for_user(p.gm_admin, A.VIEW).exists()
    assert not Contribution.objects.for_user(p.gm_admin, A.VIEW).exists()
    # Offices and the forum never see partners' records; province and regent read them.
    assert not Commitment.objects.for_user(p.bekasi_dinkes, A.VIEW).exists()
    assert Commitment.objects.for_user(p.jabar, A.VIEW).count() == 2
    assert not Commitment.objects.for_user(p.jabar, A.EDIT).exists()
    assert Commitment.objects.for_user(p.bekasi_regent, A.VIEW).count() == 2
