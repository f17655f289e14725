from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from layak.accounts.models import User
from layak.api.models import ApiToken, new_token_value
from layak.audit.log import record


@transaction.atomic
def token_create(*, actor: User, name: str, days: int) -> tuple[ApiToken, str]:
    """A new token for ``actor``; the full value is returned once and never stored."""
    value, key_id, secret_hash = new_token_value()
    token = ApiToken.objects.create(
        user=actor,
        name=name.strip()[:100],
        key_id=key_id,
        secret_hash=secret_hash,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    record(
        actor=actor,
        action="api_token.created",
        obj=token,
        region=None,
        after={"name": token.name, "key_id": key_id, "expires_at": token.expires_at.isoformat()},
    )
    return token, value


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> None:
    token = ApiToken.objects.select_for_update(of=("self",)).get(pk=token.pk, user=actor)
    if token.revoked_at is not None:
        return
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    record(
        actor=actor,
        action="api_token.revoked",
        obj=token,
        region=None,
        after={"key_id": token.key_id},
    )
