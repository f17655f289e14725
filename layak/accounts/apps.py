from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "layak.accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        checks.register(check_otp_required_roles)


def check_otp_required_roles(**kwargs: Any) -> list[checks.CheckMessage]:
    """OTP_REQUIRED_ROLES must name membership roles: a typo would silently require nothing."""
    from django.conf import settings

    from layak.organisations.roles import Role

    unknown = sorted(set(settings.OTP_REQUIRED_ROLES) - set(Role.values))
    if not unknown:
        return []
    return [
        checks.Error(
            f"OTP_REQUIRED_ROLES names unknown roles: {', '.join(unknown)}.",
            hint=f"Use role codes: {', '.join(Role.values)}.",
            id="layak.accounts.E001",
        )
    ]
