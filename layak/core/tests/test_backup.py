"""``manage.py backup`` and ``manage.py restore`` round trip on a database of their own.

Each test prepares a separate database (a SQLite file, or a new database on the PostgreSQL
server the suite runs on) and a separate upload folder, and drives the real commands in
subprocesses, as an administrator would: seed data and files, back up, change rows and files,
restore, and compare every table's rows and every file's SHA-256 with the state at backup time.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.parse
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
PGBIN = Path("/usr/lib/postgresql/15/bin")

SEED = """
from io import BytesIO
from layak.testing import make_personas
from layak.evidence.actions import evidence_upload
from layak.regions.models import Region
p = make_personas()
region = Region.objects.get(code="32.16")
png = b"\\x89PNG\\r\\n\\x1a\\n" + bytes(range(256)) * 40
for i, data in enumerate([b"kode,nilai\\n1,2\\n", b"kode,nilai\\n3,4\\n5,6\\n", png]):
    name = "bukti-%d.%s" % (i, "png" if data is png else "csv")
    evidence_upload(actor=p.bekasi_admin, region=region, data=BytesIO(data), name=name,
                    size=len(data))
"""

# Rows change, a file is added, one overwritten and one removed after the backup.
MUTATE = """
from io import BytesIO
from pathlib import Path
from django.conf import settings
from layak.accounts.models import User
from layak.evidence.actions import evidence_upload
from layak.evidence.models import EvidenceFile
from layak.regions.models import Region
admin = User.objects.get(email="bekasi.admin@demo.layak.id")
User.objects.filter(pk=admin.pk).update(full_name="Changed after the backup")
data = b"kode,nilai\\n7,8\\n"
evidence_upload(actor=admin, region=Region.objects.get(code="32.16"), data=BytesIO(data),
                name="later.csv", size=len(data))
first, second = EvidenceFile.objects.order_by("pk")[:2]
Path(first.file.path).write_bytes(b"overwritten")
Path(second.file.path).unlink()
"""

# Every table's rows (sorted) and every uploaded file's SHA-256, as JSON on stdout.
DIGEST = """
import hashlib, json
from pathlib import Path
from django.conf import settings
from django.db import connection
tables = {}
with connection.cursor() as cursor:
    for table in sorted(connection.introspection.table_names(cursor)):
        cursor.execute("SELECT * FROM %s" % connection.ops.quote_name(table))
        rows = sorted(repr(row) for row in cursor.fetchall())
        tables[table] = [len(rows), hashlib.sha256("\\n".join(rows).encode()).hexdigest()]
