"""The national dataset's plan, naming scheme and bulk loading (COPY), and its people."""

from __future__ import annotations

import datetime
import hashlib
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

PASSWORD = "bench-password-1"  # noqa: S105 - benchmark data only
DOMAIN = "bench.layak.test"
MINISTRY_ORG = "Kementerian PPPA — Deputi Bidang Pemenuhan Hak Anak"

DISTRICTS = 514
ORGS_PER_DISTRICT = 40
USERS_PER_DISTRICT = 60
RAD_ITEMS = 150
DATA_VALUES = 2_000_000
AUDIT_ENTRIES = 100_000
MINISTRY_USERS = 5
# Each cycle caps the predicate at Utama unless this question of KLA 2024 (Indikator 17: the
# local government no longer accepts tobacco advertising, promotion and sponsorship) is met.
GATE_QUESTION = "K3-17.5"
# Which office answers which cluster (and a few single indicators) of the KLA instrument; the
# office named first also holds the evidence files. A district without one of them gives the
# questions to its DP3A (the KLA secretariat).
GROUP_OFFICES = {
    "KL": ["DP3A", "Bappeda"],
    "K1": ["Disdukcapil"],
    "K2": ["DP3A", "Dinsos"],
    "K3": ["Dinkes"],
    "K4": ["Disdik"],
    "K5": ["Dinsos", "DP3A"],
    "KD": ["DP3A", "DPMD"],
}
INDICATOR_OFFICES = {
    "K1-5": ["Diskominfo"],
    "K1-6": ["Forum Anak"],
    "K3-17": ["Satpol PP", "Dinkes"],
    "K2-11": ["DPUPR"],
    "K4-20": ["Disparbud"],
}

Log = Callable[[str], None]


class AlreadyGenerated(RuntimeError):
    """The database already holds a generated dataset."""


# --- naming scheme (also used by the load test) ---------------------------------------------


def admin_email(district: str) -> str:
    return f"admin.{district}@{DOMAIN}"


def reader_email(district: str) -> str:
    return f"reader.{district}@{DOMAIN}"


def operator_email(district: str, n: int) -> str:
    return f"op{n}.{district}@{DOMAIN}"


def partner_email(district: str, n: int) -> str:
    return f"partner{n}.{district}@{DOMAIN}"


def forum_email(district: str, n: int) -> str:
    return f"forum{n}.{district}@{DOMAIN}"


def verifier_email(province: str) -> str:
    return f"verifier.{province}@{DOMAIN}"


def ministry_email(n: int = 1) -> str:
    return f"ministry@{DOMAIN}" if n == 1 else f"ministry{n}@{DOMAIN}"


def totp_key(email: str) -> str:
    """The hex key of the user's authenticator (roles that require two-factor sign-in)."""
    return hashlib.sha1(f"bench-totp:{email}".encode()).hexdigest()  # noqa: S324 - a key, no hash


def totp_code(email: str, when: float | None = None) -> str:
    """The six-digit code the user's authenticator shows now (or at ``when``, a Unix time).
    A code is accepted once per 30-second step."""
    from django_otp.oath import TOTP

    totp = TOTP(bytes.fromhex(totp_key(email)), step=30, t0=0, digits=6)
    if when is not None:
        totp.time = when
    return f"{totp.token():06d}"


def districts() -> list[str]:
    """Codes of the districts that have generated users (needs the database)."""
    from layak.organisations.models import Membership

    emails = Membership.objects.filter(
        role="district_admin", user__email__endswith=f"@{DOMAIN}"
    ).values_list("user__email", flat=True)
    return sorted(e.split("@")[0].removeprefix("admin.") for e in emails)


def users_for(district: str) -> dict[str, list[str]]:
    """The generated users of a district by role: {"district_admin": [email], ...}."""
    from layak.organisations.models import Membership

    out: dict[str, list[str]] = {}
    rows = Membership.objects.filter(
        organisation__region__code=district, user__email__endswith=f"@{DOMAIN}"
    ).values_list("role", "user__email")
    for role, email in rows.order_by("user__email"):
        out.setdefault(role, []).append(email)
    return out


# --- COPY ------------------------------------------------------------------------------------


