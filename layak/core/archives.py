"""A ZIP-based upload (XLSX, DOCX, ODT, ODS) checked before anything opens it.

A ZIP member is compressed: a few kilobytes can inflate to gigabytes (a "zip bomb"), and a
small central directory can list hundreds of thousands of members. ``check_archive`` refuses
such a file doing bounded work, before ``zipfile`` or openpyxl parse it:

- the end record is read first: a directory longer than ``members`` entries could need, or
  announcing more than ``members`` entries, is refused without being parsed;
- only stored and deflated members, unencrypted, are accepted (the formats Layak takes use
  nothing else; bzip2 and LZMA cannot be inflated in bounded steps by ``zipfile``);
- every member is inflated in 64 KiB steps, counting, whatever size it declares: inflation
  stops as soon as one member passes ``member_size`` or all together pass ``total_size``, and a
  member that inflates to another size than it declares is refused as damaged. Members that
  share their data (overlapping entries) are each counted.

After the check, reading any member of the archive inflates at most what was counted, so a
parser may read members whole. The cost of the check is bounded by the file's size and
``total_size`` (inflating is linear, some hundred megabytes a second). Messages name the limit
in the reader's language.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from layak.core.numbers import format_number

MB = 1_000_000
_STEP = 1 << 16
# The end-of-central-directory record, its ZIP64 locator and record; a central directory
# entry is at least 46 bytes, plus its name: 256 bytes an entry is generous for real files.
_END = b"PK\x05\x06"
_END64_LOCATOR = b"PK\x06\x07"
_END64 = b"PK\x06\x06"
_ENTRY_BYTES = 256
_LOCAL_HEADER = b"PK\x03\x04"


class ArchiveRefused(ValueError):
    """The archive is over a limit or damaged; ``str()`` is the message for the person."""


class ArchiveDamaged(ArchiveRefused):
    """Not a ZIP archive, or one whose contents cannot be read."""


@dataclass(frozen=True)
class ArchiveLimits:
    members: int = 5_000
    """How many files the archive may hold."""
    member_size: int = 200 * MB
    """What any one member may inflate to, in bytes."""
    total_size: int = 500 * MB
    """What all members together may inflate to, in bytes."""


DEFAULT_LIMITS = ArchiveLimits()


def _mb(size: int) -> str:
    return format_number(size / MB, places=1)


def _damaged() -> ArchiveDamaged:
    return ArchiveDamaged(_("The file is damaged: its contents cannot be read."))


def _directory(file: IO[bytes], file_size: int) -> tuple[int, int]:
    """(entries announced, directory size in bytes) from the end record: the last 22 bytes
    of the file, or the last 64 KiB and 22 bytes when the archive has a comment."""
    tail_size = min(file_size, 22)
    file.seek(file_size - tail_size)
    tail = file.read(tail_size)
    if not tail.startswith(_END):
        # The archive has a comment after the end record (at most 64 KiB).
        tail_size = min(file_size, 22 + 0xFFFF)
        file.seek(file_size - tail_size)
        tail = file.read(tail_size)
    at = tail.rfind(_END)
    if at < 0 or len(tail) < at + 22:
        raise _damaged()
    entries, directory_size = struct.unpack("<HI", tail[at + 10 : at + 16])
    if entries == 0xFFFF or directory_size == 0xFFFFFFFF:
        # ZIP64: the locator sits just before the end record and points at the ZIP64 record.
        locator = tail[at - 20 : at] if at >= 20 else b""
        if not locator.startswith(_END64_LOCATOR):
            raise _damaged()
        (offset,) = struct.unpack("<Q", locator[8:16])
        if offset + 56 > file_size:
            raise _damaged()
        file.seek(offset)
        record = file.read(56)
        if not record.startswith(_END64):
            raise _damaged()
        entries, directory_size = struct.unpack("<QQ", record[32:48])
    return entries, directory_size


def _inflated_size(file: IO[bytes], info: zipfile.ZipInfo, budget: int) -> int:
    """What ``info`` inflates to, counted in steps; more than ``budget`` stops the count
    (the value returned is then larger than ``budget``)."""
    file.seek(info.header_offset)
    header = file.read(30)
    if len(header) < 30 or not header.startswith(_LOCAL_HEADER):
        raise _damaged()
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    file.seek(info.header_offset + 30 + name_length + extra_length)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        return left
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    total = 0
    try:
        while not inflater.eof and total <= budget:
            if inflater.unconsumed_tail:
                data = inflater.unconsumed_tail
            else:
                data = file.read(min(_STEP, left))
                left -= len(data)
                if not data:
                    break
            total += len(inflater.decompress(data, _STEP))
    except zlib.error:
        raise _damaged() from None
    if total <= budget and not inflater.eof:
        raise _damaged()
    return total


def check_archive(
    file: IO[bytes], limits: ArchiveLimits = DEFAULT_LIMITS, *, measure: bool = True
) -> None:
    """Raise ``ArchiveRefused`` unless ``file`` (a ZIP archive, any position) is within
    ``limits``; leaves ``file`` at its start.

    ``measure=False`` trusts the sizes the members declare instead of inflating them, for a
    caller that reads only a few bytes of a member, in bounded steps (``ZipFile.open`` and
    ``read(n)``): what it costs is then bounded by the file's size, not by the limits."""
    try:
        file.seek(0, 2)
        size = file.tell()
        entries, directory_size = _directory(file, size)
        if entries > limits.members or directory_size > limits.members * _ENTRY_BYTES:
            raise ArchiveRefused(
                _("The file holds more than %(count)s parts; at most %(count)s are accepted.")
                % {"count": format_number(limits.members, places=0)}
            )
        file.seek(0)
        try:
            with zipfile.ZipFile(file) as archive:
                members = archive.infolist()
        except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError):
            raise _damaged() from None
        if len(members) > limits.members:
            raise ArchiveRefused(
                _("The file holds more than %(count)s parts; at most %(count)s are accepted.")
                % {"count": format_number(limits.members, places=0)}
            )
        total = 0
        for info in members:
            if info.flag_bits & 0x1:
                raise ArchiveRefused(_("The file is encrypted; upload it without a password."))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise ArchiveRefused(
                    _("The file is compressed in a way that is not accepted; save it again.")
                )
            budget = min(limits.member_size, limits.total_size - total)
            declared = info.file_size
            if declared > budget:
                inflated = declared + 1
            elif measure:
                inflated = _inflated_size(file, info, budget)
            else:
                inflated = declared
            if inflated > limits.member_size:
                raise ArchiveRefused(
                    _(
                        "A part of the file (“%(part)s”) unpacks to more than %(mb)s MB; "
                        "at most %(mb)s MB is accepted."
                    )
                    % {"part": info.filename[:80], "mb": _mb(limits.member_size)}
                )
            if total + inflated > limits.total_size:
                raise ArchiveRefused(
                    _("The file unpacks to more than %(mb)s MB; at most %(mb)s MB is accepted.")
                    % {"mb": _mb(limits.total_size)}
                )
            if inflated != declared:
                raise _damaged()
            total += inflated
    except OSError:
        raise _damaged() from None
    finally:
        file.seek(0)
