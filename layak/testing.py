"""Test helpers: the region subset, personas and factories shared by every app's tests."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from itertools import count

from layak.accounts.models import User
from layak.core import demo
from layak.organisations.models import Membership, Organisation
from layak.regions.loading import load_regions, official_regions
from layak.regions.models import Region

BEKASI = "32.16"
GUNUNG_MAS = "62.10"


def ensure_regions() -> None:
    """The two demo districts' subtrees and their provinces (a few hundred rows)."""
    if not Region.objects.filter(code=GUNUNG_MAS).exists():
        load_regions(official_regions([BEKASI, GUNUNG_MAS]), deactivate_missing=False)


@dataclass
class Personas:
    """One person per role in Kabupaten Bekasi (Jawa Barat) and Kabupaten Gunung Mas
    (Kalimantan Tengah), the two province verifiers, the ministry and an assessor."""

    users: dict[str, User]

    def __getitem__(self, key: str) -> User:
        return self.users[key]

    @property
    def ministry(self) -> User:
        return self.users["ministry"]

    @property
    def bekasi_admin(self) -> User:
        return self.users["bekasi.admin"]

    @property
    def bekasi_dinkes(self) -> User:
        return self.users["bekasi.dinkes"]

    @property
    def bekasi_regent(self) -> User:
        return self.users["bekasi.regent"]

    @property
    def gm_admin(self) -> User:
        return self.users["gunungmas.admin"]

    @property
    def jabar(self) -> User:
        return self.users["verifier.jabar"]


def make_personas() -> Personas:
    ensure_regions()
    return Personas(demo.seed_demo())


# Role of each persona key, for the URL x role matrix.
PERSONA_ROLES = {
    "ministry": "ministry_admin",
    "verifier.jabar": "province_verifier",
    "assessor": "assessor",
    "bekasi.admin": "district_admin",
    "bekasi.dinkes": "office_operator",
    "bekasi.partner": "partner_contributor",
    "bekasi.forum": "forum_facilitator",
    "bekasi.regent": "reader",
}

_seq = count(1)


def make_organisation(region_code: str = BEKASI, **fields: object) -> Organisation:
    n = next(_seq)
    fields.setdefault("name", f"Organisasi Uji {n}")
    fields.setdefault("kind", Organisation.Kind.GOVERNMENT_OFFICE)
    return Organisation.objects.create(region=Region.objects.get(code=region_code), **fields)


def make_user(**fields: object) -> User:
    n = next(_seq)
    email = str(fields.pop("email", f"person{n}@example.org"))
    fields.setdefault("full_name", f"Orang Uji {n}")
    return User.objects.create_user(email=email, password="test-pass-123", **fields)


def make_membership(user: User, organisation: Organisation, role: str) -> Membership:
    return Membership.objects.create(user=user, organisation=organisation, role=role)


# ---- evaluation fixtures ------------------------------------------------------------------


def small_spec(code: str = "uji", scale: int = 100):
    """A four-question instrument covering choice, percentage, table and evidence kinds."""
    from decimal import Decimal as D

    from layak.frameworks.spec import (
        BandSpec,
        EvidenceSpec,
        GroupSpec,
        IndicatorSpec,
        InstrumentSpec,
        OptionSpec,
        QuestionSpec,
        ScoreBandSpec,
    )

    return InstrumentSpec(
        framework_code=code,
        framework_name="Instrumen uji",
        label="Versi uji",
        scale_max=D(scale),
        bands=[
            BandSpec("NONE", "Tidak mendapat predikat", D(0), D(49), 0, name_en="No predicate"),
            BandSpec("PRATAMA", "Pratama", D(50), D(60), 1),
            BandSpec("MADYA", "Madya", D(61), D(70), 2),
            BandSpec("NINDYA", "Nindya", D(71), D(80), 3),
            BandSpec("UTAMA", "Utama", D(81), D(90), 4),
            BandSpec("KLA", "KLA", D(91), D(100), 5),
        ],
        groups=[GroupSpec("KL", "Kelembagaan", 0), GroupSpec("K3", "Kesehatan", 1)],
        indicators=[
            IndicatorSpec("T-1", "KL", "Peraturan daerah", 1),
            IndicatorSpec("T-2", "K3", "Persalinan dan akta", 2),
        ],
        questions=[
            QuestionSpec(
                "T-1.1",
                "T-1",
                "single",
                "Bentuk peraturan",
                D(30),
                options=[
                    OptionSpec("Perda", D(30)),
                    OptionSpec("SK", D(15)),
                    OptionSpec("Belum", D(0)),
                ],
                evidence=[EvidenceSpec("Dokumen Perda", required=True)],
            ),
            QuestionSpec(
                "T-1.2",
                "T-1",
                "evidence",
                "Unggah SK Gugus Tugas",
                D(20),
            ),
            QuestionSpec(
                "T-2.1",
                "T-2",
                "percentage",
                "Persalinan di fasilitas kesehatan (%)",
                D(30),
                score_bands=[
                    ScoreBandSpec(D(90), None, D(30)),
                    ScoreBandSpec(D(50), D(90), D(15)),
                    ScoreBandSpec(None, D(50), D(0)),
                ],
            ),
            QuestionSpec(
                "T-2.2",
                "T-2",
                "table",
                "Akta kelahiran menurut umur",
                D(20),
                table_rows=["0-<5", "5-<18"],
                table_columns=["Anak", "Berakta"],
                table_ratio=["Berakta", "Anak"],
                score_bands=[ScoreBandSpec(D(80), None, D(20)), ScoreBandSpec(None, D(80), D(5))],
            ),
        ],
    )


