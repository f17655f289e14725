"""Changes a person makes to their own notices and preferences."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from layak.audit.log import record
from layak.notifications.models import DEFAULT_DELIVERY, Delivery, Notice, Preference

if TYPE_CHECKING:
    from layak.accounts.models import User


def notice_open(*, user: User, notice: Notice) -> Notice:
    """Mark the recipient's notice read. A read mark is the reader's own bookkeeping, not data
    anyone entered, so it is not audited (the notice keeps ``read_at``)."""
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_mark_all_read(*, user: User) -> int:
    return Notice.objects.for_user(user).unread().update(read_at=timezone.now())


def current_preferences(user: User) -> dict[str, str]:
    """Every kind with the person's choice, the default where they have not chosen."""
    chosen = dict(Preference.objects.filter(user=user).values_list("kind", "delivery"))
    return {
        kind: chosen.get(kind, DEFAULT_DELIVERY.get(kind, Delivery.IN_APP))
        for kind in Notice.Kind.values
    }


@transaction.atomic
def preferences_set(*, actor: User, choices: dict[str, str]) -> int:
    """Store the person's choice per kind (audited per changed kind); returns how many changed."""
    before = current_preferences(actor)
    changed = 0
    for kind, delivery in choices.items():
        if kind not in Notice.Kind.values or delivery not in Delivery.values:
            raise ValueError(f"Unknown kind or delivery {kind!r}/{delivery!r}.")
        if before[kind] == delivery:
            continue
        pref, _created = Preference.objects.update_or_create(
            user=actor, kind=kind, defaults={"delivery": delivery}
        )
        record(
            actor=actor,
            action="notice_preference.changed",
            obj=pref,
            region=None,
            before={"kind": kind, "delivery": before[kind]},
            after={"kind": kind, "delivery": delivery},
        )
        changed += 1
    return changed
