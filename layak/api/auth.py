"""API authentication: a personal access token (``Authorization: Bearer lyk_…``) or the browser
session. Tokens are rate limited per token (``API_RATE_LIMIT`` requests a minute)."""

from __future__ import annotations

import datetime
import hmac
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import timezone, translation
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from layak.api.models import PREFIX, ApiToken, hash_secret


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        # A bearer token that is not valid is refused outright, even when the request also
        # carries a session cookie: a revoked token must never work.
        parts = token.split("_", 2)
        if len(parts) != 3 or parts[0] != PREFIX:
            raise AuthenticationError
        found = (
            ApiToken.objects.filter(
                key_id=parts[1], revoked_at__isnull=True, expires_at__gt=timezone.now()
            )
            .select_related("user")
            .first()
        )
        if found is None or not found.user.is_active:
            raise AuthenticationError
        if not hmac.compare_digest(found.secret_hash, hash_secret(parts[2])):
            raise AuthenticationError
        minute = timezone.now().strftime("%Y%m%d%H%M")
        key = f"api-rate:{found.pk}:{minute}"
        count = cache.get_or_set(key, 0, timeout=90) or 0
        if count >= settings.API_RATE_LIMIT:
            raise HttpError(429, "rate_limited")
        try:
            cache.incr(key)
        except ValueError:
            cache.set(key, 1, timeout=90)
        if found.last_used_at is None or found.last_used_at < timezone.now() - datetime.timedelta(
            minutes=5
        ):
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
        request.user = found.user
        translation.activate(found.user.language)
        request.LANGUAGE_CODE = found.user.language
        return found.user