def windows_from(
    start: datetime.datetime, days: int = 10
) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    """A regency cycle's stage windows, each ``days`` long, one after the other from ``start``."""
    from layak.evaluation.models import Stage

    windows: dict[str, tuple[datetime.datetime, datetime.datetime]] = {}
    for kind in Stage.ORDER:
        windows[kind] = (start, start + days * datetime.timedelta(days=1))
        start = windows[kind][1]
    return windows


def make_cycle(personas: Personas, *, open_self: bool = True, assign: bool = True):
    """A published small instrument, a cycle whose self-assessment is open (or closed), Bekasi
    and Gunung Mas taking part, T-1 assigned to each DP3A and Dinkes, T-2 to Disdukcapil."""
    import datetime
    from types import SimpleNamespace

    from django.utils import timezone

    from layak.evaluation import actions
    from layak.evaluation.models import Answer
    from layak.frameworks.actions import version_publish
    from layak.frameworks.spec import build_version

    version = version_publish(actor=personas.ministry, version=build_version(small_spec()))
    now = timezone.now()
    day = datetime.timedelta(days=1)

    # Districts join while the cycle runs; a cycle whose stages are over is then moved there.
    cycle = actions.cycle_create(
        actor=personas.ministry,
        name="Evaluasi Uji",
        instrument=version,
        windows=windows_from(now - 5 * day),
    )
    bekasi, gm = actions.cycle_add_districts(
        actor=personas.ministry,
        cycle=cycle,
        regions=Region.objects.filter(code__in=[BEKASI, GUNUNG_MAS]).order_by("code"),
    )
    for assessment, slug, admin in (
        (bekasi, "Bekasi", personas.bekasi_admin),
        (gm, "Gunung Mas", personas.gm_admin),
    ):
        by_code = {
            a.question.code: a
            for a in Answer.objects.filter(assessment=assessment).select_related("question")
        }
        if not assign:
            break
        dinkes = Organisation.objects.get(name=f"Dinas Kesehatan Kabupaten {slug}")
        dp3a = Organisation.objects.get(
            name=f"Dinas Pemberdayaan Perempuan dan Perlindungan Anak Kabupaten {slug}"
        )
        capil = Organisation.objects.get(
            name=f"Dinas Kependudukan dan Pencatatan Sipil Kabupaten {slug}"
        )
        actions.assignments_set(
            actor=admin,
            assessment=assessment,
            answers=[by_code["T-1.1"], by_code["T-1.2"]],
            organisations=[dinkes, dp3a],
        )
        actions.assignments_set(
            actor=admin,
            assessment=assessment,
            answers=[by_code["T-2.1"], by_code["T-2.2"]],
            organisations=[capil],
        )
    if not open_self:
        actions.cycle_set_windows(
            actor=personas.ministry, cycle=cycle, windows=windows_from(now - 50 * day)
        )
    answers = {
        a.question.code: a
        for a in Answer.objects.filter(assessment=bekasi).select_related("question")
    }
    return SimpleNamespace(version=version, cycle=cycle, bekasi=bekasi, gm=gm, answers=answers)


def sign_in(page, email: str, password: str = demo.DEMO_PASSWORD) -> None:
    """Sign in through the form, as a person does (browser tests), typing the authenticator's
    code when the code step comes (a person whose role requires one gets one first)."""
    from urllib.parse import urlsplit

    user = User.objects.get(email=email)
    device_for(user)
    page.goto("/accounts/login/")
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/login/")
    if urlsplit(page.url).path == "/accounts/two-factor/":
        device = device_for(user)
        assert device is not None
        page.locator("#id_code").fill(next_code(device))
        page.locator("#two-factor-verify button[type=submit]").click()
        page.wait_for_url(lambda url: urlsplit(url).path != "/accounts/two-factor/")


