"""The one authorisation module: what each role reaches."""

from __future__ import annotations

import pytest

from layak import authz
from layak.audit.models import AuditEntry
from layak.organisations.models import Membership, Organisation
from layak.regions.models import Region
from layak.testing import make_membership, make_user

pytestmark = pytest.mark.django_db
A = authz.Action


def names(qs):
    return set(qs.values_list("name", flat=True))


def test_ministry_sees_everything(personas):
    assert Organisation.objects.for_user(personas.ministry, A.VIEW).count() == (
        Organisation.objects.count()
    )


def test_district_admin_reaches_its_district_only(personas):
    visible = Organisation.objects.for_user(personas.bekasi_admin, A.MANAGE)
    assert visible.exists()
    assert all(o.region.code.startswith("32.16") for o in visible.select_related("region"))
    assert not visible.filter(region__code="62.10").exists()


def test_province_verifier_sees_its_province_but_cannot_manage(personas):
    jabar = personas.jabar
    seen = Organisation.objects.for_user(jabar, A.VIEW)
    assert seen.filter(region__code="32.16").exists()
    assert not seen.filter(region__code="62.10").exists()
    assert not Organisation.objects.for_user(jabar, A.MANAGE).exists()


def test_office_operator_reaches_only_its_own_office(personas):
    operator = personas.bekasi_dinkes
    seen = Organisation.objects.for_user(operator, A.VIEW)
    assert names(seen) == {"Dinas Kesehatan Kabupaten Bekasi"}
    colleagues = Membership.objects.for_user(operator, A.VIEW)
    assert {m.organisation.name for m in colleagues.select_related("organisation")} == {
        "Dinas Kesehatan Kabupaten Bekasi"
    }
    # On rows without an owner (the region tree), it reads its district only.
    regions = Region.objects.filter(authz.scope_q(operator, A.VIEW, region=""))
    assert regions.filter(code="32.16.01").exists()
    assert not regions.filter(code="62.10").exists()
    # ...and it may not write them.
    assert not Region.objects.filter(authz.scope_q(operator, A.EDIT, region="")).exists()


def test_partner_does_not_see_another_partner(personas):
    partner = personas["bekasi.partner"]
    seen = names(Organisation.objects.for_user(partner, A.VIEW))
    assert seen == {"PT Sinar Cikarang Sejahtera"}


def test_assessor_reaches_assigned_districts_only(personas):
    assessor = personas["assessor"]
    regions = Region.objects.filter(authz.scope_q(assessor, A.VERIFY, region=""))
    assert regions.filter(code="32.16").exists()
    assert regions.filter(code="62.10").exists()
    assert not regions.filter(code="32.01").exists()
    assert not regions.filter(code="32").exists()


def test_reader_can_view_but_not_edit_or_manage(personas):
    regent = personas.bekasi_regent
    assert Organisation.objects.for_user(regent, A.VIEW).filter(region__code="32.16").exists()
    assert not Organisation.objects.for_user(regent, A.EDIT).exists()
    assert not Organisation.objects.for_user(regent, A.MANAGE).exists()


def test_inactive_membership_or_organisation_grants_nothing(personas):
    user = make_user()
    dinkes = Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi")
    membership = make_membership(user, dinkes, "office_operator")
    assert Organisation.objects.for_user(user, A.VIEW).exists()
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    user = type(user).objects.get(pk=user.pk)  # fresh object, no cached grants
    assert not Organisation.objects.for_user(user, A.VIEW).exists()


def test_user_without_membership_sees_nothing(db):
    user = make_user()
    assert not Organisation.objects.for_user(user, A.VIEW).exists()
    assert not AuditEntry.objects.for_user(user).exists()
    assert authz.roles(user) == set()


def test_several_memberships_add_up(personas):
    user = make_user()
    make_membership(
        user, Organisation.objects.get(name="Dinas Kesehatan Kabupaten Bekasi"), "office_operator"
    )
    make_membership(
        user,
        Organisation.objects.get(name="Sekretariat Daerah Kabupaten Gunung Mas"),
        "reader",
    )
    seen = Organisation.objects.for_user(user, A.VIEW)
    assert seen.filter(name="Dinas Kesehatan Kabupaten Bekasi").exists()
    assert seen.filter(region__code="62.10", kind="business").exists()
    assert not seen.filter(name="Dinas Sosial Kabupaten Bekasi").exists()
