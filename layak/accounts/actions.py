"""Changes a person makes to their own account, each audited."""

from __future__ import annotations

from django.db import transaction

from layak.accounts.models import User
from layak.audit.log import record


@transaction.atomic
def user_set_language(*, actor: User, language: str) -> None:
    if actor.language == language:
        return
    before = actor.language
    actor.language = language
    actor.save(update_fields=["language"])
    record(
        actor=actor,
        action="user.language_changed",
        obj=actor,
        region=None,
        before={"language": before},
        after={"language": language},
    )


@transaction.atomic
def user_password_changed(*, actor: User, how: str) -> None:
    """Audit a password set through Django's forms (the hash itself is never logged)."""
    record(actor=actor, action=f"user.password_{how}", obj=actor, region=None)


@transaction.atomic
def user_update_profile(*, actor: User, full_name: str) -> None:
    if actor.full_name == full_name:
        return
    before = actor.full_name
    actor.full_name = full_name
    actor.save(update_fields=["full_name"])
    record(
        actor=actor,
        action="user.profile_changed",
        obj=actor,
        region=None,
        before={"full_name": before},
        after={"full_name": full_name},
    )
