"""Checks of a production configuration, run by ``manage.py check --deploy``: what would
otherwise fail only later, at the first file stored or the first email sent."""

from __future__ import annotations

import importlib.util
from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.files, deploy=True)
def check_file_storage(**kwargs: Any) -> list[checks.CheckMessage]:
    """S3 storage configured (``S3_BUCKET``) needs boto3, which only the ``s3`` extra installs:
    without it the first upload fails."""
    backend = str(settings.STORAGES.get("default", {}).get("BACKEND", ""))
    if not backend.startswith("storages.backends.s3") or importlib.util.find_spec("boto3"):
        return []
    return [
        checks.Error(
            "S3_BUCKET is set but boto3 is not installed: files cannot be stored.",
            hint="Install the s3 extra: uv sync --frozen --extra s3 (see the README).",
            id="layak.core.E001",
        )
    ]


@checks.register("email", deploy=True)
def check_email(**kwargs: Any) -> list[checks.CheckMessage]:
    """Without EMAIL_HOST, emails (invitations with their set-password links, notices,
    reminders) are only written to the log."""
    if settings.EMAIL_HOST:
        return []
    return [
        checks.Warning(
            "EMAIL_HOST is not set: emails (invitations, notices, reminders) are only written "
            "to the log, set-password links included.",
            hint="Set EMAIL_HOST and its EMAIL_* settings (see the README's Configuration).",
            id="layak.core.W001",
        )
    ]
