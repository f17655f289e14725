from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.accounts.models import User
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import (
    DISTRICT_GRANTABLE_ROLES,
    ROLE_ORGANISATION_KINDS,
    OrganisationKind,
    Role,
)
from layak.regions.forms import RegionField
from layak.regions.models import Region


def _managed_regions(user: User) -> Any:
    return Region.objects.filter(authz.scope_q(user, authz.Action.MANAGE, region=""))


def _picker_root(user: User) -> str:
    """The code of the subtree the picker searches: the user's district, or the whole country."""
    paths = [p for g in authz.grants(user) if g.allows(authz.Action.MANAGE) for p in g.paths]
    national = any(g.national and g.allows(authz.Action.MANAGE) for g in authz.grants(user))
    return "" if national or len(paths) != 1 else paths[0].rstrip(".")


class OrganisationForm(forms.ModelForm):  # type: ignore[type-arg]
    region = RegionField(label=_("Region"), required=False)

    class Meta:
        model = Organisation
        fields = ["name", "acronym", "kind", "office_kind", "region", "email", "phone", "address"]

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"] = RegionField(
            label=_("Region"),
            required=False,
            queryset=_managed_regions(user),
            within=_picker_root(user),
        )
        if Role.MINISTRY_ADMIN not in authz.roles(user):
            kind_field = self.fields["kind"]
            assert isinstance(kind_field, forms.ChoiceField)
            national = {OrganisationKind.MINISTRY, OrganisationKind.PROVINCE_OFFICE}
            kind_field.choices = [
                (value, label) for value, label in OrganisationKind.choices if value not in national
            ]


def grantable_roles(user: User, organisation: Organisation) -> list[tuple[str, str]]:
    national = Role.MINISTRY_ADMIN in authz.roles(user)
    return [
        (role.value, str(role.label))
        for role in Role
        if organisation.kind in ROLE_ORGANISATION_KINDS[role]
        and (national or role in DISTRICT_GRANTABLE_ROLES)
    ]


class InviteForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, user: User, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        # No role is chosen for the inviter: the first one offered may carry the district's
        # whole rights.
        role_field.choices = [("", _("— choose a role —")), *grantable_roles(user, organisation)]


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"))

    def __init__(self, *args: Any, user: User, membership: Membership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        role_field = self.fields["role"]
        assert isinstance(role_field, forms.ChoiceField)
        role_field.choices = grantable_roles(user, membership.organisation)


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Organisation.Kind.choices],
    )
    inactive = forms.BooleanField(label=_("Show inactive"), required=False)


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=[("", _("All roles")), *Role.choices]
    )
    pending = forms.BooleanField(label=_("Only invitations not yet accepted"), required=False)
