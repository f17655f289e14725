"""Backing up and restoring the database and the uploaded files (``manage.py backup`` and
``manage.py restore``).

A backup is one folder, or one ``.tar.gz`` of that folder, named after the moment it was taken
(``layak-backup-20260301T020000Z``). It holds:

- ``database.sqlite3`` (SQLite: a consistent copy taken with SQLite's online backup API while
  Layak keeps running) or ``database.dump`` (PostgreSQL: ``pg_dump`` in custom format);
- ``media/``: the uploaded files, when uploads are kept on the filesystem (an S3 bucket is
  backed up by the bucket's own means; the manifest says so);
- ``manifest.json``: the Layak version and the migrations applied, the database vendor, every
  file of the backup with its size and SHA-256, and the number of rows of every table.

A restore first checks every file of the backup against the manifest and refuses a damaged or
foreign backup before anything changes; it then restores the database (``pg_restore --clean
--if-exists --no-owner`` in one transaction, or SQLite's backup API, which replaces the whole
database in one step), puts the files in place (the files there before are kept aside in a
folder named ``<media>.before-restore-<time>``) and checks every table's row count against the
manifest. The audit log is an ordinary table and comes back with the rest.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.core.files.storage import FileSystemStorage, storages
from django.db import connections
from django.db.migrations.loader import MigrationLoader

FORMAT = 1
MANIFEST = "manifest.json"
MEDIA_DIR = "media"
PG_DUMP_FILE = "database.dump"
SQLITE_FILE = "database.sqlite3"
PG_BIN_DIRS = [Path("/usr/lib/postgresql/15/bin")]

Log = Callable[[str], None]


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why and what to do."""


@dataclass
class RestoreResult:
    database: str
    files: int
    tables: int
    rows: int
    media_kept_aside: Path | None = None
    pending_migrations: list[str] = field(default_factory=list)


# --- helpers ---------------------------------------------------------------------------------


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _entry(root: Path, path: Path) -> dict[str, Any]:
    return {
        "path": path.relative_to(root).as_posix(),
        "size": path.stat().st_size,
        "sha256": _sha256(path),
    }


PROJECT = Path(__file__).resolve().parents[2]


def app_version() -> str:
    """Layak's version as its project declares it (``pyproject.toml``; the installed
    package's where it is installed as one), with the commit of the checkout when there is
    one ("0.1.0 (b156d2c)"): read from the files, since the service user may not run git in
    a checkout it does not own."""
    try:
        version = importlib.metadata.version("layak")
    except importlib.metadata.PackageNotFoundError:
        try:
            with (PROJECT / "pyproject.toml").open("rb") as fh:
                version = str(tomllib.load(fh)["project"]["version"])
        except (OSError, KeyError, tomllib.TOMLDecodeError):
            version = "unknown"
    commit = _commit(PROJECT / ".git")
    return f"{version} ({commit[:7]})" if commit else version


def _commit(git: Path) -> str:
    """The commit a checkout's HEAD names, from its files ("" when there is none)."""
    try:
        head = (git / "HEAD").read_text().strip()
        if not head.startswith("ref: "):
            return head
        ref = head[5:]
        loose = git / ref
        if loose.is_file():
            return loose.read_text().strip()
        for line in (git / "packed-refs").read_text().splitlines():
            if line.endswith(" " + ref):
                return line.split(" ", 1)[0]
    except OSError:
        pass
    return ""


def applied_migrations(using: str = "default") -> list[str]:
    """``app.migration`` of every migration applied to the database, sorted."""
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return sorted(f"{app}.{name}" for app, name in loader.applied_migrations)


def known_migrations(using: str = "default") -> set[str]:
    loader = MigrationLoader(connections[using], ignore_no_migrations=True)
    return {f"{app}.{name}" for app, name in loader.disk_migrations}