# ---- two-factor sign-in ---------------------------------------------------------------------


def device_for(user: User):
    """The user's confirmed authenticator; one is made (a random key) when the user's role
    requires two-factor sign-in and they have none. None for others without one."""
    from django.conf import settings
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-pk").first()
    if device is not None:
        return device
    required = (
        Membership.objects.active().filter(user=user, role__in=settings.OTP_REQUIRED_ROLES).exists()
    )
    if not required:
        return None
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)


def code_at(device, t: int) -> str:
    """The device's code for time step ``t`` (counted as the device counts, drift included)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = (t - device.drift) * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"


def next_code(device) -> str:
    """A code the device accepts now: the current step's, or, when that one was used already
    (replays are refused), the next step's within the tolerance; waits for the next step when
    even that was used (at most two steps, so a minute)."""
    import time

    from django_otp.oath import TOTP

    for _attempt in range(3):
        device.refresh_from_db()
        now_t = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).t()
        t = max(now_t, device.last_t + 1)
        if t <= now_t + device.tolerance:
            return code_at(device, t)
        time.sleep(device.step - (time.time() - device.t0) % device.step + 0.1)
    raise AssertionError("no fresh code within two time steps")


def verify_session(client, user: User) -> None:
    """Mark the test client's session as having passed the code step with the user's
    authenticator (made for required roles, see ``device_for``)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = device_for(user)
    if device is None:
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def sign_out(page) -> None:
    import re

    page.locator(".user-menu button").click()
    page.wait_for_url(re.compile("/accounts/login/"))


def tiny_village_spec():
    """A two-question village instrument: Layak from 70 of 100 points."""
    from decimal import Decimal as D

    from layak.frameworks.spec import (
        BandSpec,
        GroupSpec,
        IndicatorSpec,
        InstrumentSpec,
        OptionSpec,
        QuestionSpec,
    )

    def question(code: str, text: str) -> QuestionSpec:
        return QuestionSpec(
            code,
            "V-1",
            "single",
            text,
            D(50),
            options=[OptionSpec("Ada dan berjalan", D(50)), OptionSpec("Belum ada", D(0))],
        )

    return InstrumentSpec(
        framework_code="desa-uji",
        framework_name="Desa Layak Anak (uji)",
        label="Uji",
        scale_max=D(100),
        region_level=4,
        bands=[
            BandSpec("NONE", "Belum layak", D(0), D("69.99"), 0),
            BandSpec("LAYAK", "Layak", D(70), D(100), 1),
        ],
        groups=[GroupSpec("KL", "Kelembagaan", 0)],
        indicators=[IndicatorSpec("V-1", "KL", "Kelembagaan desa", 1)],
        questions=[question("V-1.1", "Forum Anak Desa"), question("V-1.2", "Perdes KLA")],
    )


def move_stages(cycle, kind: str) -> None:
    """Open ``kind`` now, with earlier stages closed and later ones ahead (any level)."""
    from layak.evaluation.demo import windows_open_at
    from layak.evaluation.models import Stage

    windows = windows_open_at(kind, days=10, level=cycle.instrument.framework.region_level)
    for stage in Stage.objects.filter(cycle=cycle):
        stage.opens_at, stage.closes_at = windows[stage.kind]
        stage.save()


def make_village_cycle(personas: Personas):
    """A village cycle (self-assessment open) with the first three villages of Cikarang Utara
    (Bekasi) taking part, and the Bekasi regency assessment of a KLA cycle in progress."""
    import datetime
    from types import SimpleNamespace

    from django.utils import timezone

    from layak.evaluation import actions
    from layak.evaluation.models import Stage
    from layak.frameworks.actions import version_publish
    from layak.frameworks.spec import build_version

    version = version_publish(actor=personas.ministry, version=build_version(tiny_village_spec()))
    now = timezone.now()
    day = datetime.timedelta(days=1)
    windows = {
        Stage.Kind.SELF_ASSESSMENT: (now - day, now + 9 * day),
        Stage.Kind.DISTRICT: (now + 9 * day, now + 19 * day),
    }
    cycle = actions.cycle_create(
        actor=personas.ministry, name="DEKELA Uji", instrument=version, windows=windows
    )
    villages = list(Region.objects.filter(parent__code="32.16.09").order_by("code")[:3])
    assessments = actions.cycle_add_districts(
        actor=personas.bekasi_admin, cycle=cycle, regions=villages
    )
    return SimpleNamespace(cycle=cycle, version=version, villages=villages, assessments=assessments)
