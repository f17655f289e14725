from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models

from layak import authz

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.afse.models import Event  # noqa: F401


class EventQuerySet(models.QuerySet["Event"]):
    def for_user(self, user: User, action: authz.Action) -> EventQuerySet:
        """Everyone of the district reads its events (offices, partners and the forum too, and a
        kecamatan or village operator those held in its area); the organiser's people, the
        district administrator and the ministry change them."""
        if action == authz.Action.VIEW:
            q = (
                authz.scope_q(user, action, region="region")
                | authz.scope_q(user, action, region="place")
                | authz.scope_q(user, action, region="region", organisation="organiser")
            )
        else:
            q = authz.scope_q(user, action, region="organiser__region", organisation="organiser")
        return self.filter(q)

    def active(self) -> EventQuerySet:
        return self.filter(is_active=True)
