"""The production setup shipped in ``deploy/``: nginx accepts the site, systemd accepts the units,
gunicorn loads its configuration, and they agree with the settings and the README."""

from __future__ import annotations

import getpass
import os
import re
import runpy
import shutil
import socket
import ssl
import subprocess
import sys
import time
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _complete(answer: bytes) -> bool:
    head, found, body = answer.partition(b"\r\n\r\n")
    length = re.search(rb"content-length: (\d+)", head, re.I)
    return bool(found and length and len(body) >= int(length.group(1)))


def test_nginx_answers_an_oversized_upload_in_indonesian_then_english(tmp_path: Path) -> None:
    """nginx refuses a request over client_max_body_size itself, before Django sees it: its page
    says so in Indonesian first, then English, with the limit, and asks for no favicon."""
    https, http = _free_port(), _free_port()
    site = (DEPLOY / "nginx" / "layak.conf").read_text()
    site = site.replace("listen 443 ssl http2;", f"listen 127.0.0.1:{https} ssl;")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{http};")
    site = site.replace("listen [::]:443 ssl http2;", "").replace("listen [::]:80;", "")
    assert _nginx_test(site, tmp_path).returncode == 0
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    command = [nginx, "-p", str(tmp_path), "-e", "stderr", "-c", str(tmp_path / "nginx.conf")]
    server = subprocess.Popen([*command, "-g", "daemon off;"], stderr=subprocess.PIPE)
    try:
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        limit = int(re.search(r"client_max_body_size (\d+)m;", site).group(1))
        for _ in range(50):
            try:
                raw = socket.create_connection(("127.0.0.1", https), timeout=5)
                break
            except OSError:
                time.sleep(0.1)
        with context.wrap_socket(raw, server_hostname="layak.example.go.id") as conn:
            conn.sendall(
                b"POST /evidence/upload/ HTTP/1.1\r\nHost: layak.example.go.id\r\n"
                + f"Content-Length: {(limit + 1) * 1024 * 1024}\r\n".encode()
                + b"Content-Type: multipart/form-data; boundary=x\r\n\r\n"
            )
            # nginx answers at once, then keeps reading what the client sends (lingering close):
            # read the answer up to its length.
            answer = b""
            while not _complete(answer):
                chunk = conn.recv(65536)
                assert chunk, answer
                answer += chunk
    finally:
        server.terminate()
        server.wait(timeout=10)
    head, _, body = answer.decode().partition("\r\n\r\n")
    assert head.startswith("HTTP/1.1 413"), head
    assert "content-type: text/html; charset=utf-8" in head.lower()
    assert body.index("Berkas terlalu besar") < body.index("File too large")
    assert body.count(f"{limit} MB") == 2
    assert 'rel="icon" href="data:,"' in body
    assert "nginx" not in body


