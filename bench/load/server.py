"""The production setup on the loopback: gunicorn serving ``layak.wsgi`` and ``manage.py worker``
processes, on a given PostgreSQL database.

Settings are production's (no ``LAYAK_DEMO``, ``DEBUG`` off, a random ``SECRET_KEY``,
``ALLOWED_HOSTS=127.0.0.1``, persistent database connections) with two documented changes for
a loopback run without a TLS-terminating proxy in front:

- ``HTTPS=0``: no redirect to HTTPS and no ``Secure`` flag on cookies. Behind a proxy,
  production sets ``BEHIND_PROXY=1`` and the proxy sends ``X-Forwarded-Proto: https``; a client
  talking plain HTTP on the loopback would never send a ``Secure`` cookie back, so the redirect
  and the flag are switched off instead. The security middleware still runs.
- ``API_RATE_LIMIT`` raised (default here 1,000,000 a minute), so the API scenario measures the
  API rather than its per-token limit (which answers 429 beyond 120 a minute).

Gunicorn runs with the shipped configuration, ``deploy/gunicorn.conf.py`` (what the systemd unit
``layak-web.service`` starts): ``2 × cores + 1`` sync workers (5 on two cores), gunicorn's usual
advice for CPU-bound work; each keeps its database connection (``DB_CONN_MAX_AGE``, 60 s).

    with serve(database_url) as server:
        server.url  # http://127.0.0.1:<port>
        server.kill_worker(); server.start_worker()
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from bench.pg import free_port

ROOT = Path(__file__).resolve().parents[2]
PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
# Empties every cache the server's settings configure, as the server sees them; says which are
# shared (database, memcached, ...) and which live in each process's memory.
CLEAR_CACHES = """
import json, django
django.setup()
from django.conf import settings
from django.core.cache import caches
found = {"shared": [], "local": []}
for alias in settings.CACHES:
    cache = caches[alias]
    local = type(cache).__name__ in ("LocMemCache", "DummyCache")
    found["local" if local else "shared"].append(alias)
    cache.clear()
