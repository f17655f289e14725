"""Gunicorn's production configuration: ``gunicorn --config deploy/gunicorn.conf.py layak.wsgi``.

The systemd unit ``layak-web.service`` starts it, and the benchmark's load test starts gunicorn
with this file, so what is measured is what is shipped. Every value can be changed through the
environment (the unit's ``EnvironmentFile``):

- ``GUNICORN_BIND`` (``127.0.0.1:8000``): where nginx forwards to;
- ``WEB_WORKERS`` (2 × cores + 1): sync workers; the pages are CPU-bound Django views;
- ``GUNICORN_TIMEOUT`` (60 s): a request running longer is killed (nginx waits 65 s); long work
  runs in the background jobs, never in a request;
- ``GUNICORN_ACCESS_LOG`` (none: nginx logs each request);
- ``GUNICORN_MAX_REQUESTS`` (2000): a worker is replaced after this many requests (with jitter),
  which bounds any slow memory growth;
- ``GUNICORN_FORWARDED_ALLOW_IPS`` (``127.0.0.1``): the addresses whose ``X-Forwarded-*``
  headers gunicorn trusts (nginx's, or the load balancer's when it forwards to gunicorn).

gunicorn 25.1 and later open a control socket (for ``gunicornc``), by default in
``$XDG_RUNTIME_DIR`` or ``~/.gunicorn``, which the unit may not write (``ProtectHome=yes``).
Under systemd it is placed in the unit's ``RuntimeDirectory=`` (``/run/layak/gunicorn.ctl``,
readable by its owner only); without one (the benchmark, a manual start) it is turned off.

Each worker loads the URL configuration and the translations as it starts
(``layak.core.warm``), so that no person's first page pays for them.
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = _int("WEB_WORKERS", 2 * multiprocessing.cpu_count() + 1)
worker_class = "sync"
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = 30
keepalive = 5
max_requests = _int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
# Heartbeat files in memory, not on a disk that may stall under load (gunicorn's own advice;
# the files hold no data).
SHM = "/dev/shm"  # noqa: S108
worker_tmp_dir = SHM if os.path.isdir(SHM) else None
# nginx on the same machine sets X-Forwarded-*; Django reads them when BEHIND_PROXY=1.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# nginx keeps the access log; set GUNICORN_ACCESS_LOG=- to have gunicorn write one as well.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "layak-web"
# systemd sets RUNTIME_DIRECTORY (colon-separated when there are several) from RuntimeDirectory=.
_runtime = os.environ.get("RUNTIME_DIRECTORY", "").split(":")[0]
if _runtime:
    control_socket = os.path.join(_runtime, "gunicorn.ctl")
else:
    control_socket_disable = True


def post_worker_init(worker: object) -> None:
    """The worker has loaded the application: load what its first page would otherwise."""
    from layak.core.warm import warm

    warm()