def test_gunicorn_control_socket_goes_to_the_units_runtime_directory(tmp_path: Path) -> None:
    """gunicorn 25.1+ opens a control socket in ~/.gunicorn by default, which the unit cannot
    write (ProtectHome=yes): under systemd it goes to RuntimeDirectory=, elsewhere it is off."""
    from gunicorn.config import Config  # type: ignore[import-untyped]

    known = Config().settings
    assert "control_socket" in known and "control_socket_disable" in known
    conf = str(DEPLOY / "gunicorn.conf.py")
    env = {k: v for k, v in os.environ.items() if k != "RUNTIME_DIRECTORY"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(os, "environ", env)
        assert runpy.run_path(conf).get("control_socket_disable") is True
        env["RUNTIME_DIRECTORY"] = f"{tmp_path}/layak:{tmp_path}/other"
        config = runpy.run_path(conf)
    assert config["control_socket"] == f"{tmp_path}/layak/gunicorn.ctl"
    assert not config.get("control_socket_disable")
    web = (DEPLOY / "systemd" / "layak-web.service").read_text()
    assert re.search(r"^RuntimeDirectory=layak$", web, flags=re.M)
    assert "ProtectHome=yes" in web and "ProtectSystem=strict" in web


def _env_file_as_systemd_reads_it(text: str) -> dict[str, str]:
    """systemd's EnvironmentFile=: NAME=value, one a line, a value in double quotes unquoted."""
    values = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        name, _, value = line.partition("=")
        if len(value) >= 2 and value[0] == value[-1] == '"':
            value = value[1:-1]
        values[name] = value
    return values


def test_env_example_reads_the_same_in_sh_and_systemd(tmp_path: Path) -> None:
    """deploy/manage sources the file with sh; the units read it as systemd does."""
    text = (DEPLOY / "layak.env.example").read_text()
    expected = _env_file_as_systemd_reads_it(text)
    for value in expected.values():
        assert not set(value) & set('$`\\"'), value
    run = subprocess.run(
        ["sh", "-c", 'set -a; . "$1"; exec env -0', "sh", str(DEPLOY / "layak.env.example")],
        capture_output=True,
        text=True,
        env={"PATH": os.environ["PATH"]},
        check=True,
    )
    seen = dict(item.split("=", 1) for item in run.stdout.split("\0") if "=" in item)
    assert {name: seen.get(name) for name in expected} == expected
    assert expected["DEFAULT_FROM_EMAIL"] == "Layak <noreply@layak.example.go.id>"
    for name in ("S3_REGION", "GUNICORN_FORWARDED_ALLOW_IPS", "GUNICORN_BIND"):
        assert re.search(rf"^#? ?{name}=", text, flags=re.M), name


def test_deploy_manage_runs_manage_py_with_the_env_file(tmp_path: Path) -> None:
    env_file = tmp_path / "layak.env"
    env_file.write_text('LAYAK_DEMO=1\nDEFAULT_FROM_EMAIL="Layak <noreply@example.go.id>"\n')
    run = subprocess.run(
        [
            str(DEPLOY / "manage"),
            "shell",
            "--no-imports",
            "-c",
            "from django.conf import settings as s; print(s.DEFAULT_FROM_EMAIL)",
        ],
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if k != "DEFAULT_FROM_EMAIL"},
            "LAYAK_ENV_FILE": str(env_file),
            "LAYAK_USER": getpass.getuser(),
        },
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "Layak <noreply@example.go.id>"


def _ensure_env(tmp_path: Path, **env: str) -> list[str]:
    """bin/ensure-env with a stand-in uv on PATH that records its arguments."""
    fake = tmp_path / "bin"
    fake.mkdir(exist_ok=True)
    record = tmp_path / "uv-args"
    (fake / "uv").write_text(f'#!/bin/sh\nprintf "%s\\n" "$@" > {record}\n')
    (fake / "uv").chmod(0o755)
    base = {k: v for k, v in os.environ.items() if k not in {"S3_BUCKET", "LAYAK_EXTRAS"}}
    run = subprocess.run(
        [str(ROOT / "bin" / "ensure-env")],
        env={**base, "PATH": f"{fake}:{os.environ['PATH']}", **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stderr
    return record.read_text().split()


def test_ensure_env_keeps_the_s3_extra(tmp_path: Path) -> None:
    """Running bin/ensure-env again must not uninstall boto3 from a machine storing files on S3."""
    env_file = tmp_path / "layak.env"
    env_file.write_text("SECRET_KEY=x\n# S3_BUCKET=layak-files\n")
    args = _ensure_env(tmp_path, LAYAK_ENV_FILE=str(env_file))
    assert args[:2] == ["sync", "--frozen"] and "--extra" not in args
    env_file.write_text("SECRET_KEY=x\nS3_BUCKET=layak-files\n")
    assert "s3" in _ensure_env(tmp_path, LAYAK_ENV_FILE=str(env_file))
    assert "s3" in _ensure_env(tmp_path, LAYAK_ENV_FILE="/nonexistent", S3_BUCKET="b")
    args = _ensure_env(tmp_path, LAYAK_ENV_FILE=str(env_file), LAYAK_EXTRAS="")
    assert "--extra" not in args
    args = _ensure_env(tmp_path, LAYAK_ENV_FILE="/nonexistent", LAYAK_EXTRAS="s3")
    assert args[args.index("--extra") + 1] == "s3"


def test_readme_documents_every_deploy_variable() -> None:
    """Every variable of the env example and of gunicorn.conf.py is in the Configuration table."""
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## Configuration") : readme.index("## Production deployment")]
    names = set(
        re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", (DEPLOY / "layak.env.example").read_text(), re.M)
    )
    names |= set(
        re.findall(r'"((?:GUNICORN|WEB)_[A-Z_]+)"', (DEPLOY / "gunicorn.conf.py").read_text())
    )
    missing = sorted(name for name in names if f"`{name}`" not in table)
    assert not missing, missing
    assert "| `WEB_WORKERS` | `2` |" not in table
    assert "deploy/manage" in readme and "docs/deployment.md" in readme
