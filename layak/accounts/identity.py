"""Who a signed-in request is, read in one statement.

Django's ``AuthenticationMiddleware`` and ``django_otp``'s ``OTPMiddleware`` each read a row
(the account, then the device that verified the session), each building a queryset per request.
``identify`` reads both, and whether the person has a confirmed authenticator app (what the
two-factor step asks of an unverified session), in one prepared statement, and applies exactly
their rules:

- the session names an account and a backend still configured (``ModelBackend``'s lookup; any
  other backend takes Django's own path);
- a deactivated account is nobody (``ModelBackend.user_can_authenticate``);
- the session's password hash must match the account's (a password change signs out every
  other session), with Django's fallback secrets and their key rotation;
- the device that verified the session must be the person's and confirmed, else the session is
  unverified and forgets it (``OTPMiddleware._finalize_device``).

Nothing is kept between requests: every request reads the current rows, so a sign-out, a
password change, a removed device or a deactivation takes effect at the next request.
"""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    load_backend,
)
from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections
from django.http import HttpRequest
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject, empty
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.middleware import is_verified
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from layak.accounts import twofactor
from layak.accounts.models import User

# The devices a session can be verified by, by their ``persistent_id`` label.
_DEVICES: dict[str, type[Any]] = {
    TOTPDevice.model_label(): TOTPDevice,
    StaticDevice.model_label(): StaticDevice,
}
_DEVICE_FIELDS = ["id", "user_id", "confirmed"]


@functools.cache
def _statement(alias: str, device_table: str | None) -> tuple[str, list[str], list[list[Any]]]:
    """The statement reading the account (every column), whether it has a confirmed app and,
    given ``device_table``, whether the session's device is the person's and confirmed."""
    quote = connections[alias].ops.quote_name
    fields = [f.attname for f in User._meta.concrete_fields]
    columns = ", ".join(f"u.{quote(str(f.column))}" for f in User._meta.concrete_fields)
    app = quote(TOTPDevice._meta.db_table)
    device = (
        f"(SELECT COUNT(*) FROM {quote(device_table)} d WHERE d.id = %s "  # noqa: S608
        "AND d.user_id = u.id "
        "AND d.confirmed)"
        if device_table
        else "0"
    )
    sql = (
        f"SELECT {columns}, "  # noqa: S608 - names from the models, values as parameters
        f"(SELECT COUNT(*) FROM {app} a WHERE a.user_id = u.id AND a.confirmed), {device} "
        f"FROM {quote(User._meta.db_table)} u WHERE u.id = %s"
    )
    return sql, fields, row_converters(alias, list(User._meta.concrete_fields))


def _fast_backend(path: str) -> bool:
    """Whether ``path`` is a configured backend that looks accounts up as ``ModelBackend``."""
    if path not in settings.AUTHENTICATION_BACKENDS:
        return False
    backend: Any = type(load_backend(path))
    return bool(
        getattr(backend, "get_user", None) is ModelBackend.get_user
        and getattr(backend, "user_can_authenticate", None) is ModelBackend.user_can_authenticate
    )


def _device_of(persistent_id: str | None) -> tuple[type[Any], int] | None:
    if not persistent_id:
        return None
    label, _slash, raw = persistent_id.rpartition("/")
    model = _DEVICES.get(label)
    if model is None or not raw.isdigit():
        return None
    return model, int(raw)


def identify(request: HttpRequest) -> None:
    """Set ``request.user`` (with ``otp_device`` and ``is_verified``) for a session that names
    an account, in one statement; leave the lazy user of the middleware in place otherwise
    (no session, another backend, a device kind not listed here, a user already read)."""
    lazy = getattr(request, "user", None)
    if not isinstance(lazy, SimpleLazyObject) or lazy._wrapped is not empty:
        return
    session = request.session
    user_id = session.get(SESSION_KEY)
    backend = session.get(BACKEND_SESSION_KEY)
    if user_id is None or backend is None or not _fast_backend(backend):
        return
    persistent_id = session.get(DEVICE_ID_SESSION_KEY)
    device = _device_of(persistent_id)
    if persistent_id and device is None:
        return
    try:
        pk = User._meta.pk.to_python(user_id)
    except (ValidationError, TypeError, ValueError):  # malformed: Django's path answers it
        return
    alias = "default"
    sql, fields, converters = _statement(alias, device[0]._meta.db_table if device else None)
    params = [device[1], pk] if device else [pk]
    generation = twofactor.devices_generation()
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    user: User | None = None
    if row is not None:
        found = User.from_db(alias, fields, convert(alias, converters, row[: len(fields)]))
        if found.is_active:
            user = found
    if user is not None and not _session_verified(session, user):
        user = None
    if user is None:
        return  # the lazy user reads the same and answers nobody (and flushes as Django does)
    assert row is not None  # a user was read
    has_app, device_ok = bool(row[-2]), bool(row[-1])
    setattr(user, twofactor.HAS_APP_ATTR, (generation, has_app))
    otp_device = None
    if device is not None and device_ok:
        otp_device = device[0].from_db(alias, _DEVICE_FIELDS, [device[1], user.pk, True])
    elif DEVICE_ID_SESSION_KEY in session:
        del session[DEVICE_ID_SESSION_KEY]
    user.otp_device = otp_device  # type: ignore[attr-defined]
    user.is_verified = functools.partial(is_verified, user)  # type: ignore[attr-defined]
    request.user = user
    request._cached_user = user  # type: ignore[attr-defined]


def _session_verified(session: Any, user: User) -> bool:
    """Django's check of the session's password hash (``django.contrib.auth.get_user``); a
    session that fails it is left to Django's path, which flushes it."""
    stored = session.get(HASH_SESSION_KEY)
    return bool(stored) and constant_time_compare(stored, user.get_session_auth_hash())


def row_converters(alias: str, fields: list[Any]) -> list[list[Any]]:
    """For each model field, the converters the ORM applies to its database value (SQLite's
    text dates made aware, booleans, ...), so a row read with a cursor becomes the same values."""
    connection = connections[alias]
    found = []
    for field in fields:
        col = field.get_col(field.model._meta.db_table)
        found.append(
            [col, *connection.ops.get_db_converters(col), *field.get_db_converters(connection)]
        )
    return found


def convert(alias: str, converters: list[list[Any]], row: Any) -> list[Any]:
    connection = connections[alias]
    values = []
    for value, (col, *steps) in zip(row, converters, strict=False):
        for step in steps:
            value = step(value, col, connection)
        values.append(value)
    return values
