"""Storing an uploaded file together with its row, all or nothing.

Every upload Layak keeps goes through ``store`` (or ``save_field_file``, for a model's file
field): a write that fails half-way (a full disk, a quota, an I/O error) removes whatever part
of the file reached the storage, and a full disk becomes ``StorageFull``, an ``UploadRefused``
whose message tells the person what happened. Callers write the row in the same transaction, so
a failed upload leaves neither a file nor a row.
"""

from __future__ import annotations

import contextlib
import errno
import logging
from collections.abc import Callable
from typing import IO, Any

from django.core.files.base import File
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from layak.evidence.sniff import UploadRefused

__all__ = ["StorageFull", "UploadRefused", "save_field_file", "save_with_file", "store"]

log = logging.getLogger(__name__)

# A write refused because there is no room: the disk is full or the account's quota is used up.
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT})


class StorageFull(UploadRefused):
    """The storage had no room for the file; nothing of it was kept."""

    def __init__(self) -> None:
        super().__init__(
            _(
                "The server's storage is full; the file was not saved. Try again later or tell "
                "the administrator."
            )
        )


def _remove_partial(storage: Storage, name: str) -> None:
    with contextlib.suppress(OSError):
        if storage.exists(name):
            storage.delete(name)


def store(storage: Storage, name: str, content: Any, *, max_length: int | None = None) -> str:
    """Save ``content`` in ``storage`` under ``name`` (or a free variant of it) and return the
    name used. If the write fails, any part of the file already written is removed; a full disk
    raises ``StorageFull``, any other error is raised as it is."""
    target = storage.get_available_name(name, max_length=max_length)
    if not hasattr(content, "chunks"):
        content = File(content, getattr(content, "name", None) or target)
    try:
        return storage.save(target, content, max_length=max_length)
    except OSError as exc:
        _remove_partial(storage, target)
        if exc.errno in NO_SPACE:
            log.error("storage full while saving %s: %s", target, exc)
            raise StorageFull from exc
        raise


def save_field_file(field_file: FieldFile, name: str, content: Any) -> None:
    """``FieldFile.save(name, content, save=False)``, through ``store``."""
    generated = field_file.field.generate_filename(field_file.instance, name)
    stored = store(field_file.storage, generated, content, max_length=field_file.field.max_length)
    field_file.name = stored
    setattr(field_file.instance, field_file.field.attname, stored)
    field_file._committed = True  # type: ignore[attr-defined]


def save_with_file(
    obj: models.Model, data: IO[bytes], extension: str, then: Callable[[], Any]
) -> None:
    """Write ``data`` to ``obj.file`` under a generated name, save ``obj`` and run ``then`` (the
    audit entry) in one transaction; if any of it fails the stored file is removed again, so
    nothing partial remains (a full disk raises ``StorageFull``)."""
    field = obj.file  # type: ignore[attr-defined]
    with transaction.atomic():
        save_field_file(field, f"upload.{extension}", File(data))
        try:
            obj.save()
            then()
        except Exception:
            field.delete(save=False)
            raise
