"""What an uploaded file really is, from its content, not its name.

An allowlist: PDF, JPEG, PNG, XLSX, XLS, CSV, DOCX, DOC, ODT and ODS, each recognised by its
signature; the ZIP-based formats also by their manifest, so a plain ZIP, an HTML page renamed to
.pdf or an SVG (which can carry scripts) is refused. Nothing is unpacked or executed; a ZIP-based
file passes ``layak.core.archives.check_archive`` (members, what they inflate to) before its
manifest is read, and only the first 100 bytes of an ODF ``mimetype`` are.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import IO

from django.utils.translation import gettext as _

from layak.core.archives import ArchiveDamaged, ArchiveLimits, ArchiveRefused, check_archive

PDF = ("pdf", "application/pdf")
JPEG = ("jpg", "image/jpeg")
PNG = ("png", "image/png")
XLSX = ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
DOCX = ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLS = ("xls", "application/vnd.ms-excel")
DOC = ("doc", "application/msword")
ODT = ("odt", "application/vnd.oasis.opendocument.text")
ODS = ("ods", "application/vnd.oasis.opendocument.spreadsheet")
CSV = ("csv", "text/csv")
ACCEPTED = "PDF, JPEG, PNG, XLSX, XLS, CSV, DOCX, DOC, ODT, ODS"
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# What a ZIP-based document may hold and say it inflates to. Nothing is unpacked here (only the
# first bytes of an ODF manifest are read, in bounded steps), so the sizes the members declare
# are checked, not measured: the check costs what the file's directory does.
ARCHIVE_LIMITS = ArchiveLimits(members=5_000, member_size=200_000_000, total_size=500_000_000)


class UploadRefused(Exception):
    """The message says why, in the user's language."""


@dataclass(frozen=True)
class Sniffed:
    name: str
    extension: str
    content_type: str


_UNSAFE_NAME = re.compile(r"[/\\]")
# Control characters (Cc) and invisible format characters (Cf: right-to-left and left-to-right
# overrides and embeddings, zero-width characters), which can make "laporan<RLO>fdp.exe" read
# as "laporanexe.pdf"; line and paragraph separators (Zl, Zp) too.
_INVISIBLE = frozenset({"Cc", "Cf", "Zl", "Zp"})
# Extensions people write for a kind that are not the one Layak gives it.
_SAME_KIND = {"jpg": {"jpeg", "jpe"}}


def _visible(name: str) -> str:
    name = unicodedata.normalize("NFC", name or "")
    return "".join(c for c in name if unicodedata.category(c) not in _INVISIBLE).strip()


def clean_name(name: str) -> str:
    """The uploaded name as shown to people, without control and direction characters; names
    that try to reach other folders are refused."""
    name = _visible(name)
    if not name or ".." in name or _UNSAFE_NAME.search(name):
        raise UploadRefused(_("The file name “%(name)s” is not allowed.") % {"name": name[:80]})
    return name[:200]


def served_name(name: str, extension: str) -> str:
    """The name a stored file is downloaded under: the name it was uploaded with, without
    control and direction characters or folders, and with the extension of the kind its content
    was recognised as, so a PDF uploaded as ``poly.html`` downloads as ``poly.pdf``."""
    name = _UNSAFE_NAME.sub("_", _visible(name))
    stem, dot, current = name.rpartition(".")
    if not dot:
        stem, current = name, ""
    current = current.lower()
    if current != extension and current not in _SAME_KIND.get(extension, ()):
        current = extension
    stem = stem.strip(" .")[:150] or _("file")
    return f"{stem}.{current}"


def sniff(file: IO[bytes], name: str, size: int, max_size: int) -> Sniffed:
    name = clean_name(name)
    if size == 0:
        raise UploadRefused(_("The file “%(name)s” is empty.") % {"name": name})
    if size > max_size:
        raise UploadRefused(
            _("The file “%(name)s” is larger than %(mb)s MB.")
            % {"name": name, "mb": round(max_size / 1_000_000)}
        )
    file.seek(0)
    head = file.read(4096)
    file.seek(0)
    kind = _by_content(head, file, name)
    if kind is None:
        raise UploadRefused(
            _("The file “%(name)s” is not of an accepted kind (%(kinds)s).")
            % {"name": name, "kinds": ACCEPTED}
        )
    return Sniffed(name=name, extension=kind[0], content_type=kind[1])


def _by_content(head: bytes, file: IO[bytes], name: str) -> tuple[str, str] | None:
    lower = name.lower()
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"PK\x03\x04"):
        return _zip_kind(file, name)
    if head.startswith(OLE2):
        if lower.endswith(".xls"):
            return XLS
        if lower.endswith(".doc"):
            return DOC
        return None
    if lower.endswith(".csv") and _is_plain_text(head):
        return CSV
    return None


def _zip_kind(file: IO[bytes], name: str) -> tuple[str, str] | None:
    """The kind of a ZIP-based file, from its manifest; the archive is checked first
    (``check_archive``), and of its members only the first 100 bytes of ``mimetype`` are read."""
    try:
        check_archive(file, ARCHIVE_LIMITS, measure=False)
    except ArchiveDamaged:
        return None
    except ArchiveRefused as exc:
        raise UploadRefused(
            _("The file “%(name)s” is refused: %(reason)s") % {"name": name, "reason": exc}
        ) from None
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100).decode("ascii", "replace").strip()
                return {ODT[1]: ODT, ODS[1]: ODS}.get(mimetype)
            if "[Content_Types].xml" in names:
                if any(n.startswith("word/") for n in names):
                    return DOCX
                if any(n.startswith("xl/") for n in names):
                    return XLSX
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    finally:
        file.seek(0)
    return None


def _is_plain_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = head.decode("cp1252")
        except UnicodeDecodeError:
            return False
    return not text.lstrip().startswith("<")