print(json.dumps(found))
"""


def default_workers() -> int:
    return 2 * (os.cpu_count() or 1) + 1


def production_env(database_url: str, var_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("LAYAK_DEMO", "DEBUG")}
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "layak.settings",
            "DATABASE_URL": database_url,
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS": "0",
            "LAYAK_VAR_DIR": str(var_dir),
            "API_RATE_LIMIT": "1000000",
            "SITE_URL": "http://127.0.0.1",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    env.update(extra)
    return env


@dataclass
class Server:
    database_url: str
    workers: int
    var_dir: Path
    env: dict[str, str]
    port: int = 0
    web: subprocess.Popen[bytes] | None = None
    job_workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    log_dir: Path = Path()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def manage(self, *args: str, timeout: float = 600) -> None:
        subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
        )

    def _spawn(self, args: list[str], log: str) -> subprocess.Popen[bytes]:
        out = (self.log_dir / log).open("ab")
        return subprocess.Popen(
            args, cwd=ROOT, env=self.env, stdout=out, stderr=out, start_new_session=True
        )

    def start_web(self) -> None:
        self.port = free_port()
        # The shipped configuration (deploy/gunicorn.conf.py), with the bind address and the
        # worker count given through its environment variables.
        self.env["GUNICORN_BIND"] = f"127.0.0.1:{self.port}"
        self.env["WEB_WORKERS"] = str(self.workers)
        self.web = self._spawn(
            [GUNICORN, "--config", str(ROOT / "deploy" / "gunicorn.conf.py"), "layak.wsgi"],
            "gunicorn.log",
        )
        self.wait_healthy()

    def start_worker(self) -> subprocess.Popen[bytes]:
        """One more ``manage.py worker`` process (the background jobs)."""
        proc = self._spawn([PYTHON, "manage.py", "worker", "--verbosity", "1"], "worker.log")
        self.job_workers.append(proc)
        return proc

    def kill_worker(self) -> int:
        """SIGKILL the oldest running worker, as a crash would; returns its pid."""
        for proc in self.job_workers:
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                proc.wait(10)
                return proc.pid
        raise RuntimeError("no worker is running")

    def workers_alive(self) -> int:
        return sum(1 for p in self.job_workers if p.poll() is None)

    def worker_exits(self) -> list[dict[str, int]]:
        """Workers that are no longer running, with their exit code (-9: killed by us)."""
        return [
            {"pid": p.pid, "returncode": int(p.returncode)}
            for p in self.job_workers
            if p.poll() is not None
        ]

    def clear_cache(self) -> str:
        """Empty the server's caches so the next request computes afresh; says how. A shared
        cache is cleared from a separate process with the server's settings; when every cache
        lives in the workers' memory, the workers are replaced (SIGHUP) and start empty."""
        done = subprocess.run(
            [PYTHON, "-c", CLEAR_CACHES],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            check=True,
            timeout=120,
        )
        found = json.loads(done.stdout.strip().splitlines()[-1])
        if found["shared"]:
            how = "cleared " + ", ".join(found["shared"])
            if found["local"]:
                how += f" (not {', '.join(found['local'])}: in each worker's memory)"
            return how
        self.restart_web_workers()
        return "workers replaced (every cache is in each worker's memory)"

    def _web_workers(self) -> set[int]:
        assert self.web is not None
        children = Path(f"/proc/{self.web.pid}/task/{self.web.pid}/children")
        return {int(pid) for pid in children.read_text().split()} if children.exists() else set()

    def restart_web_workers(self, timeout: float = 60) -> None:
        """Replace every gunicorn worker (SIGHUP: new workers, the old ones finish and go)."""
        assert self.web is not None
        old = self._web_workers()
        self.web.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            now = self._web_workers()
            if not now & old and len(now) >= self.workers:
                break
            time.sleep(0.2)
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 60, probe_timeout: float = 2) -> float:
        """Wait until /healthz answers 200; returns the seconds waited."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.web is not None and self.web.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log_dir / 'gunicorn.log'}")
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=probe_timeout) as r:  # noqa: S310
                    if r.status == 200:
                        return time.monotonic() - start
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        raise RuntimeError(f"{self.url}/healthz did not answer within {timeout} s")

    def stop(self) -> None:
        procs = [p for p in [self.web, *self.job_workers] if p is not None]
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + 15
        for p in procs:
            try:
                p.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
                p.wait(5)


@contextlib.contextmanager
def serve(
    database_url: str,
    *,
    workers: int | None = None,
    job_workers: int = 1,
    var_dir: str | None = None,
    migrate: bool = True,
    **extra_env: str,
) -> Iterator[Server]:
    """Deploy as production does (migrate, collectstatic), start gunicorn and the workers,
    wait for /healthz, and stop everything at the end."""
    temporary = var_dir is None
    var = Path(var_dir or tempfile.mkdtemp(prefix="layak-bench-var."))
    var.mkdir(parents=True, exist_ok=True)
    server = Server(
        database_url=database_url,
        workers=workers or default_workers(),
        var_dir=var,
        env=production_env(database_url, var, **extra_env),
        log_dir=var,
    )
    if migrate:
        server.manage("migrate", "--noinput")
    server.manage("collectstatic", "--noinput")
    try:
        server.start_web()
        for _ in range(job_workers):
            server.start_worker()
        yield server
    finally:
        server.stop()
        if temporary:
            # Keep the logs (gunicorn.log, worker.log); drop collected static files and uploads.
            for sub in ("static", "media"):
                shutil.rmtree(var / sub, ignore_errors=True)


def main() -> None:
    """Serve until Ctrl-C (at most an hour): ``python -m bench.load.server URL``."""
    url = sys.argv[1]

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    with serve(url) as server:
        print(f"serving {server.url} with {server.workers} workers; logs in {server.log_dir}")
        sys.stdout.flush()
        with contextlib.suppress(KeyboardInterrupt):
            time.sleep(3600)


if __name__ == "__main__":
    main()