def media_root() -> Path | None:
    """Where uploads live when the default storage is the filesystem (else None: S3)."""
    storage = storages["default"]
    if isinstance(storage, FileSystemStorage):
        return Path(storage.location)
    return None


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _count_rows(cursor: Any, tables: list[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for table in sorted(tables):
        cursor.execute(f"SELECT COUNT(*) FROM {_quote(table)}")  # noqa: S608 - table names from the catalogue
        counts[table] = int(cursor.fetchone()[0])
    return counts


def _sqlite_tables(conn: sqlite3.Connection) -> list[str]:
    rows = conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    return [str(r[0]) for r in rows]


def _pg_tables(cursor: Any) -> list[str]:
    cursor.execute("SELECT tablename FROM pg_catalog.pg_tables WHERE schemaname = current_schema()")
    return [str(r[0]) for r in cursor.fetchall()]


def _vendor(using: str) -> str:
    vendor = connections[using].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(f"Backups of a {vendor} database are not supported.")
    return vendor


def _sqlite_path(using: str) -> Path:
    name = str(connections[using].settings_dict["NAME"])
    if not name or name == ":memory:" or (name.startswith("file:") and "mode=memory" in name):
        raise BackupError("The database is in memory; there is nothing on disk to back up.")
    return Path(name)


def pg_tool(name: str) -> str:
    """``pg_dump`` or ``pg_restore``: PostgreSQL 15's own when installed, else from PATH."""
    for directory in PG_BIN_DIRS:
        if (directory / name).exists():
            return str(directory / name)
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} was not found; install the PostgreSQL client tools.")
    return found


def pg_environment(using: str = "default") -> dict[str, str]:
    """The connection of ``settings.DATABASES[using]`` as libpq environment variables, so no
    password appears on a command line."""
    db = connections[using].settings_dict
    env = dict(os.environ)
    for key, var in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if db.get(key):
            env[var] = str(db[key])
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    env["PGDATABASE"] = str(db["NAME"])
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        env["PGSSLMODE"] = str(options["sslmode"])
    return env


def _run(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {done.stderr.strip() or done.stdout}")


# --- backup ----------------------------------------------------------------------------------


def _backup_sqlite(using: str, target: Path) -> tuple[Path, dict[str, int]]:
    source_path = _sqlite_path(using)
    if not source_path.exists():
        raise BackupError(f"The database file {source_path} does not exist.")
    path = target / SQLITE_FILE
    source = sqlite3.connect(source_path)
    copy = sqlite3.connect(path)
    try:
        source.backup(copy)  # one consistent snapshot, while others keep writing
        copy.execute("PRAGMA journal_mode=DELETE")  # a single self-contained file
        counts = _count_rows(copy.cursor(), _sqlite_tables(copy))
    finally:
        copy.close()
        source.close()
    return path, counts


def _backup_postgresql(using: str, target: Path) -> tuple[Path, dict[str, int]]:
    """pg_dump and the row counts read the same snapshot: a repeatable-read transaction exports
    it and pg_dump uses it, so the counts describe exactly what was dumped."""
    path = target / PG_DUMP_FILE
    wrapper = connections[using]
    raw = wrapper.get_new_connection(wrapper.get_connection_params())
    try:
        raw.autocommit = True
        cursor = raw.cursor()
        cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot = str(cursor.fetchone()[0])
        counts = _count_rows(cursor, _pg_tables(cursor))
        _run(
            [
                pg_tool("pg_dump"),
                "--format=custom",
                f"--snapshot={snapshot}",
                f"--file={path}",
                "--no-password",
            ],
            pg_environment(using),
        )
        cursor.execute("COMMIT")
    finally:
        raw.close()
    return path, counts


def _timestamp() -> str:
    return datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")


def create_backup(
    output: Path, *, as_directory: bool = False, using: str = "default", log: Log = print
) -> Path:
    """Write a backup into the folder ``output``; returns the archive (or folder) written.

    The backup is built under a hidden name and renamed when complete, so an interrupted backup
    never looks like a finished one."""
    vendor = _vendor(using)
    output.mkdir(parents=True, exist_ok=True)
    name = f"layak-backup-{_timestamp()}"
    n = 1
    while (output / name).exists() or (output / f"{name}.tar.gz").exists():
        n += 1
        name = f"layak-backup-{_timestamp()}-{n}"
    staging = Path(tempfile.mkdtemp(prefix=f".{name}.", dir=output))
    try:
        folder = staging / name
        folder.mkdir()
        if vendor == "sqlite":
            db_path, counts = _backup_sqlite(using, folder)
        else:
            db_path, counts = _backup_postgresql(using, folder)
        log(f"Database ({vendor}): {len(counts)} tables, {sum(counts.values())} rows.")

        files: list[dict[str, Any]] = []
        root = media_root()
        if root is not None and root.exists():
            shutil.copytree(root, folder / MEDIA_DIR, symlinks=False)
            for path in sorted((folder / MEDIA_DIR).rglob("*")):
                if path.is_file():
                    files.append(_entry(folder, path))
            size = sum(f["size"] for f in files)
            log(f"Files: {len(files)} from {root} ({size} bytes).")
        elif root is None:
            log("Files: uploads are kept in object storage (S3); back up the bucket separately.")
        else:
            log(f"Files: none ({root} does not exist).")

        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(),
            "layak_version": app_version(),
            "migrations": applied_migrations(using),
            "database": {"vendor": vendor, **_entry(folder, db_path)},
            "media": "filesystem" if root is not None else "object storage (not included)",
            "files": files,
            "tables": counts,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True))

        if as_directory:
            final = output / name
            folder.chmod(0o700)  # as the archive: its owner's only
            folder.rename(final)
        else:
            final = output / f"{name}.tar.gz"
            partial = staging / f"{name}.tar.gz"
            # The archive holds the whole database (password hashes, authenticator keys):
            # readable by its owner only.
            partial.touch(mode=0o600)
            partial.chmod(0o600)
            with tarfile.open(partial, "w:gz") as tar:
                tar.add(folder, arcname=name)
            partial.rename(final)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"Backup written: {final}")
    return final


