"""The archive guard: bounded work on ZIP files that inflate without bound or list too many
members. The bombs are about a kilobyte a megabyte; what the guard reads is counted and what
it allocates traced, never timed."""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.utils import translation

from layak.core.archives import MB, ArchiveDamaged, ArchiveLimits, ArchiveRefused, check_archive
from layak.core.tests import zipbombs
from layak.core.tests.zipbombs import MIB, Member, archive, counting, plain, zeros

SMALL = ArchiveLimits(members=50, member_size=4 * MB, total_size=6 * MB)


def refusal(data: bytes, limits: ArchiveLimits = SMALL, **kwargs: bool) -> str:
    with translation.override("id"), pytest.raises(ArchiveRefused) as caught:
        check_archive(io.BytesIO(data), limits, **kwargs)
    return str(caught.value)


def test_a_real_workbook_and_document_pass():
    check_archive(io.BytesIO(zipbombs.xlsx_with()), SMALL)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + "kata " * 100_000 + "</w:document>")
        z.writestr("word/media/foto.png", b"\x89PNG" + bytes(range(256)) * 100, zipfile.ZIP_STORED)
    check_archive(out, SMALL)
    assert out.tell() == 0


def test_a_member_declaring_more_than_the_limit_is_refused_unread():
    bomb = counting(archive(plain("a.xml", b"<a/>"), zeros("xl/worksheets/sheet1.xml", 1024)))
    with translation.override("id"), pytest.raises(ArchiveRefused) as caught:
        check_archive(bomb, SMALL)
    assert str(caught.value) == (
        "Satu bagian berkas (“xl/worksheets/sheet1.xml”) terurai menjadi lebih dari 4 MB; "
        "paling banyak 4 MB yang diterima."
    )
    # The end record and the directory, not the gigabyte's kilobytes of data.
    assert bomb.bytes_read < 70_000 < len(bomb.getvalue())


@pytest.mark.parametrize("declared", [0, 100, 3 * MIB])
def test_a_member_lying_about_its_size_is_refused_after_inflating_at_most_the_limit(declared):
    """1 GiB of zeros in about a megabyte, declared small: inflation stops at the limit, so the
    guard reads a few kilobytes of it and never holds more than a step of inflated data."""
    data = archive(zeros("xl/sharedStrings.xml", 1024, declared=declared))
    bomb = counting(data)
    tracemalloc.start()
    try:
        with translation.override("id"), pytest.raises(ArchiveRefused, match="lebih dari 4 MB"):
            check_archive(bomb, SMALL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert bomb.bytes_read < 80_000 and len(data) > 1_000_000
    assert peak < 2 * MIB


def test_members_together_are_capped_and_shared_data_counts_for_each():
    # Three members of 3 MiB each (each under the 4 MB limit), 9.4 MB together.
    message = refusal(archive(zeros("a.xml", 3), zeros("b.xml", 3), zeros("c.xml", 3)))
    assert message == "Berkas terurai menjadi lebih dari 6 MB; paling banyak 6 MB yang diterima."
    # Overlapping entries: five directory entries pointing at the same 2 MiB of data.
    shared = zipbombs.overlapping(zeros("a.xml", 2), 5)
    assert len(shared) < 5_000
    assert "Berkas terurai menjadi lebih dari 6 MB" in refusal(shared)


def test_too_many_members_are_refused_before_the_directory_is_parsed(monkeypatch):
    parsed = []
    monkeypatch.setattr(zipfile.ZipFile, "_RealGetContents", lambda self: parsed.append(1))
    message = refusal(zipbombs.many_members(51))
    assert message == "Berkas berisi lebih dari 50 bagian; paling banyak 50 yang diterima."
    # An end record that announces few entries does not hide a long directory.
    assert "lebih dari 50 bagian" in refusal(
        archive(*(Member(f"{n:0200}", b"", 0, 0, zipfile.ZIP_STORED) for n in range(60)), entries=1)
    )
    assert parsed == []


def test_a_directory_undercounting_its_entries_is_still_capped():
    data = archive(*(Member(f"{n}", b"", 0, 0, zipfile.ZIP_STORED) for n in range(80)), entries=1)
    assert "lebih dari 50 bagian" in refusal(data)


@pytest.mark.parametrize(
    ("member", "message"),
    [
        (Member("a.xml", b"x" * 20, 20, 0, zipfile.ZIP_BZIP2), "dikompresi dengan cara"),
        (Member("a.xml", b"x" * 20, 20, 0, zipfile.ZIP_STORED, flags=1), "terkunci"),
        (Member("a.xml", b"\xff" * 20, 20, 0), "rusak"),
        (Member("a.xml", b"x" * 20, 30, 0, zipfile.ZIP_STORED), "rusak"),
    ],
)
def test_unaccepted_compression_encryption_and_damage_are_refused(member, message):
    assert message in refusal(archive(member))


@pytest.mark.parametrize("data", [b"PK\x03\x04" + b"0" * 40, b"", b"PK\x05\x06" + b"\0" * 10])
def test_not_an_archive_is_damaged(data):
    with pytest.raises(ArchiveDamaged):
        check_archive(io.BytesIO(data), SMALL)


def test_without_measuring_declared_sizes_are_checked_and_nothing_inflated():
    bomb = counting(archive(plain("mimetype", b"x"), zeros("content.xml", 1024, declared=10)))
    check_archive(bomb, SMALL, measure=False)
    assert bomb.bytes_read < 70_000
    assert "lebih dari 4 MB" in refusal(archive(zeros("content.xml", 5)), measure=False)


def test_after_the_check_a_parser_reads_at_most_what_was_counted():
    data = archive(zeros("a.xml", 3), plain("b.xml", b"<b/>"))
    check_archive(io.BytesIO(data), SMALL)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert len(z.read("a.xml")) == 3 * MIB


def test_the_message_names_the_limit_in_english():
    with translation.override("en"), pytest.raises(ArchiveRefused) as caught:
        check_archive(io.BytesIO(archive(zeros("a.xml", 5))), SMALL)
    assert str(caught.value) == (
        "A part of the file (“a.xml”) unpacks to more than 4 MB; at most 4 MB is accepted."
    )
