"""Changes a person makes to their own account, each audited."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from layak import authz
from layak.accounts import twofactor
from layak.accounts.models import User
from layak.audit.log import record
from layak.organisations.roles import Role


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


# ---- two-factor sign-in -------------------------------------------------------------------


class TwoFactorError(Exception):
    """A two-factor change the rules refuse; the message is for the person."""


def _remove_devices(user: User, *, keep: TOTPDevice | None = None) -> int:
    """Remove the user's authenticator apps (but ``keep``) and backup codes. Devices are
    credentials, not records: a secret that was given up must stop working."""
    apps = TOTPDevice.objects.filter(user=user)
    if keep is not None:
        apps = apps.exclude(pk=keep.pk)
    removed = int(apps.filter(confirmed=True).count())
    apps.delete()
    StaticDevice.objects.filter(user=user).delete()
    return removed


def _new_backup_codes(user: User) -> list[str]:
    device = StaticDevice.objects.create(user=user, name=twofactor.BACKUP_DEVICE_NAME)
    codes: list[str] = []
    while len(codes) < twofactor.BACKUP_CODE_COUNT:
        code = StaticToken.random_token()
        if code not in codes:
            codes.append(code)
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def two_factor_enrol(*, actor: User, device: TOTPDevice) -> list[str]:
    """Confirm the authenticator app ``device`` (its code was just accepted), replacing any
    earlier one, and return ten new single-use backup codes (shown once)."""
    if device.user_id != actor.pk:
        raise TwoFactorError(_("This authenticator does not belong to you."))
    device = TOTPDevice.objects.select_for_update(of=("self",)).get(pk=device.pk)
    replaced = _remove_devices(actor, keep=device)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_backup_codes(actor)
    record(
        actor=actor,
        action="user.two_factor_enrolled",
        obj=actor,
        region=None,
        after={"replaced": replaced, "backup_codes": len(codes)},
    )
    return codes


@transaction.atomic
def two_factor_backup_codes_renew(*, actor: User) -> list[str]:
    """Ten new backup codes in place of the old ones (all of which stop working)."""
    if not twofactor.has_two_factor(actor):
        raise TwoFactorError(_("Two-factor sign-in is not on for your account."))
    StaticDevice.objects.filter(user=actor).delete()
    codes = _new_backup_codes(actor)
    record(actor=actor, action="user.two_factor_backup_codes_renewed", obj=actor, region=None)
    return codes


@transaction.atomic
def two_factor_backup_code_used(*, actor: User) -> None:
    """Audit a sign-in with a backup code (the code itself is never logged)."""
    record(
        actor=actor,
        action="user.two_factor_backup_code_used",
        obj=actor,
        region=None,
        after={"backup_codes_left": twofactor.backup_codes_left(actor)},
    )


@transaction.atomic
def two_factor_disable(*, actor: User) -> None:
    """Turn two-factor sign-in off for oneself: not for the roles that require it."""
    if twofactor.requires_two_factor(actor):
        raise TwoFactorError(_("Your role requires two-factor sign-in; it cannot be turned off."))
    removed = _remove_devices(actor)
    if not removed:
        raise TwoFactorError(_("Two-factor sign-in is not on for your account."))
    record(actor=actor, action="user.two_factor_disabled", obj=actor, region=None)


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> None:
    """A ministry administrator removes another person's authenticator and backup codes (a lost
    phone); the person enrols again at their next sign-in (or, if their role does not require
    it, signs in with the password alone)."""
    if Role.MINISTRY_ADMIN not in authz.roles(actor):
        raise PermissionDenied
    if user.pk == actor.pk:
        raise TwoFactorError(_("Ask another ministry administrator to reset your own."))
    User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    removed = _remove_devices(user)
    if not removed:
        raise TwoFactorError(_("This person has no authenticator to reset."))
    record(
        actor=actor,
        action="user.two_factor_reset",
        obj=user,
        region=None,
        before={"authenticators": removed},
        after={"authenticators": 0},
    )
