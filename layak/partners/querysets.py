"""Scoped querysets: a partner's rows belong to the partner organisation, so a partner
contributor reaches only its own organisation's profile, contacts, commitments and
contributions, while the district's administrator reaches every partner of the district."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from layak import authz

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.partners.models import (  # noqa: F401
        Commitment,
        Contact,
        Contribution,
        PartnerProfile,
    )


class ProfileQuerySet(models.QuerySet["PartnerProfile"]):
    def for_user(self, user: User, action: authz.Action) -> ProfileQuerySet:
        return self.filter(
            authz.scope_q(user, action, region="organisation__region", organisation="organisation")
        )


class ContactQuerySet(models.QuerySet["Contact"]):
    def for_user(self, user: User, action: authz.Action) -> ContactQuerySet:
        return self.filter(
            authz.scope_q(user, action, region="organisation__region", organisation="organisation")
        )


class CommitmentQuerySet(models.QuerySet["Commitment"]):
    def for_user(self, user: User, action: authz.Action) -> CommitmentQuerySet:
        return self.filter(
            authz.scope_q(user, action, region="organisation__region", organisation="organisation")
        )


class ContributionQuerySet(models.QuerySet["Contribution"]):
    def for_user(self, user: User, action: authz.Action) -> ContributionQuerySet:
        return self.filter(
            authz.scope_q(
                user,
                action,
                region="commitment__organisation__region",
                organisation="commitment__organisation",
            )
        )