def copy_rows(model: Any, fields: list[str], rows: Iterable[tuple[Any, ...]]) -> int:
    """COPY ``rows`` (tuples in the order of ``fields``, model field names) into the model's
    table. Returns the number of rows."""
    from django.db import connection

    meta = model._meta
    # Columns not named take their field's default, or an empty text for a text field that
    # may be blank (fields added to a model later, such as a revision counter or an office
    # kind, stay valid without changing every generator).
    given = {meta.get_field(f).column for f in fields}
    extra = [
        f
        for f in meta.concrete_fields
        if f.column not in given
        and not f.null
        and not f.primary_key
        and (f.has_default() or (f.empty_strings_allowed and f.blank))
    ]
    defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in extra)
    names = [meta.get_field(f).column for f in fields] + [f.column for f in extra]
    columns = ", ".join(connection.ops.quote_name(c) for c in names)
    table = connection.ops.quote_name(meta.db_table)
    n = 0
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row + defaults if defaults else row)
            n += 1
    return n


class Ids:
    """Primary keys handed out here (the tables' sequences are moved past them at the end)."""

    def __init__(self) -> None:
        self.next: dict[Any, int] = {}

    def prime(self, models: Iterable[Any]) -> None:
        """Read where each table's keys start (before any COPY holds the connection)."""
        from django.db.models import Max

        for model in models:
            self.next[model] = (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1

    def take(self, model: Any) -> int:
        value = self.next[model]
        self.next[model] = value + 1
        return value


def fix_sequences(models: Iterable[Any]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            pk = model._meta.pk.column
            quoted = connection.ops.quote_name(table)
            highest = f"SELECT MAX({pk}) FROM {quoted}"  # noqa: S608 - names from the models
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(({highest}), 0) + 1, "
                "false)",
                [table, pk],
            )


# --- the plan of the dataset -----------------------------------------------------------------


@dataclass
class District:
    id: int
    code: str
    name: str
    province_id: int
    strength: float  # 0–1: how well the district does (spreads the predicates)
    offices: dict[str, int] = field(default_factory=dict)  # acronym → organisation id
    org_ids: list[int] = field(default_factory=list)
    admin: int = 0
    reader: int = 0
    operators: dict[int, int] = field(default_factory=dict)  # office id → first operator
    users: list[int] = field(default_factory=list)


@dataclass
class Event:
    """Something a person did to an answer, for the revisions and the audit log."""

    at: datetime.datetime
    actor: int
    action: str
    answer: int
    district: District
    question: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


@dataclass
class Context:
    scale: float
    rng: random.Random
    now: datetime.datetime
    year: int
    ids: Ids
    media_root: Path
    districts: list[District] = field(default_factory=list)
    verifiers: dict[int, int] = field(default_factory=dict)  # province id → user
    ministry: list[int] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    events: list[Event] = field(default_factory=list)  # answers' steps, for the audit log
    answer_type: int = 0  # the content type of answers

    def per_district(self, n: int, floor: int) -> int:
        return max(floor, round(n * self.scale))


def _pick_districts(ctx: Context) -> None:
    from layak.regions.models import Region

    rows = list(
        Region.objects.filter(level=2, is_active=True)
        .order_by("code")
        .values_list("pk", "code", "name", "parent_id")
    )
    wanted = min(len(rows), max(5, round(DISTRICTS * ctx.scale)))
    step = len(rows) / wanted
    chosen = [rows[int(i * step)] for i in range(wanted)]
    for pk, code, name, parent in chosen:
        # A spread of results: most districts middling, a few strong, a few weak.
        strength = min(1.0, max(0.05, ctx.rng.betavariate(3.0, 2.2)))
        ctx.districts.append(District(pk, code, name, parent, strength))


def _person(rng: random.Random) -> str:
    from bench.gen_names import FIRST_NAMES, LAST_NAMES

    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def load_people(ctx: Context) -> None:
    """Organisations, users and memberships."""
    from django.apps import apps as django_apps
    from django.conf import settings
    from django.contrib.auth.hashers import make_password

    from bench.gen_names import ORGANISATIONS
    from layak.accounts.models import User
    from layak.organisations.models import Membership, Organisation
    from layak.organisations.roles import PARTNER_KINDS, Role
    from layak.organisations.roles import OrganisationKind as K
    from layak.regions.models import Region

    password = make_password(PASSWORD)
    now = ctx.now
    orgs: list[tuple[Any, ...]] = []
    users: list[tuple[Any, ...]] = []
    members: list[tuple[Any, ...]] = []

    def org(region: int | None, kind: str, acronym: str, name: str, email: str = "") -> int:
        pk = ctx.ids.take(Organisation)
        orgs.append((pk, region, name, acronym, kind, email, "", "", True, now))
        return pk

    def user(email: str) -> int:
        pk = ctx.ids.take(User)
        emails[pk] = email
        users.append((pk, password, None, False, False, True, now, email, _person(ctx.rng), "id"))
        return pk

    emails: dict[int, str] = {}
    two_factor: set[int] = set()
    required = set(getattr(settings, "OTP_REQUIRED_ROLES", []))

    def member(user_id: int, org_id: int, role: str) -> None:
        members.append((ctx.ids.take(Membership), user_id, org_id, role, True, now, None))
        if role in required:
            two_factor.add(user_id)

    ministry = org(None, K.MINISTRY, "KemenPPPA", MINISTRY_ORG)
    for n in range(1, MINISTRY_USERS + 1):
        pk = user(ministry_email(n))
        member(pk, ministry, Role.MINISTRY_ADMIN)
        ctx.ministry.append(pk)
    provinces = {d.province_id for d in ctx.districts}
    for pk, code, name in Region.objects.filter(pk__in=provinces).values_list("pk", "code", "name"):
        office = org(pk, K.PROVINCE_OFFICE, "DP3A Prov", f"DP3A Provinsi {name}")
        verifier = user(verifier_email(code))
        member(verifier, office, Role.PROVINCE_VERIFIER)
        ctx.verifiers[pk] = verifier

    n_orgs = ctx.per_district(ORGS_PER_DISTRICT, 16)
    n_users = ctx.per_district(USERS_PER_DISTRICT, 10)
    for d in ctx.districts:
        offices: list[int] = []
        partners: list[int] = []
        forum = 0
        for kind, acronym, prefix in ORGANISATIONS[:n_orgs]:
            short = d.name.split(" ", 1)[1] if " " in d.name else d.name
            pk = org(d.id, kind, acronym, f"{prefix} {d.name if kind != K.FORUM_ANAK else short}")
            d.offices[acronym] = pk
            d.org_ids.append(pk)
            if kind == K.GOVERNMENT_OFFICE and acronym not in ("DP3A", "Setda"):
                offices.append(pk)
            elif kind in PARTNER_KINDS:
                partners.append(pk)
            elif kind == K.FORUM_ANAK:
                forum = pk
        d.admin = user(admin_email(d.code))
        member(d.admin, d.offices["DP3A"], Role.DISTRICT_ADMIN)
        d.reader = user(reader_email(d.code))
        member(d.reader, d.offices["Setda"], Role.READER)
        d.users += [d.admin, d.reader]
        # The rest: a forum facilitator, one contributor per partner, then office operators
        # round-robin (a second facilitator and more operators at full scale).
        n_op = n_partner = n_forum = 0
        plan: list[tuple[str, int]] = [("forum", forum)]
        plan += [("partner", p) for p in partners]
        extra = max(0, n_users - 2 - len(plan))
        for i in range(extra):
            if i == 10:
                plan.append(("forum", forum))
            else:
                plan.append(("op", offices[i % len(offices)]))
        # Operators first when there are few slots: the evaluation needs them most.
        plan.sort(key=lambda p: {"op": 0, "forum": 1, "partner": 2}[p[0]])
        for kind, org_id in plan[: n_users - 2]:
            if kind == "op":
                n_op += 1
                pk = user(operator_email(d.code, n_op))
                member(pk, org_id, Role.OFFICE_OPERATOR)
                d.operators.setdefault(org_id, pk)
            elif kind == "partner":
                n_partner += 1
                pk = user(partner_email(d.code, n_partner))
                member(pk, org_id, Role.PARTNER_CONTRIBUTOR)
            else:
                n_forum += 1
                pk = user(forum_email(d.code, n_forum))
                member(pk, org_id, Role.FORUM_FACILITATOR)
            d.users.append(pk)
    ctx.counts["organisations"] = copy_rows(
        Organisation,
        [
            "id",
            "region",
            "name",
            "acronym",
            "kind",
            "email",
            "phone",
            "address",
            "is_active",
            "created_at",
        ],
        orgs,
    )
    ctx.counts["users"] = copy_rows(
        User,
        [
            "id",
            "password",
            "last_login",
            "is_superuser",
            "is_staff",
            "is_active",
            "date_joined",
            "email",
            "full_name",
            "language",
        ],
        users,
    )
    ctx.counts["memberships"] = copy_rows(
        Membership,
        ["id", "user", "organisation", "role", "is_active", "created_at", "created_by"],
        members,
    )
    if two_factor and django_apps.is_installed("django_otp.plugins.otp_totp"):
        # The roles that must sign in with a second factor get an authenticator whose key
        # follows from the email (``totp_code``), so the load test can sign in as them.
        device = django_apps.get_model("otp_totp", "TOTPDevice")
        ctx.ids.prime([device])
        ctx.counts["totp_devices"] = copy_rows(
            device,
            ["id", "user", "name", "confirmed", "key", "created_at"],
            (
                (ctx.ids.take(device), pk, "authenticator", True, totp_key(emails[pk]), now)
                for pk in sorted(two_factor)
            ),
        )
