from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db import models

from layak import authz

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.organisations.models import Membership, Organisation  # noqa: F401


class OrganisationQuerySet(models.QuerySet["Organisation"]):
    def for_user(self, user: User, action: authz.Action) -> OrganisationQuerySet:
        return self.filter(authz.scope_q(user, action, region="region", organisation="pk"))


class MembershipQuerySet(models.QuerySet["Membership"]):
    def for_user(self, user: User, action: authz.Action) -> MembershipQuerySet:
        return self.filter(
            authz.scope_q(user, action, region="organisation__region", organisation="organisation")
        )

    def active(self) -> MembershipQuerySet:
        return self.filter(is_active=True, user__is_active=True, organisation__is_active=True)

    def pending(self) -> MembershipQuerySet:
        """Memberships of people invited who have not yet set a password."""
        return self.filter(user__password__startswith=UNUSABLE_PASSWORD_PREFIX)
