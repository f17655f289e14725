"""Sign-in throttling behind proxies: with ``PROXY_COUNT`` proxies in front, wrong passwords
count against the client's address as the nearest proxy saw it (the end of
``X-Forwarded-For``, read through django-ipware), never one the client wrote there; with
none, against the connection's own address."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt

pytestmark = pytest.mark.django_db


def counted_address(client, personas, forwarded: str) -> str | None:
    client.post(
        "/accounts/login/",
        {"username": personas.bekasi_admin.email, "password": "salah-sandi"},
        HTTP_X_FORWARDED_FOR=forwarded,
        REMOTE_ADDR="127.0.0.1",
    )
    attempt = AccessAttempt.objects.get(username=personas.bekasi_admin.email)
    attempt.delete()
    address: str | None = attempt.ip_address
    return address


@pytest.mark.parametrize(
    ("proxies", "forwarded", "client_address"),
    [
        # nginx alone: it appends the client's address.
        (1, "36.68.1.20", "36.68.1.20"),
        # A client writing its own header: nginx appends the real address after it.
        (1, "8.8.4.4, 36.68.1.20", "36.68.1.20"),
        # A load balancer, then nginx, which appends the balancer's address.
        (2, "36.68.1.20, 10.0.0.5", "36.68.1.20"),
        (2, "8.8.4.4, 36.68.1.20, 10.0.0.5", "36.68.1.20"),
        # No proxy: the header is anyone's to write, and is not read.
        (0, "36.68.1.20", "127.0.0.1"),
    ],
)
def test_the_clients_own_address_is_counted(
    client, personas, settings, proxies, forwarded, client_address
):
    settings.AXES_IPWARE_META_PRECEDENCE_ORDER = (
        ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if proxies else ("REMOTE_ADDR",)
    )
    settings.AXES_IPWARE_PROXY_COUNT = proxies - 1 if proxies else None
    assert counted_address(client, personas, forwarded) == client_address


@pytest.mark.parametrize(("proxies", "count"), [("0", "None"), ("1", "0"), ("2", "1")])
def test_the_settings_follow_proxy_count(proxies, count):
    """``PROXY_COUNT`` as the README documents it (nginx: 1; a balancer and nginx: 2) sets
    what the test above exercises."""
    import os
    import subprocess
    import sys

    script = (
        "import layak.settings as s; "
        "print(s.AXES_IPWARE_PROXY_COUNT, s.AXES_IPWARE_META_PRECEDENCE_ORDER[0], "
        "s.IPWARE_STRICT)"
    )
    env = dict(os.environ, PROXY_COUNT=proxies, LAYAK_DEMO="1")
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    header = "REMOTE_ADDR" if proxies == "0" else "HTTP_X_FORWARDED_FOR"
    assert done.stdout.split() == [count, header, "False"]
