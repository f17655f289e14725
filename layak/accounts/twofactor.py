"""Two-factor sign-in with a time-based code (TOTP, RFC 6238) from an authenticator app.

A person has two factors when they hold a *confirmed* TOTP device (``django_otp``'s
``TOTPDevice``); single-use backup codes (a ``StaticDevice`` named ``backup``) stand in for the
app when the phone is lost. The roles in ``settings.OTP_REQUIRED_ROLES`` must have a device: they
enrol at their next sign-in before anything else. Anyone else may enrol from their profile.

A session is *verified* once a code was accepted in it (``django_otp.login`` stores the device in
the session; ``OTPMiddleware`` gives ``request.user.is_verified()``). API tokens are a separate
way in and never ask for a code.
"""

from __future__ import annotations

import re
from base64 import b32encode
from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django_otp import verify_token
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from layak import authz

BACKUP_DEVICE_NAME = "backup"
APP_DEVICE_NAME = "authenticator"
BACKUP_CODE_COUNT = 10
# Wrong codes counted in the session of a half-finished sign-in.
FAILURES_SESSION_KEY = "layak_otp_failures"

_SEPARATORS = re.compile(r"[\s-]+")


def requires_two_factor(user: Any) -> bool:
    """Whether one of the user's active roles is in ``OTP_REQUIRED_ROLES``."""
    if not user.is_authenticated:
        return False
    required = set(settings.OTP_REQUIRED_ROLES)
    return bool(authz.roles(user) & required)


def app_device(user: Any) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if any."""
    if not user.is_authenticated:
        return None
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()


# A user object remembers whether it has an authenticator (``has_two_factor``), read once per
# request; any change to an authenticator in this process makes that answer stale.
HAS_APP_ATTR = "_layak_has_app"
_devices_generation = 0


def _devices_changed(**_kwargs: Any) -> None:
    global _devices_generation
    _devices_generation += 1


def devices_generation() -> int:
    """The current generation: an answer read before a later change is stale."""
    return _devices_generation


# Connected here: nothing is remembered before this module is imported.
post_save.connect(_devices_changed, sender=TOTPDevice, dispatch_uid="layak.twofactor.saved")
post_delete.connect(_devices_changed, sender=TOTPDevice, dispatch_uid="layak.twofactor.deleted")


def has_two_factor(user: Any) -> bool:
    """Whether the user has a confirmed authenticator app (one query per request's user)."""
    if not user.is_authenticated:
        return False
    cached: tuple[int, bool] | None = getattr(user, HAS_APP_ATTR, None)
    if cached is not None and cached[0] == _devices_generation:
        return cached[1]
    generation = _devices_generation
    found = bool(TOTPDevice.objects.filter(user=user, confirmed=True).exists())
    setattr(user, HAS_APP_ATTR, (generation, found))
    return found


def is_verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def pending_device(user: Any) -> TOTPDevice:
    """The device being enrolled: the same secret until it is confirmed, so reloading the page
    does not invalidate what the person already scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def secret_base32(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def secret_groups(device: TOTPDevice) -> str:
    """The secret for typing by hand: ``ABCD EFGH ...``."""
    secret = secret_base32(device)
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` link as an SVG QR code in a ``data:`` URI (the CSP allows data: images
    and no inline markup styles)."""
    qr = segno.make(str(device.config_url), error="m")
    return str(qr.svg_data_uri(scale=4, border=2))


def normalise(code: str) -> str:
    return _SEPARATORS.sub("", code or "").lower()


def is_app_code(code: str) -> bool:
    return len(code) == 6 and code.isdigit()


def check_code(user: Any, code: str) -> Device | None:
    """The device that accepts ``code``: the authenticator app for six digits, else a backup
    code (used up by this call). Replayed codes and codes during the device's throttling delay
    are refused (django-otp)."""
    code = normalise(code)
    if not code:
        return None
    if is_app_code(code):
        device: Device | None = app_device(user)
    else:
        device = StaticDevice.objects.filter(
            user=user, name=BACKUP_DEVICE_NAME, confirmed=True
        ).first()
    if device is None:
        return None
    return verify_token(user, device.persistent_id, code)


def check_pending_code(device: TOTPDevice, code: str) -> bool:
    """Whether the device being enrolled accepts ``code`` (its first verification)."""
    code = normalise(code)
    if not is_app_code(code):
        return False
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update(of=("self",)).get(pk=device.pk)
        accepted = bool(locked.verify_token(code))
    device.refresh_from_db()
    return accepted


def backup_codes_left(user: Any) -> int:
    device = StaticDevice.objects.filter(user=user, name=BACKUP_DEVICE_NAME).first()
    return device.token_set.count() if device is not None else 0
