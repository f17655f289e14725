"""API authentication, shared by Layak's own API (``/api/v1/``) and the DHIS2-style endpoints
(``/api/dataValueSets`` …):

- a personal access token, as ``Authorization: Bearer lyk_…`` or, the way DHIS2 clients send
  it, ``Authorization: ApiToken lyk_…``, or as the password of HTTP Basic (the user name is the
  token owner's email address);
- HTTP Basic with the account's own password, only when ``API_BASIC_AUTH`` is on (off by
  default), never for an account that signs in with a second step (its role requires one, or
  its owner turned it on): a password alone must not open what the web pages guard with a code.
  Wrong passwords count towards the same lockout as the sign-in page (django-axes);
- the browser session (checked by the caller, with its CSRF token).

Requests carrying these credentials in the ``Authorization`` header need no CSRF token: a
browser never adds that header by itself. Each token (or, with Basic and a password, each
account) may make ``API_RATE_LIMIT`` requests a minute, counted in the database so the limit
holds for all web workers and machines together.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hmac
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from layak.accounts import twofactor
from layak.accounts.models import User
from layak.api.models import PREFIX, ApiToken, hash_secret
from layak.api.ratelimit import count_request

TOKEN_SCHEMES = ("bearer", "apitoken")


class Refused(AuthenticationError):
    """Credentials that are refused with a reason worth telling the caller (401)."""

    def __init__(self, message: str) -> None:
        super().__init__()
        self.message = message


def _rate_limit(key: str) -> None:
    """Counted in the database (``layak.api.ratelimit``), once for every worker and machine."""
    if count_request(key) > settings.API_RATE_LIMIT:
        raise HttpError(429, "rate_limited")


def _signed_in(request: HttpRequest, user: User) -> User:
    request.user = user
    translation.activate(user.language)
    request.LANGUAGE_CODE = user.language
    return user


def token_user(request: HttpRequest, token: str, email: str | None = None) -> User:
    """The owner of a valid, unrevoked, unexpired token (and, given ``email``, only when the
    token is that person's). A token that is not valid is refused outright, even when the
    request also carries a session cookie: a revoked token must never work."""
    parts = token.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        raise AuthenticationError
    now = timezone.now()
    # At most one row (``key_id`` is unique): no ordering to add, as ``first()`` would.
    found = next(
        iter(
            ApiToken.objects.filter(key_id=parts[1], revoked_at__isnull=True, expires_at__gt=now)
            .select_related("user")
            .order_by()[:1]
        ),
        None,
    )
    if found is None or not found.user.is_active:
        raise AuthenticationError
    if not hmac.compare_digest(found.secret_hash, hash_secret(parts[2])):
        raise AuthenticationError
    if email is not None and found.user.email.casefold() != email.strip().casefold():
        raise AuthenticationError
    _rate_limit(str(found.pk))
    if found.last_used_at is None or found.last_used_at < now - datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
    return _signed_in(request, found.user)


def basic_user(request: HttpRequest, credentials: str) -> User:
    """HTTP Basic: ``email:token`` always; ``email:password`` when ``API_BASIC_AUTH`` is on."""
    try:
        decoded = base64.b64decode(credentials.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        raise AuthenticationError from None
    email, colon, secret = decoded.partition(":")
    if not colon or not email or not secret:
        raise AuthenticationError
    if secret.startswith(f"{PREFIX}_"):
        return token_user(request, secret, email=email)
    if not settings.API_BASIC_AUTH:
        raise Refused(
            _("Sign in with a personal access token: passwords are not accepted by the API.")
        )
    try:
        user = authenticate(request, username=email.strip().lower(), password=secret)
    except AxesBackendPermissionDenied:
        raise Refused(_("Too many wrong passwords; try again later.")) from None
    if not isinstance(user, User) or not user.is_active:
        raise AuthenticationError
    if twofactor.requires_two_factor(user) or twofactor.has_two_factor(user):
        raise Refused(
            _(
                "This account signs in with a second step; the API takes a personal access "
                "token for it instead of the password."
            )
        )
    _rate_limit(f"user-{user.pk}")
    return _signed_in(request, user)


def header_user(request: HttpRequest) -> User | None:
    """The person the ``Authorization`` header names; None when there is none (or it names a
    scheme Layak does not know, left to the session). Raises ``AuthenticationError`` for
    credentials that are wrong."""
    header = request.headers.get("Authorization", "").strip()
    if not header:
        return None
    scheme, _space, value = header.partition(" ")
    if scheme.lower() in TOKEN_SCHEMES:
        return token_user(request, value)
    if scheme.lower() == "basic":
        return basic_user(request, value)
    return None


class TokenAuth(HttpBearer):
    """Layak's own API: a token (``Bearer`` or ``ApiToken``) or HTTP Basic, as above. Shown in
    the OpenAPI schema as a bearer token."""

    def __call__(self, request: HttpRequest) -> Any:
        return header_user(request)

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        return token_user(request, token)
