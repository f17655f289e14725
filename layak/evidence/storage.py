"""Storing an uploaded file together with its row, all or nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import File
from django.db import models, transaction


def save_with_file(
    obj: models.Model, data: IO[bytes], extension: str, then: Callable[[], Any]
) -> None:
    """Write ``data`` to ``obj.file`` under a generated name, save ``obj`` and run ``then`` (the
    audit entry) in one transaction; if any of it fails the stored file is removed again, so
    nothing partial remains."""
    field = obj.file  # type: ignore[attr-defined]
    with transaction.atomic():
        field.save(f"upload.{extension}", File(data), save=False)
        try:
            obj.save()
            then()
        except Exception:
            field.delete(save=False)
            raise
