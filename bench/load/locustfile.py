"""The load test's scenarios as locust users.

Each scenario is one user class with a tag and statistics names per page template
("district /dashboards/district/"), so pages of one kind are counted together:

- ``office``: an office operator opens the list of its items and an indicator's questions,
  saves an answer through the page's own form (with the answer's revision, as htmx posts it) and
  now and then uploads a small evidence file to it;
- ``district``: a district administrator's home page, district dashboard, assessment and gaps;
- ``verifier``: a province verifier's queue, the verification page of a submitted assessment and
  its score comparison;
- ``national``: the ministry's national and province dashboards;
- ``public``: anonymous visitors of the public portal;
- ``api``: API reads with a personal access token;
- ``healthz``: ``/healthz``, the reference for the throughput ratios.

The plan (``bench.load.plan``) says who plays each scenario and what they open; ``configure``
takes it (``bench.load.run`` calls it), or ``LAYAK_LOAD_PLAN`` names its file for the locust
command line. Only 127.0.0.1 is ever the target.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import json
import os
import random
import re
import struct
import time
import uuid
from http.cookiejar import CookieJar
from typing import Any
from urllib.parse import urlparse

import gevent.lock
from locust import constant, tag, task
from locust.contrib.fasthttp import FastHttpUser

from bench.load.answering import form_fields, revision_of

PLAN: dict[str, Any] = {}
SLOTS: dict[str, itertools.count[int]] = {}
USERS_PER_SCENARIO = 20
# Think time between two pages of a person (seconds); 0 for the throughput measurements.
THINK: tuple[float, float] = (0.5, 1.5)

_sessions: dict[str, CookieJar] = {}
_locks: dict[str, gevent.lock.Semaphore] = {}

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SAVED_RE = re.compile(r'class="message success"')
ERROR_RE = re.compile(r'class="errors" role="alert"')
SECRET_RE = re.compile(r'id="two-factor-secret">([^<]+)<')
NEXT_RE = re.compile(r'name="next" value="([^"]*)"')
CONFLICT_RE = re.compile(r"Your unsaved answer was|Jawaban Anda yang belum tersimpan")


def configure(plan: dict[str, Any], users: int = 20, think: tuple[float, float] = THINK) -> None:
    global USERS_PER_SCENARIO, THINK
    PLAN.clear()
    PLAN.update(plan)
    SLOTS.clear()
    USERS_PER_SCENARIO = users
    THINK = think


if os.environ.get("LAYAK_LOAD_PLAN") and not PLAN:
    with open(os.environ["LAYAK_LOAD_PLAN"]) as fh:
        configure(json.load(fh), int(os.environ.get("LAYAK_LOAD_USERS", "20")))


def check_loopback(host: str) -> None:
    if urlparse(host).hostname != "127.0.0.1":
        raise SystemExit(f"refusing to load {host}: only 127.0.0.1 may be the target")


def totp(key_hex: str, *, step: int = 30, t0: int = 0, digits: int = 6, drift: int = 0) -> str:
    """The code an authenticator app shows now (RFC 6238, HMAC-SHA1)."""
    counter = int((time.time() - t0) // step) + drift
    mac = hmac.new(bytes.fromhex(key_hex), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    number = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    return found.group(1) if found else ""


def sign_in(client: Any, email: str) -> None:
    """Sign in as a person does: the login form with its CSRF token, then, when the site asks
    for it, the one-time code the person's authenticator app would show. One sign-in per person
    per run; further simulated users of the same person share the session (another tab)."""
    lock = _locks.setdefault(email, gevent.lock.Semaphore())
    with lock:
        if email not in _sessions:
            _sessions[email] = _sign_in(client, email)
    for cookie in _sessions[email]:
        client.cookiejar.set_cookie(cookie)


def forget_session(email: str) -> None:
    """Drop a person's shared session, so the next simulated user signs in again."""
    _sessions.pop(email, None)


def _sign_in(client: Any, email: str) -> CookieJar:
    page = client.get("/accounts/login/", name="sign in: form")
    with client.post(
        "/accounts/login/",
        data={
            "username": email,
            "password": PLAN["password"],
            "csrfmiddlewaretoken": csrf_of(page.text or ""),
        },
        headers={"Referer": client.base_url + "/accounts/login/"},
        name="sign in: password",
        catch_response=True,
    ) as resp:
        html = resp.text or ""
        if 'name="password"' in html:
            resp.failure(f"{email}: the password was refused")
            raise RuntimeError(f"{email}: the password was refused")
        if 'name="code"' in html:
            resp.success()
            _second_factor(client, email, resp.url, html)
    jar = CookieJar()
    for cookie in client.cookiejar:
        jar.set_cookie(cookie)
    return jar


