"""The production setup shipped in ``deploy/``: nginx accepts the site, systemd accepts the units,
gunicorn loads its configuration, and they agree with the settings and the README."""

from __future__ import annotations

import os
import re
import runpy
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").iterdir())


def _self_signed(tmp: Path) -> tuple[Path, Path]:
    cert, key = tmp / "cert.pem", tmp / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=layak.example.go.id",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _nginx_test(site: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    assert Path(nginx).exists(), "nginx is missing: bin/test installs Debian's nginx"
    cert, key = _self_signed(tmp)
    site = re.sub(r"ssl_certificate /\S+;", f"ssl_certificate {cert};", site)
    site = re.sub(r"ssl_certificate_key /\S+;", f"ssl_certificate_key {key};", site)
    (tmp / "site.conf").write_text(site)
    (tmp / "nginx.conf").write_text(
        f"pid {tmp}/nginx.pid;\nerror_log stderr;\nevents {{}}\nhttp {{\n"
        f"  include /etc/nginx/mime.types;\n  access_log off;\n"
        f"  client_body_temp_path {tmp};\n  proxy_temp_path {tmp};\n"
        f"  include {tmp}/site.conf;\n}}\n"
    )
    return subprocess.run(
        [nginx, "-t", "-q", "-p", str(tmp), "-e", "stderr", "-c", str(tmp / "nginx.conf")],
        capture_output=True,
        text=True,
    )


def test_nginx_accepts_the_site(tmp_path: Path) -> None:
    run = _nginx_test((DEPLOY / "nginx" / "layak.conf").read_text(), tmp_path)
    assert run.returncode == 0, run.stderr
    assert "[warn]" not in run.stderr and "[emerg]" not in run.stderr, run.stderr


def test_nginx_check_catches_a_broken_site(tmp_path: Path) -> None:
    """The check above can fail: a directive nginx does not know is refused."""
    site = (DEPLOY / "nginx" / "layak.conf").read_text()
    run = _nginx_test(site.replace("client_max_body_size", "client_max_bodysize"), tmp_path)
    assert run.returncode != 0
    assert "client_max_bodysize" in run.stderr


def test_nginx_site_fits_the_settings() -> None:
    site = (DEPLOY / "nginx" / "layak.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", site)
    assert size and int(size.group(1)) * 1024 * 1024 > settings.EVIDENCE_MAX_BYTES
    # Django trusts X-Forwarded-Proto behind the proxy (BEHIND_PROXY=1): the site must send it,
    # in every location that forwards.
    assert site.count("proxy_pass") == site.count("X-Forwarded-Proto $scheme")
    assert "/media/" in site and "return 404" in site
    gunicorn_timeout = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))["timeout"]
    read = re.search(r"proxy_read_timeout (\d+)s;", site)
    assert read and int(read.group(1)) > gunicorn_timeout


def _verify(units: list[Path], tmp: Path) -> subprocess.CompletedProcess[str]:
    """systemd-analyze verify on copies pointing at this checkout (the executables must exist)."""
    (tmp / "layak.env").write_text("LAYAK_DEMO=1\n")
    copies = []
    for unit in units:
        text = unit.read_text()
        text = text.replace("/srv/layak/.venv", str(ROOT / ".venv"))
        text = text.replace("/etc/layak/layak.env", f"{tmp}/layak.env")
        text = re.sub(r"^(User|Group)=layak$", r"\1=root", text, flags=re.M)
        copy = tmp / unit.name
        copy.write_text(text)
        copies.append(str(copy))
    return subprocess.run(
        ["systemd-analyze", "verify", "--man=no", *copies],
        capture_output=True,
        text=True,
        env={**os.environ, "SYSTEMD_LOG_LEVEL": "notice"},
    )


needs_systemd = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze is not on this machine"
)


@needs_systemd
def test_systemd_accepts_the_units(tmp_path: Path) -> None:
    run = _verify(UNITS, tmp_path)
    assert run.returncode == 0 and not run.stderr.strip(), run.stderr


@needs_systemd
def test_systemd_check_catches_a_bad_setting(tmp_path: Path) -> None:
    """systemd only warns about a value it cannot read, so any output counts as a failure."""
    bad = tmp_path / "src"
    bad.mkdir()
    timer = bad / "layak-backup.timer"
    timer.write_text(
        (DEPLOY / "systemd" / "layak-backup.timer")
        .read_text()
        .replace("OnCalendar=*-*-* 01:30:00 Asia/Jakarta", "OnCalendar=every night")
    )
    run = _verify([timer], tmp_path)
    assert run.returncode != 0 or run.stderr.strip()


def test_units_run_what_the_project_has() -> None:
    commands = {
        "layak-web.service": "gunicorn --config /srv/layak/deploy/gunicorn.conf.py layak.wsgi",
        "layak-worker@.service": "manage.py worker",
        "layak-reminders.service": "manage.py send_reminders",
        "layak-backup.service": "manage.py backup --output",
    }
    from django.core.management import get_commands

    for name, command in commands.items():
        assert command in (DEPLOY / "systemd" / name).read_text(), name
        if "manage.py" in command:
            assert command.split()[1] in get_commands()
    for timer in ("layak-reminders", "layak-backup"):
        assert (DEPLOY / "systemd" / f"{timer}.timer").exists()


def test_gunicorn_loads_its_configuration() -> None:
    env = {
        **os.environ,
        "LAYAK_DEMO": "1",
        "GUNICORN_BIND": "127.0.0.1:0",
        "WEB_WORKERS": "3",
        "DJANGO_SETTINGS_MODULE": "layak.settings",
    }
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "--check-config",
            "--config",
            str(DEPLOY / "gunicorn.conf.py"),
            "layak.wsgi",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    config = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    assert config["worker_class"] == "sync" and config["max_requests"] > 0


def test_readme_names_every_deploy_file() -> None:
    readme = (ROOT / "README.md").read_text()
    for path in [*UNITS, DEPLOY / "nginx" / "layak.conf", DEPLOY / "gunicorn.conf.py"]:
        assert path.name in readme, path.name
