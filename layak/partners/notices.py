"""Notices of the partners' hand-offs: the secretariat validated or returned a commitment or a
contribution, and the partner's people hear of it."""

from __future__ import annotations

from django.utils.translation import gettext_noop

from layak.accounts.models import User
from layak.core.people import members_of
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.organisations.models import Organisation
from layak.partners.models import Commitment, Contribution, district_of
from layak.workflow import Status


def record_reviewed(
    *, actor: User, item: Commitment | Contribution, organisation: Organisation
) -> int:
    returned = item.status == Status.RETURNED
    commitment = isinstance(item, Commitment)
    if returned:
        message = (
            gettext_noop("%(actor)s returned the commitment “%(what)s”: %(reason)s")
            if commitment
            else gettext_noop("%(actor)s returned the contribution “%(what)s”: %(reason)s")
        )
    else:
        message = (
            gettext_noop("%(actor)s validated the commitment “%(what)s”")
            if commitment
            else gettext_noop("%(actor)s validated the contribution “%(what)s”")
        )
    what = item.title if isinstance(item, Commitment) else item.description[:100]
    return notify(
        members_of(organisation.pk),
        Notice.Kind.PARTNER_RETURNED if returned else Notice.Kind.PARTNER_VALIDATED,
        actor=actor,
        url=item.get_absolute_url(),
        message=message,
        params={
            "actor": actor.full_name or actor.email,
            "what": what,
            "reason": item.return_reason,
        },
        target=item,
        region=district_of(organisation),
    )