# --- verification ----------------------------------------------------------------------------


@contextlib.contextmanager
def opened(archive: Path) -> Iterator[Path]:
    """The backup's folder: the folder itself, or a ``.tar.gz`` unpacked into a temporary
    folder (removed afterwards)."""
    if archive.is_dir():
        yield archive
        return
    if not archive.is_file():
        raise BackupError(f"{archive} does not exist.")
    scratch = Path(tempfile.mkdtemp(prefix=".layak-restore-", dir=archive.parent))
    try:
        try:
            with tarfile.open(archive, "r:*") as tar:
                _extract(tar, scratch)
        except (tarfile.TarError, EOFError, OSError) as exc:
            raise BackupError(f"{archive} is not a readable backup archive ({exc}).") from exc
        folders = [p for p in scratch.iterdir() if p.is_dir()]
        if len(folders) != 1:
            raise BackupError(f"{archive} is not a Layak backup (expected one folder inside).")
        yield folders[0]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _extract(tar: tarfile.TarFile, target: Path) -> None:
    """Unpack ``tar`` into ``target``, refusing anything that would land outside it. Python
    3.11.4 and later check that themselves (the "data" filter); earlier 3.11 releases (Debian
    12 ships 3.11.2) get the same refusal here: only files and folders, all inside."""
    if hasattr(tarfile, "data_filter"):
        tar.extractall(target, filter="data")
        return
    root = target.resolve()
    members = tar.getmembers()
    for member in members:
        place = (root / member.name).resolve()
        if not (member.isfile() or member.isdir()) or (place != root and root not in place.parents):
            raise BackupError(f"The archive holds {member.name!r}, which a backup never holds.")
    tar.extractall(target, members=members)  # noqa: S202 - every member checked above


def verify(folder: Path, *, using: str = "default") -> dict[str, Any]:
    """The manifest of the backup in ``folder``, after checking every file it lists (size and
    SHA-256), that nothing else was added, and that it fits this installation."""
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as exc:
        raise BackupError(f"The backup has no readable {MANIFEST} ({exc}).") from exc
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown backup format {manifest.get('format')!r}.")
    problems: list[str] = []
    listed = [manifest["database"], *manifest["files"]]
    for item in listed:
        path = folder / item["path"]
        if not path.is_file():
            problems.append(f"missing: {item['path']}")
        elif path.stat().st_size != item["size"] or _sha256(path) != item["sha256"]:
            problems.append(f"damaged: {item['path']}")
    expected = {item["path"] for item in listed} | {MANIFEST}
    for path in folder.rglob("*"):
        if path.is_file() and path.relative_to(folder).as_posix() not in expected:
            problems.append(f"not in the manifest: {path.relative_to(folder).as_posix()}")
    if problems:
        shown = "; ".join(problems[:10])
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise BackupError(
            f"The backup is damaged and was not restored; nothing was changed. {shown}{more}"
        )
    vendor = _vendor(using)
    if manifest["database"]["vendor"] != vendor:
        raise BackupError(
            f"The backup holds a {manifest['database']['vendor']} database but this "
            f"installation uses {vendor}; nothing was changed."
        )
    unknown = sorted(set(manifest["migrations"]) - known_migrations(using))
    if unknown:
        raise BackupError(
            "The backup was made by a newer version of Layak (migrations unknown here: "
            f"{', '.join(unknown[:5])}); upgrade Layak first. Nothing was changed."
        )
    return manifest


