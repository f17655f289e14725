"""A throwaway PostgreSQL 15 cluster for the benchmark.

PostgreSQL refuses to run as root, so the cluster belongs to the ``postgres`` user when the
benchmark runs as root. It listens on a Unix socket inside its own directory and on a
loopback TCP port, and is removed when the ``cluster()`` context ends (unless ``keep``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))

# Settings for a 2-core, 24 GiB machine; durability stays on (fsync, synchronous commit),
# as in production, so the figures are not flattered.
SERVER_OPTIONS = {
    "shared_buffers": "2GB",
    "work_mem": "32MB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "max_connections": "200",
    "random_page_cost": "1.1",
}


def _as_postgres(args: list[str], **kw: object) -> subprocess.CompletedProcess[bytes]:
    if os.geteuid() == 0:
        args = ["runuser", "-u", "postgres", "--", *args]
    return subprocess.run(args, check=True, **kw)  # type: ignore[call-overload,no-any-return]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Cluster:
    directory: Path
    port: int

    @property
    def data(self) -> Path:
        return self.directory / "data"

    def url(self, db: str = "layak") -> str:
        host = urllib.parse.quote(str(self.directory), safe="")
        return f"postgres://postgres@{host}:{self.port}/{db}"

    def tcp_url(self, db: str = "layak") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{db}"

    def pg_ctl(self, *args: str) -> None:
        _as_postgres(
            [str(PGBIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.directory / "log"), *args],
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        opts = " ".join(f"-c {k}={v}" for k, v in SERVER_OPTIONS.items())
        self.pg_ctl(
            "-w",
            "-o",
            f"-k {self.directory} -p {self.port} -c listen_addresses=127.0.0.1 {opts}",
            "start",
        )

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "-w", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def psql(self, sql: str, db: str = "layak") -> str:
        out = _as_postgres(
            [
                str(PGBIN / "psql"),
                "-h",
                str(self.directory),
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                db,
                "-At",
                "-c",
                sql,
            ],
            stdout=subprocess.PIPE,
        )
        return out.stdout.decode().strip()

    def createdb(self, db: str = "layak") -> None:
        _as_postgres(
            [
                str(PGBIN / "createdb"),
                "-h",
                str(self.directory),
                "-p",
                str(self.port),
                "-U",
                "postgres",
                db,
            ]
        )


@contextlib.contextmanager
def cluster(keep: bool = False, directory: str | None = None) -> Iterator[Cluster]:
    """Start a new cluster (or reuse a kept one in ``directory``) and stop it at the end."""
    if directory and (Path(directory) / "data" / "PG_VERSION").exists():
        c = Cluster(Path(directory), free_port())
        c.start()
    else:
        d = Path(directory or tempfile.mkdtemp(prefix="layak-bench-pg."))
        d.mkdir(parents=True, exist_ok=True)
        d.chmod(0o755)
        if os.geteuid() == 0:
            shutil.chown(d, "postgres", "postgres")
        _as_postgres(
            [
                str(PGBIN / "initdb"),
                "-D",
                str(d / "data"),
                "-A",
                "trust",
                "-U",
                "postgres",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ],
            stdout=subprocess.DEVNULL,
        )
        c = Cluster(d, free_port())
        c.start()
        c.createdb()
    try:
        yield c
    finally:
        with contextlib.suppress(subprocess.CalledProcessError):
            c.stop("fast")
        if not keep:
            shutil.rmtree(c.directory, ignore_errors=True)