root = Path(settings.MEDIA_ROOT)
files = {
    p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
    for p in sorted(root.rglob("*")) if p.is_file()
}
print(json.dumps({"tables": tables, "files": files}))
"""


class Site:
    """One Layak installation: its environment and a way to run its commands."""

    def __init__(self, tmp_path: Path, database_url: str) -> None:
        self.media = tmp_path / "media"
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "PYTEST", "MEDIA_"))
        }
        self.env.update(
            {
                "LAYAK_DEMO": "1",
                "DJANGO_SETTINGS_MODULE": "layak.settings",
                "DATABASE_URL": database_url,
                "LAYAK_VAR_DIR": str(tmp_path / "var"),
                "MEDIA_ROOT": str(self.media),
                "LOG_LEVEL": "WARNING",
            }
        )

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check and done.returncode != 0:
            raise AssertionError(f"manage.py {args[0]} failed:\n{done.stdout}\n{done.stderr}")
        return done

    def shell(self, code: str) -> str:
        return self.run("shell", "--no-imports", "-c", code).stdout

    def digest(self) -> dict[str, Any]:
        return json.loads(self.shell(DIGEST).strip().splitlines()[-1])  # type: ignore[no-any-return]


def _as_postgres(args: list[str]) -> None:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    subprocess.run(args, check=True, capture_output=True, timeout=60)


@pytest.fixture(params=["sqlite", "postgresql"])
def site(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Site]:
    if request.param == "sqlite":
        yield Site(tmp_path, f"sqlite:///{tmp_path / 'layak.sqlite3'}")
        return
    db = settings.DATABASES["default"]
    if db["ENGINE"] != "django.db.backends.postgresql":
        pytest.skip("the suite runs on SQLite; the PostgreSQL round trip runs on PostgreSQL")
    name = f"layak_backup_{uuid.uuid4().hex[:8]}"
    host = str(db.get("HOST") or "")
    where = ["-h", host] if host else []
    if db.get("PORT"):
        where += ["-p", str(db["PORT"])]
    user = str(db.get("USER") or "postgres")
    createdb = str(PGBIN / "createdb") if PGBIN.exists() else "createdb"
    dropdb = str(PGBIN / "dropdb") if PGBIN.exists() else "dropdb"
    _as_postgres([createdb, *where, "-U", user, name])
    netloc = urllib.parse.quote(host, safe="") + (f":{db['PORT']}" if db.get("PORT") else "")
    password = f":{urllib.parse.quote(str(db['PASSWORD']))}" if db.get("PASSWORD") else ""
    try:
        yield Site(tmp_path, f"postgres://{user}{password}@{netloc}/{name}")
    finally:
        _as_postgres([dropdb, *where, "-U", user, "--if-exists", "--force", name])


def test_a_backup_restores_identical_rows_and_files(site: Site, tmp_path: Path) -> None:
    site.run("migrate", "--no-input")
    site.shell(SEED)
    before = site.digest()
    assert before["tables"]["audit_auditentry"][0] >= 3  # the uploads were audited
    assert len(before["files"]) == 3

    out = site.run("backup", "--output", str(tmp_path / "backups")).stdout
    archives = list((tmp_path / "backups").glob("layak-backup-*.tar.gz"))
    assert len(archives) == 1 and f"Backup written: {archives[0]}" in out
    assert "Files: 3" in out
    with tarfile.open(archives[0]) as tar:
        manifest_member = next(m for m in tar.getmembers() if m.name.endswith("manifest.json"))
        manifest = json.load(tar.extractfile(manifest_member))
    assert manifest["database"]["vendor"] == site.env["DATABASE_URL"].split(":")[0].replace(
        "postgres", "postgresql"
    )
    assert len(manifest["files"]) == 3
    assert all(len(f["sha256"]) == 64 and f["size"] > 0 for f in manifest["files"])
    assert manifest["tables"]["audit_auditentry"] == before["tables"]["audit_auditentry"][0]
    assert "evidence.0001_initial" in manifest["migrations"]

    site.shell(MUTATE)
    changed = site.digest()
    assert changed["tables"]["accounts_user"] != before["tables"]["accounts_user"]
    assert changed["tables"]["audit_auditentry"] != before["tables"]["audit_auditentry"]
    assert changed["files"] != before["files"]

    out = site.run("restore", str(archives[0]), "--yes").stdout
    assert "Backup verified" in out and "Row counts match the backup" in out
    assert "Restore complete." in out
    after = site.digest()
    assert after == before
    # The files there before the restore are kept aside, not deleted.
    aside = list(site.media.parent.glob("media.before-restore-*"))
    assert len(aside) == 1 and len([p for p in aside[0].rglob("*") if p.is_file()]) == 3


def test_a_damaged_backup_is_refused_and_nothing_changes(site: Site, tmp_path: Path) -> None:
    site.run("migrate", "--no-input")
    site.shell(SEED)
    site.run("backup", "--directory", "--output", str(tmp_path / "backups"))
    (folder,) = (tmp_path / "backups").glob("layak-backup-*")
    site.shell(MUTATE)
    changed = site.digest()

    victim = next(p for p in (folder / "media").rglob("*") if p.is_file())
    original = victim.read_bytes()
    victim.write_bytes(original[:-1] + bytes([original[-1] ^ 1]))
    done = site.run("restore", str(folder), "--yes", check=False)
    assert done.returncode != 0
    assert "The backup is damaged and was not restored; nothing was changed." in done.stderr
    assert "damaged: media/" in done.stderr
    assert site.digest() == changed
    assert not list(site.media.parent.glob("media.before-restore-*"))

    # A database file that does not match its checksum is refused the same way.
    victim.write_bytes(original)
    db_file = next(folder.glob("database.*"))
    with db_file.open("r+b") as fh:
        fh.seek(db_file.stat().st_size // 2)
        byte = fh.read(1)
        fh.seek(-1, 1)
        fh.write(bytes([byte[0] ^ 0xFF]))
    done = site.run("restore", str(folder), "--yes", check=False)
    assert done.returncode != 0 and f"damaged: {db_file.name}" in done.stderr
    assert site.digest() == changed


def test_restore_asks_for_confirmation(tmp_path: Path) -> None:
    site = Site(tmp_path, f"sqlite:///{tmp_path / 'layak.sqlite3'}")
    done = site.run("restore", str(tmp_path / "nothing.tar.gz"), check=False)
    assert done.returncode != 0 and "confirm with --yes" in done.stderr
    done = site.run("restore", str(tmp_path / "nothing.tar.gz"), "--yes", check=False)
    assert done.returncode != 0 and "does not exist" in done.stderr


def test_backup_of_an_in_memory_database_is_refused(db: None, tmp_path: Path) -> None:
    from layak.core.backup import BackupError, create_backup

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("the suite's database is not SQLite")
    with pytest.raises(BackupError, match="in memory"):
        create_backup(tmp_path, log=lambda _line: None)
    assert not any(tmp_path.iterdir())  # nothing half-written left behind


def test_an_archive_opens_with_standard_tools(tmp_path: Path) -> None:
    """A backup is an ordinary tar.gz an administrator can open with standard tools."""
    site = Site(tmp_path, f"sqlite:///{tmp_path / 'layak.sqlite3'}")
    site.run("migrate", "--no-input")
    site.run("backup", "--output", str(tmp_path / "b"))
    (archive,) = (tmp_path / "b").glob("*.tar.gz")
    shutil.unpack_archive(archive, tmp_path / "open", filter="data")
    (folder,) = (tmp_path / "open").iterdir()
    assert {p.name for p in folder.iterdir()} >= {"manifest.json", "database.sqlite3"}


def test_a_backup_is_its_owners_only_and_names_the_version(tmp_path: Path) -> None:
    """The archive holds the whole database: readable by its owner only. Its manifest names
    the project's version (and the checkout's commit), not "unknown"."""
    import tomllib

    site = Site(tmp_path, f"sqlite:///{tmp_path / 'layak.sqlite3'}")
    site.run("migrate", "--no-input")
    site.run("backup", "--output", str(tmp_path / "b"))
    (archive,) = (tmp_path / "b").glob("*.tar.gz")
    assert archive.stat().st_mode & 0o777 == 0o600
    site.run("backup", "--directory", "--output", str(tmp_path / "d"))
    (folder,) = (tmp_path / "d").iterdir()
    assert folder.stat().st_mode & 0o777 == 0o700
    manifest = json.loads((folder / "manifest.json").read_text())
    root = Path(__file__).resolve().parents[3]
    version = tomllib.loads((root / "pyproject.toml").read_text())["project"]["version"]
    assert manifest["layak_version"].startswith(version)


def test_an_archive_is_unpacked_safely_without_the_data_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Python 3.11 before 3.11.4 (Debian 12's 3.11.2) has no "data" filter: a backup still
    opens, and a member that would land outside the folder is refused."""
    import io

    from layak.core import backup

    monkeypatch.delattr(tarfile, "data_filter")
    good = tmp_path / "good.tar.gz"
    with tarfile.open(good, "w:gz") as tar:
        data = b'{"x": 1}'
        info = tarfile.TarInfo("layak-backup-x/manifest.json")
        info.size = len(data)
        tar.addfile(info, io.BytesIO(data))
    with backup.opened(good) as folder:
        assert (folder / "manifest.json").read_bytes() == b'{"x": 1}'
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(bad, "w:gz") as tar:
        info = tarfile.TarInfo("../escaped.txt")
        info.size = 1
        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(backup.BackupError, match="never holds"), backup.opened(bad):
        pass
    assert not (tmp_path.parent / "escaped.txt").exists()
    link = tmp_path / "link.tar.gz"
    with tarfile.open(link, "w:gz") as tar:
        info = tarfile.TarInfo("layak-backup-x/passwd")
        info.type = tarfile.SYMTYPE
        info.linkname = "/etc/passwd"
        tar.addfile(info)
    with pytest.raises(backup.BackupError, match="never holds"), backup.opened(link):
        pass
