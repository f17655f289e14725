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
import functools
import hmac
from dataclasses import dataclass
from typing import Any

from axes.exceptions import AxesBackendPermissionDenied
from django.conf import settings
from django.contrib.auth import authenticate
from django.db import connections
from django.http import HttpRequest
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from ninja.errors import AuthenticationError, HttpError
from ninja.security import HttpBearer

from layak.accounts import twofactor
from layak.accounts.identity import convert, row_converters
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
    found = _token(parts[1], now)
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


@dataclass(frozen=True, slots=True)
class _Found:
    pk: int
    secret_hash: str
    last_used_at: datetime.datetime | None
    user: User


@functools.cache
def _token_statement(alias: str) -> tuple[str, list[str], list[list[Any]]]:
    """The unrevoked, unexpired token of a key id with its owner's account (every column): one
    statement, its text built once. ``key_id`` is unique, so at most one row."""
    quote = connections[alias].ops.quote_name
    users = list(User._meta.concrete_fields)
    columns = ", ".join(f"u.{quote(str(f.column))}" for f in users)
    token = ApiToken._meta
    sql = (
        f"SELECT t.{quote('id')}, t.{quote('secret_hash')}, t.{quote('last_used_at')}, "  # noqa: S608
        f"{columns} FROM {quote(token.db_table)} t "
        f"JOIN {quote(User._meta.db_table)} u ON u.{quote('id')} = t.{quote('user_id')} "
        f"WHERE t.{quote('key_id')} = %s AND t.{quote('revoked_at')} IS NULL "
        f"AND t.{quote('expires_at')} > %s"
    )
    fields = [token.get_field("last_used_at"), *users]
    return sql, [f.attname for f in users], row_converters(alias, fields)


def _token(key_id: str, now: datetime.datetime) -> _Found | None:
    alias = "default"
    sql, fields, converters = _token_statement(alias)
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_id, connection.ops.adapt_datetimefield_value(now)])
        row = cursor.fetchone()
    if row is None:
        return None
    values = convert(alias, converters, row[2:])
    user = User.from_db(alias, fields, values[1:])
    return _Found(int(row[0]), str(row[1]), values[0], user)


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