def _second_factor(client: Any, email: str, url: str, html: str) -> None:
    """The code step. A person with an authenticator types the code it shows (the key is read
    from the database before the run); a person whose role requires one but who has none is
    asked to set one up first, and does so as a person would by typing the key shown on the
    page into an app."""
    parsed = urlparse(url)
    path = parsed.path + (f"?{parsed.query}" if parsed.query else "")
    secret = SECRET_RE.search(html)
    if secret:
        raw = re.sub(r"\s+", "", secret.group(1)).upper()
        key = base64.b32decode(raw + "=" * (-len(raw) % 8)).hex()
        device = {"key": key, "step": 30, "t0": 0, "digits": 6, "drift": 0}
        PLAN.setdefault("totp", {})[email] = device
        name = "sign in: set up two-factor"
    else:
        device = PLAN.get("totp", {}).get(email)
        name = "sign in: one-time code"
        if device is None:
            raise RuntimeError(f"{email}: asked for a one-time code but has no TOTP device")
    # The current code; if the site refuses it (the same code was used a moment ago by the
    # same person), the next one, which the site's tolerance of one step accepts.
    for extra in (0, 1):
        code = totp(
            device["key"],
            step=device["step"],
            t0=device["t0"],
            digits=device["digits"],
            drift=device["drift"] + extra,
        )
        data = {"code": code, "csrfmiddlewaretoken": csrf_of(html)}
        found_next = NEXT_RE.search(html)
        if found_next:
            data["next"] = found_next.group(1)
        with client.post(
            path,
            data=data,
            headers={"Referer": client.base_url + path},
            name=name,
            catch_response=True,
        ) as resp:
            html = resp.text or ""
            if 'name="code"' not in html:
                resp.success()
                return
            resp.failure("one-time code refused")
    raise RuntimeError(f"{email}: the one-time code was refused")