# --- restore ---------------------------------------------------------------------------------


def _restore_sqlite(using: str, folder: Path) -> None:
    """SQLite's backup API copies the whole backup over the live database in one step (other
    connections wait and then see either the old or the restored database)."""
    target = _sqlite_path(using)
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(folder / SQLITE_FILE)
    dest = sqlite3.connect(target, timeout=60)
    try:
        source.backup(dest)
        dest.execute("PRAGMA journal_mode=WAL")
    finally:
        dest.close()
        source.close()


def _restore_postgresql(using: str, folder: Path) -> None:
    env = pg_environment(using)
    _run(
        [
            pg_tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            f"--dbname={env['PGDATABASE']}",
            str(folder / PG_DUMP_FILE),
        ],
        env,
    )


def _restore_media(folder: Path, manifest: dict[str, Any], log: Log) -> tuple[int, Path | None]:
    root = media_root()
    source = folder / MEDIA_DIR
    if root is None or manifest["media"] != "filesystem":
        log("Files: uploads are kept in object storage (S3); restore the bucket separately.")
        return 0, None
    root.parent.mkdir(parents=True, exist_ok=True)
    staging = root.parent / f".{root.name}.restoring-{_timestamp()}"
    if source.exists():
        shutil.copytree(source, staging)
    else:
        staging.mkdir(parents=True)
    aside: Path | None = None
    if root.exists():
        aside = root.parent / f"{root.name}.before-restore-{_timestamp()}"
        root.rename(aside)
    staging.rename(root)
    count = sum(1 for p in root.rglob("*") if p.is_file())
    return count, aside


def _current_counts(using: str, tables: list[str]) -> dict[str, int]:
    connection = connections[using]
    with connection.cursor() as cursor:
        existing = set(connection.introspection.table_names(cursor))
        return _count_rows(cursor, [t for t in tables if t in existing])


def restore(archive: Path, *, using: str = "default", log: Log = print) -> RestoreResult:
    """Check ``archive`` and put its database and files in place of the current ones."""
    with opened(archive) as folder:
        manifest = verify(folder, using=using)
        log(
            f"Backup verified: made {manifest['created_at']} by Layak "
            f"{manifest['layak_version']}, {len(manifest['files'])} files, "
            f"{len(manifest['tables'])} tables."
        )
        vendor = manifest["database"]["vendor"]
        connections[using].close()
        if vendor == "sqlite":
            _restore_sqlite(using, folder)
        else:
            _restore_postgresql(using, folder)
        connections[using].close()
        log(f"Database restored ({vendor}).")
        files, aside = _restore_media(folder, manifest, log)
        if aside is not None:
            log(f"Files restored: {files}; the files there before are kept in {aside}.")
        else:
            log(f"Files restored: {files}.")

    expected: dict[str, int] = manifest["tables"]
    found = _current_counts(using, list(expected))
    wrong = [
        f"{table}: {found.get(table, 'missing')} rows, expected {count}"
        for table, count in expected.items()
        if found.get(table) != count
    ]
    if wrong:
        raise BackupError("The restored database does not match the backup: " + "; ".join(wrong))
    rows = sum(found.values())
    log(f"Row counts match the backup: {len(found)} tables, {rows} rows.")
    pending = sorted(known_migrations(using) - set(applied_migrations(using)))
    if pending:
        log(f"{len(pending)} migrations are newer than the backup: run `manage.py migrate`.")
    return RestoreResult(
        database=vendor,
        files=files,
        tables=len(found),
        rows=rows,
        media_kept_aside=aside,
        pending_migrations=pending,
    )
