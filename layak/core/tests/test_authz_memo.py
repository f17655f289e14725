"""A person's grants are read once per user object, in one query, and read again as soon as a
membership, an assessor's districts or an organisation changes. Each request has its own user
object, so nothing carries over from one request (or test) to the next."""

from __future__ import annotations

import pytest
from django.urls import reverse

from layak import authz
from layak.authz import Action as A
from layak.organisations.actions import (
    assessor_assign,
    member_invite,
    membership_set_active,
    organisation_set_active,
)
from layak.organisations.models import Membership
from layak.regions.models import Region
from layak.testing import BEKASI, GUNUNG_MAS

pytestmark = pytest.mark.django_db


def reload(user):
    """The person as a new request would see them: a user object without cached grants."""
    return type(user).objects.get(pk=user.pk)


def test_grants_cost_one_query_however_often_a_request_asks(personas, django_assert_num_queries):
    admin = reload(personas.bekasi_admin)
    with django_assert_num_queries(1):
        for _ in range(11):
            authz.grants(admin)
            authz.roles(admin)
            authz.has_action(admin, A.MANAGE)
            authz.scope_q(admin, A.VIEW, region="region")
    assert authz.roles(admin) == {"district_admin"}
    assert authz.has_action(admin, A.MANAGE)
    assert not authz.has_action(reload(personas.bekasi_dinkes), A.MANAGE)


def test_each_kind_of_reach_is_read_from_the_one_query(personas):
    bekasi = Region.objects.get(code=BEKASI)
    gunung_mas = Region.objects.get(code=GUNUNG_MAS)
    [ministry] = authz.grants(reload(personas.ministry))
    assert (ministry.role, ministry.national, ministry.paths) == ("ministry_admin", True, ())
    [assessor] = authz.grants(reload(personas["assessor"]))
    assert (assessor.role, assessor.national) == ("assessor", False)
    assert assessor.paths == (bekasi.path, gunung_mas.path)  # in code order
    [dinkes] = authz.grants(reload(personas.bekasi_dinkes))
    assert (dinkes.role, dinkes.paths, dinkes.organisation_scoped) == (
        "office_operator",
        (bekasi.path,),
        True,
    )
    assert (
        dinkes.organisation_id
        == Membership.objects.get(user=personas.bekasi_dinkes).organisation_id
    )


def test_a_role_given_counts_at_once_for_the_same_user_object(personas):
    dinkes = personas.bekasi_dinkes
    assert not authz.has_action(dinkes, A.MANAGE)
    secretariat = Membership.objects.get(user=personas.bekasi_admin).organisation
    member_invite(
        actor=personas.bekasi_admin,
        organisation=secretariat,
        email=dinkes.email,
        full_name=dinkes.full_name,
        role="district_admin",
    )
    assert authz.has_action(dinkes, A.MANAGE)
    assert authz.roles(dinkes) == {"office_operator", "district_admin"}


def test_a_role_taken_away_counts_at_once(personas):
    dinkes = personas.bekasi_dinkes
    assert authz.roles(dinkes) == {"office_operator"}
    membership_set_active(
        actor=personas.bekasi_admin,
        membership=Membership.objects.get(user=dinkes),
        active=False,
    )
    assert authz.grants(dinkes) == []


def test_an_organisation_deactivated_takes_its_members_rights_at_once(personas):
    dinkes = personas.bekasi_dinkes
    assert authz.has_action(dinkes, A.EDIT)
    organisation_set_active(
        actor=personas.bekasi_admin,
        organisation=Membership.objects.get(user=dinkes).organisation,
        active=False,
    )
    assert not authz.has_action(dinkes, A.EDIT)


def test_an_assessors_reach_follows_the_districts_assigned(personas):
    assessor = personas["assessor"]
    bekasi = Region.objects.get(code=BEKASI)
    assert authz.reaches(assessor, A.VERIFY, Region.objects.get(code=GUNUNG_MAS))
    assessor_assign(
        actor=personas.ministry,
        membership=Membership.objects.get(user=assessor),
        codes=[BEKASI],
    )
    assert authz.grants(assessor)[0].paths == (bekasi.path,)
    assert not authz.reaches(assessor, A.VERIFY, Region.objects.get(code=GUNUNG_MAS))


def test_each_request_reads_the_grants_afresh(client, personas):
    """A change made elsewhere (another process: no signal reaches this one) holds from the
    next request on, because every request has its own user object."""
    client.force_login(personas.bekasi_admin)
    members = reverse("organisations:members")

    def menu() -> list[str]:
        return [item["url"] for item in client.get("/regions/").context["nav_items"]]

    assert members in menu()
    Membership.objects.filter(user=personas.bekasi_admin).update(role="reader")
    assert members not in menu()