def _slot(scenario: str) -> tuple[dict[str, Any], int, int]:
    """The actor of the next simulated user of a scenario, the user's index among those
    playing the same actor, and how many share that actor."""
    actors = PLAN["scenarios"][scenario]
    if not actors:
        raise RuntimeError(f"no one to play the {scenario} scenario in this database")
    n = next(SLOTS.setdefault(scenario, itertools.count()))
    actor = actors[n % len(actors)]
    share = max(1, -(-USERS_PER_SCENARIO // len(actors)))
    return actor, (n // len(actors)) % share, share


def think(user: Any) -> float:
    low, high = THINK
    return random.uniform(low, high) if high > 0 else 0.0


class Browsing(FastHttpUser):
    """A signed-in person who opens the pages of their actor in turn."""

    abstract = True
    scenario = ""
    wait_time = think
    # A connection per simulated user, as a browser keeps one; never another host.
    concurrency = 1
    insecure = False

    def on_start(self) -> None:
        check_loopback(self.host)
        self.actor, self.index, self.share = _slot(self.scenario)
        if self.actor.get("email"):
            sign_in(self.client, self.actor["email"])
        self.pages = list(self.actor["pages"])
        random.Random(self.index).shuffle(self.pages)
        self.cursor = itertools.cycle(self.pages)

    def open_next(self) -> None:
        name, url = next(self.cursor)
        get_page(self.client, url, name)


def get_page(client: Any, url: str, name: str, **kw: Any) -> Any:
    """GET a page; a page that ends on the sign-in or code step is a failure, not a success."""
    with client.get(url, name=name, catch_response=True, **kw) as resp:
        if resp.status_code == 200 and "/accounts/" in urlparse(resp.url or "").path:
            resp.failure(f"ended on {urlparse(resp.url).path}")
        return resp


@tag("district")
class DistrictAdmin(Browsing):
    scenario = "district"

    @task
    def browse(self) -> None:
        self.open_next()


@tag("verifier")
class ProvinceVerifier(Browsing):
    scenario = "verifier"

    @task
    def browse(self) -> None:
        self.open_next()


@tag("national")
class Ministry(Browsing):
    scenario = "national"

    @task
    def browse(self) -> None:
        self.open_next()


@tag("public")
class PublicVisitor(Browsing):
    scenario = "public"

    @task
    def browse(self) -> None:
        self.open_next()


@tag("api")
class ApiReader(Browsing):
    scenario = "api"

    def on_start(self) -> None:
        check_loopback(self.host)
        self.actor, self.index, self.share = _slot(self.scenario)
        self.headers = {"Authorization": f"Bearer {self.actor['token']}"}
        self.pages = list(self.actor["pages"])
        self.cursor = itertools.cycle(self.pages)

    @task
    def read(self) -> None:
        name, url = next(self.cursor)
        self.client.get(url, name=name, headers=self.headers)


@tag("healthz")
class Healthz(FastHttpUser):
    wait_time = constant(0)
    concurrency = 1

    def on_start(self) -> None:
        check_loopback(self.host)

    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")


# --- answering --------------------------------------------------------------------------------


def tiny_csv(marker: str) -> bytes:
    return f"indicator,value,reference\nK1-1,{random.randint(1, 999)},{marker}\n".encode()


def multipart(fields: dict[str, str], file_field: str, filename: str, content: bytes) -> Any:
    boundary = uuid.uuid4().hex
    parts = []
    for key, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{key}"\r\n\r\n'
        parts.append(f"{head}{value}\r\n".encode())
    parts.append(
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{file_field}"; '
            f'filename="{filename}"\r\nContent-Type: text/csv\r\n\r\n'
        ).encode()
        + content
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@tag("office")
class OfficeOperator(Browsing):
    """Opens its items and a question, saves the answer, sometimes uploads evidence."""

    scenario = "office"

    def on_start(self) -> None:
        super().on_start()
        items = self.actor["items"]
        mine = items[self.index :: self.share] if self.share <= len(items) else []
        self.items = mine or [items[self.index % len(items)]]
        self.counter = itertools.count(1)

    @task
    def answer(self) -> None:
        get_page(self.client, "/evaluation/my-items/", "office /evaluation/my-items/")
        item = random.choice(self.items)
        page = get_page(
            self.client, item["page"], "office /evaluation/assessments/[id]/indicators/[id]/"
        )
        html = page.text or ""
        revision = revision_of(html, item["answer"])
        if revision is None:
            return
        n = next(self.counter)
        marker = f"load {uuid.uuid4().hex[:12]}"
        data = form_fields(item, marker, n) | {
            "revision": revision,
            "csrfmiddlewaretoken": csrf_of(html),
        }
        headers = {
            "HX-Request": "true",
            "HX-Current-URL": self.client.base_url + item["page"],
            "Referer": self.client.base_url + item["page"],
        }
        with self.client.post(
            f"/evaluation/answers/{item['answer']}/save/",
            data=data,
            headers=headers,
            name="office POST /evaluation/answers/[id]/save/",
            catch_response=True,
        ) as resp:
            body = resp.text or ""
            if CONFLICT_RE.search(body):
                # Two simulated users of one person raced for the same answer: the app refused
                # the older revision, as it should. Counted apart, not as an error.
                resp.success()
                self.environment.events.request.fire(
                    request_type="NOTE",
                    name="office save refused: revision conflict",
                    response_time=0,
                    response_length=0,
                    exception=None,
                    context={},
                )
            elif ERROR_RE.search(body) or not SAVED_RE.search(body):
                resp.failure("the save was not confirmed")
        if n % 4 == 0:
            body, content_type = multipart(
                {"answer": str(item["answer"]), "csrfmiddlewaretoken": csrf_of(html)},
                "file",
                f"data-{marker.split()[-1]}.csv",
                tiny_csv(marker),
            )
            with self.client.post(
                "/evidence/upload/",
                data=body,
                headers=headers | {"Content-Type": content_type},
                name="office POST /evidence/upload/",
                catch_response=True,
            ) as resp:
                if ERROR_RE.search(resp.text or "") or not SAVED_RE.search(resp.text or ""):
                    resp.failure("the upload was not confirmed")


SCENARIOS: dict[str, type[FastHttpUser]] = {
    "office": OfficeOperator,
    "district": DistrictAdmin,
    "verifier": ProvinceVerifier,
    "national": Ministry,
    "public": PublicVisitor,
    "api": ApiReader,
}

__all__ = ["SCENARIOS", "Healthz", "configure", "form_fields", "get_page", "sign_in", "totp"]
