"""ZIP archives that are small on disk and large only when inflated, built without ever
holding the inflated data: a deflate block of one megabyte of zeros ends with a full flush, so
it can be repeated as often as wanted (about a kilobyte each)."""

from __future__ import annotations

import functools
import io
import struct
import zipfile
import zlib
from dataclasses import dataclass

MIB = 1 << 20
_ZEROS = b"\0" * MIB


def _megabyte_block() -> bytes:
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    return deflater.compress(_ZEROS) + deflater.flush(zlib.Z_FULL_FLUSH)


_BLOCK = _megabyte_block()
_FINAL = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS).flush(zlib.Z_FINISH)


@dataclass(frozen=True)
class Member:
    name: str
    data: bytes
    """The bytes as stored (deflated unless ``method`` is stored)."""
    size: int
    crc: int
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def plain(name: str, content: bytes) -> Member:
    deflater = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    data = deflater.compress(content) + deflater.flush()
    return Member(name, data, len(content), zlib.crc32(content))


def zeros(name: str, megabytes: int, *, declared: int | None = None) -> Member:
    """``megabytes`` MiB of zeros in about as many kilobytes; ``declared`` makes the member
    lie about its inflated size."""
    size = megabytes * MIB
    return Member(
        name, _BLOCK * megabytes + _FINAL, size if declared is None else declared, _crc(megabytes)
    )


@functools.cache
def _crc(megabytes: int) -> int:
    crc = 0
    for _n in range(megabytes):
        crc = zlib.crc32(_ZEROS, crc)
    return crc


def _local(m: Member, name: bytes) -> bytes:
    return struct.pack(
        "<4s5H3L2H",
        b"PK\x03\x04",
        20,
        m.flags,
        m.method,
        0,
        0x21,
        m.crc,
        len(m.data),
        m.size,
        len(name),
        0,
    )


def _central(m: Member, name: bytes, offset: int) -> bytes:
    return (
        struct.pack(
            "<4s6H3L5H2L",
            b"PK\x01\x02",
            20,
            20,
            m.flags,
            m.method,
            0,
            0x21,
            m.crc,
            len(m.data),
            m.size,
            len(name),
            0,
            0,
            0,
            0,
            0,
            offset,
        )
        + name
    )


def _end(out: io.BytesIO, directory: bytes, count: int) -> bytes:
    start = out.tell()
    out.write(directory)
    out.write(struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), start, 0))
    return out.getvalue()


def archive(*members: Member, entries: int | None = None) -> bytes:
    """The ZIP file of ``members``; ``entries`` overrides the count in the end record."""
    out = io.BytesIO()
    directory = b""
    for m in members:
        offset = out.tell()
        name = m.name.encode()
        out.write(_local(m, name) + name + m.data)
        directory += _central(m, name, offset)
    return _end(out, directory, len(members) if entries is None else entries)


def overlapping(member: Member, copies: int) -> bytes:
    """One member's data listed ``copies`` times in the directory (all at the same offset)."""
    out = io.BytesIO()
    name = member.name.encode()
    out.write(_local(member, name) + name + member.data)
    directory = b"".join(_central(member, f"{n}-{member.name}".encode(), 0) for n in range(copies))
    return _end(out, directory, copies)


def many_members(count: int) -> bytes:
    """An archive of ``count`` empty members: a long directory in a small file."""
    return archive(*(Member(f"{n}.xml", b"", 0, 0, zipfile.ZIP_STORED) for n in range(count)))


def xlsx_with(*extra: Member, sheet: Member | None = None) -> bytes:
    """A real workbook (openpyxl's own) whose first sheet is ``sheet``, plus ``extra``."""
    from openpyxl import Workbook

    book = io.BytesIO()
    Workbook().save(book)
    members = []
    with zipfile.ZipFile(book) as source:
        for info in source.infolist():
            if sheet is not None and info.filename == "xl/worksheets/sheet1.xml":
                members.append(Member(info.filename, sheet.data, sheet.size, sheet.crc))
            else:
                members.append(plain(info.filename, source.read(info)))
    return archive(*members, *extra)


def counting(data: bytes) -> CountingReader:
    return CountingReader(data)


class CountingReader(io.BytesIO):
    """A file that counts the bytes read from it."""

    def __init__(self, data: bytes) -> None:
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size: int | None = -1) -> bytes:
        data = super().read(size)
        self.bytes_read += len(data)
        return data


def repeated(name: str, head: bytes, unit: bytes, count: int, tail: bytes) -> Member:
    """``head``, ``unit`` ``count`` times, then ``tail``, deflated without ever being held
    whole: a block of units ending with a full flush is repeated (a few hundred bytes for
    64 KiB of units)."""
    per_block = max(1, (1 << 16) // len(unit))
    deflater = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    opening = deflater.compress(head) + deflater.flush(zlib.Z_FULL_FLUSH)
    block = deflater.compress(unit * per_block) + deflater.flush(zlib.Z_FULL_FLUSH)
    blocks, rest = divmod(count, per_block)
    closing = deflater.compress(unit * rest + tail) + deflater.flush()
    crc = zlib.crc32(head)
    whole = unit * per_block
    for _n in range(blocks):
        crc = zlib.crc32(whole, crc)
    crc = zlib.crc32(unit * rest + tail, crc)
    size = len(head) + len(unit) * count + len(tail)
    return Member(name, opening + block * blocks + closing, size, crc)


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
)


def sheet(
    row: bytes = b"<row><c><v>1</v></c></row>",
    count: int = 1,
    *,
    first: bytes = b"",
    dimension: str | None = None,
) -> Member:
    """The first worksheet: ``first`` (its header row, say), then ``row`` ``count`` times
    (rows without references, numbered one after the other, as the format allows)."""
    declared = b'<dimension ref="' + dimension.encode() + b'"/>' if dimension else b""
    head = SHEET_HEAD + declared + b"<sheetData>" + first
    return repeated("xl/worksheets/sheet1.xml", head, row, count, b"</sheetData></worksheet>")
