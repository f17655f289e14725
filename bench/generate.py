"""A national-scale dataset for the benchmark, bulk-loaded into PostgreSQL.

    python -m bench.generate --database-url postgres://... [--scale 1.0] [--seed 1]
                             [--media-root DIR]

or, after ``django.setup()`` with ``DATABASE_URL`` pointing at the target,
``generate(scale=..., seed=..., log=print)``.

It migrates, loads what ``manage.py setup`` loads without the demo (the region tree, the bundled
frameworks) plus the national indicator definitions, then COPYs into the application's tables:

- every regency/city (514 at scale 1; at least 5, spread over the country, at small scales),
  each with about 40 organisations (the DP3A secretariat and other offices, community,
  religious, business, media and university partners, the Forum Anak) and 60 users;
- a province office with a verifier for every province, and ministry administrators;
- three cycles of the default kla24 instrument (current year − 2 and − 1 completed with every
  stage and the final determination; the current year's open in self-assessment), with answers,
  assignments, revisions and a score per stage (the determination's total and predicate are
  the application's own ``scores.results`` over the stored scores);
- evidence files (tiny PDFs written under MEDIA_ROOT) linked to half the answers;
- a RAD KLA per district: 150 items (programme → activity → sub-activities), five years of
  targets and budgets, the district's APBD, and twelve quarterly progress reports per office;
- two million indicator data values (district- and village-level elements, by sex);
- a hundred thousand audit entries about the generated answers.

Counts per district (organisations, users, RAD items) and totals (data values, audit entries)
are multiplied by ``scale``, with floors that keep every rule of the application satisfiable.

A second run refuses (``AlreadyGenerated``): the dataset is made once per database.

Sign-in (every generated user has the password ``bench-password-1``, hashed once):

- ``ministry@bench.layak.test``, ``ministry2@…`` … ministry administrators;
- ``verifier.<province code>@bench.layak.test``: province verifier (``verifier.32@…``);
- ``admin.<district code>@bench.layak.test``: district administrator (``admin.32.16@…``);
- ``reader.<district code>@…``: reader at the Sekretariat Daerah;
- ``forum<N>.<district code>@…``: children's forum facilitators;
- ``partner<N>.<district code>@…``: partner contributors;
- ``op<N>.<district code>@…``: office operators, spread round-robin over the offices.

Ministry administrators, province verifiers and district administrators (the roles of
``OTP_REQUIRED_ROLES``) have a confirmed authenticator whose key follows from their email:
``totp_code(email)`` gives the current six-digit code.

``districts()`` lists the generated districts' codes and ``users_for(code)`` its users by role,
for the load test.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
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
# Each cycle caps the predicate at Utama unless this question (no tobacco advertising) is met.
GATE_QUESTION = "K3-17.6"

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
    # Columns not named take their field's default (fields added to a model later, such as a
    # revision counter, stay valid without changing every generator).
    given = {meta.get_field(f).column for f in fields}
    extra = [
        f
        for f in meta.concrete_fields
        if f.column not in given and not f.null and f.has_default() and not f.primary_key
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


# --- evaluation ------------------------------------------------------------------------------


@dataclass
class Q:
    """A question of the instrument, with what generating and scoring its answers needs."""

    obj: Any
    id: int
    code: str
    kind: str
    group: str
    indicator: str
    computed: str
    options: list[Any]  # best first
    bands: list[Any]
    requirement: int | None


def _questions(version: Any) -> list[Q]:
    from layak.frameworks.models import Question

    out = []
    for q in (
        Question.objects.filter(version=version)
        .select_related("indicator__group")
        .prefetch_related("options", "score_bands", "evidence_requirements")
        .order_by("indicator__group__order", "indicator__order", "order")
    ):
        reqs = list(q.evidence_requirements.all())
        out.append(
            Q(
                q,
                q.pk,
                q.code,
                q.kind,
                q.indicator.group.code,
                q.indicator.code,
                q.computed,
                sorted(q.options.all(), key=lambda o: -o.points),
                list(q.score_bands.all()),
                reqs[0].pk if reqs else None,
            )
        )
    return out


def _number_in(band: Any, rng: random.Random, percentage: bool) -> Decimal:
    lower = band.lower if band.lower is not None else Decimal(0)
    upper = band.upper if band.upper is not None else (Decimal(100) if percentage else lower + 10)
    if upper <= lower:
        upper = lower + 1
    value = lower + (upper - lower) * Decimal(rng.random() * 0.98)
    return value.quantize(Decimal("0.01") if percentage else Decimal(1), rounding="ROUND_DOWN")


def _band(q: Q, strength: float, rng: random.Random) -> Any:
    best = sorted(q.bands, key=lambda b: -b.points)
    if rng.random() < strength:
        return best[0]
    return best[min(len(best) - 1, 1 + int(rng.random() * (len(best) - 1)))]


def answer_value(q: Q, strength: float, rng: random.Random) -> dict[str, Any]:
    """A plausible answer for the question's kind, better with ``strength``."""
    if q.kind in ("single", "yes_no"):
        if rng.random() < strength:
            return {"option": str(q.options[0].pk)}
        return {"option": str(rng.choice(q.options[1:] or q.options).pk)}
    if q.kind == "multiple":
        chosen = [o for o in q.options if rng.random() < strength] or q.options[:1]
        return {"options": sorted(str(o.pk) for o in chosen)}
    if q.kind in ("number", "percentage"):
        return {"number": str(_number_in(_band(q, strength, rng), rng, q.kind == "percentage"))}
    if q.kind == "table":
        spec = q.obj.table_spec
        numerator, denominator = spec["ratio"]
        ratio = _number_in(_band(q, strength, rng), rng, True) / 100
        cells = {}
        for row in spec["rows"]:
            total = 2000 + int(rng.random() * 40000)
            cells[f"{row}|{denominator}"] = str(total)
            cells[f"{row}|{numerator}"] = str(min(total, int(total * ratio)))
        return {"cells": cells}
    if q.kind == "text":
        return {"text": "TP PKK, LPA, APSAI dan radio lokal terlibat dalam sosialisasi hak anak."}
    return {}


def _windows(
    ctx: Context, years_ago: int
) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
    from layak.evaluation.demo import windows_open_at
    from layak.evaluation.models import Stage

    if years_ago == 0:
        return windows_open_at(Stage.Kind.SELF_ASSESSMENT, days=60)
    start = datetime.datetime(ctx.year - years_ago, 1, 6, tzinfo=datetime.UTC)
    out = {}
    for kind, length in zip(Stage.ORDER, [60, 45, 30, 30, 20], strict=True):
        out[str(kind)] = (start, start + datetime.timedelta(days=length))
        start += datetime.timedelta(days=length + 1)
    return out


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


def load_evaluation(ctx: Context, log: Log) -> list[Any]:
    """Cycles, assessments, answers, assignments, revisions, scores and evidence."""
    from django.contrib.contenttypes.models import ContentType

    from layak.accounts.models import User
    from layak.evaluation import actions, computed
    from layak.evaluation.demo import GROUP_OFFICES, INDICATOR_OFFICES, tiny_pdf
    from layak.evaluation.models import (
        Answer,
        AnswerRevision,
        Assessment,
        Assignment,
        Score,
        Stage,
    )
    from layak.evidence.models import EvidenceFile, EvidenceLink
    from layak.frameworks.models import InstrumentVersion, Question

    version = InstrumentVersion.objects.get(framework__code="kla24", status="published")
    questions = _questions(version)
    minister = User.objects.get(pk=ctx.ministry[0])
    cycles = []
    for years_ago in (2, 1, 0):
        cycle = actions.cycle_create(
            actor=minister,
            name=f"Evaluasi KLA {ctx.year - years_ago}",
            instrument=version,
            windows=_windows(ctx, years_ago),
        )
        actions.gate_add(
            actor=minister,
            cycle=cycle,
            question=Question.objects.get(version=version, code=GATE_QUESTION),
            max_band=version.bands.get(code="UTAMA"),
            reason="Larangan iklan, promosi dan sponsor rokok",
        )
        cycles.append((cycle, years_ago))

    # Computed answers count task force meetings, partners' commitments and lower-level
    # results; the generated districts have none of these, so every district gets the same
    # value the application computes (asked once per kind and year of the first district).
    from layak.regions.models import Region

    first = Region.objects.get(pk=ctx.districts[0].id)
    computed_values: dict[tuple[str, int], dict[str, Any]] = {}
    for _cycle, years_ago in cycles:
        year = ctx.year - years_ago - 1
        for q in questions:
            if q.computed:
                found = computed.value_of(q.computed, first, year)
                computed_values[(q.computed, years_ago)] = (
                    {"number": f"{found}"} if found is not None else {}
                )

    # Evidence: per district, files for half the questions, reused by every cycle's answer.
    half = len(questions) // 2
    evidence_questions: dict[int, list[Q]] = {}
    files: list[tuple[Any, ...]] = []
    file_of: dict[tuple[int, int], int] = {}
    written = 0
    for d in ctx.districts:
        must = [
            q for q in questions if q.kind == "evidence" and ctx.rng.random() < 0.3 + d.strength
        ]
        rest = [q for q in questions if q not in must]
        chosen = must + ctx.rng.sample(rest, half - len(must))
        evidence_questions[d.id] = chosen
        folder = ctx.media_root / "evidence" / d.code
        folder.mkdir(parents=True, exist_ok=True)
        for q in chosen:
            data = tiny_pdf(f"{q.code} - {d.name}")
            name = uuid.UUID(int=ctx.rng.getrandbits(128)).hex
            path = f"evidence/{d.code}/{name}.pdf"
            (ctx.media_root / path).write_bytes(data)
            written += len(data)
            pk = ctx.ids.take(EvidenceFile)
            file_of[(d.id, q.id)] = pk
            files.append(
                (
                    pk,
                    d.id,
                    _office_for(d, q, GROUP_OFFICES, INDICATOR_OFFICES),
                    path,
                    f"Data dukung {q.code}.pdf",
                    "pdf",
                    "application/pdf",
                    len(data),
                    hashlib.sha256(data).hexdigest(),
                    d.admin,
                    ctx.now,
                    False,
                )
            )
    ctx.counts["evidence_files"] = copy_rows(
        EvidenceFile,
        [
            "id",
            "region",
            "organisation",
            "file",
            "name",
            "extension",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "uploaded_at",
            "is_public",
        ],
        files,
    )
    ctx.counts["evidence_bytes"] = written

    assessments: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    assignments: list[tuple[Any, ...]] = []
    revisions: list[tuple[Any, ...]] = []
    scores: list[tuple[Any, ...]] = []
    links: list[tuple[Any, ...]] = []
    events: list[Event] = []
    from layak.frameworks.scoring import points_for

    for cycle, years_ago in cycles:
        stages = {s.kind: s for s in Stage.objects.filter(cycle=cycle)}
        self_stage = stages[Stage.Kind.SELF_ASSESSMENT]
        done = years_ago > 0
        for d in ctx.districts:
            rng = ctx.rng
            strength = min(1.0, d.strength + 0.05 * (2 - years_ago))
            progress = 1.0 if done else rng.random()
            assessment = ctx.ids.take(Assessment)
            submitted_at = self_stage.closes_at - datetime.timedelta(days=2) if done else None
            assessments.append(
                (
                    assessment,
                    cycle.pk,
                    d.id,
                    "submitted" if done else "in_progress",
                    submitted_at,
                    d.admin if done else None,
                    None,
                    None,
                    None,
                    None,
                    self_stage.opens_at,
                )
            )
            with_evidence = {q.id for q in evidence_questions[d.id]}
            for i, q in enumerate(questions):
                answer = ctx.ids.take(Answer)
                offices = [
                    d.offices[a]
                    for a in INDICATOR_OFFICES.get(q.indicator, GROUP_OFFICES.get(q.group, []))
                    if a in d.offices
                ] or [d.offices["DP3A"]]
                for office in offices:
                    assignments.append(
                        (
                            ctx.ids.take(Assignment),
                            answer,
                            office,
                            True,
                            self_stage.opens_at,
                            d.admin,
                        )
                    )
                author = d.admin if q.computed else d.operators.get(offices[0], d.admin)
                t = self_stage.opens_at + datetime.timedelta(days=1 + i % 40, hours=rng.random())
                has_evidence = q.id in with_evidence
                if has_evidence:
                    links.append(
                        (
                            ctx.ids.take(EvidenceLink),
                            answer,
                            file_of[(d.id, q.id)],
                            q.requirement,
                            True,
                            author,
                            t,
                        )
                    )
                answered = done or i < progress * len(questions)
                if not answered:
                    answers.append(
                        (answer, assessment, q.id, "{}", "", "draft", "", "", 0, None, None)
                    )
                    continue
                if q.computed:
                    value = computed_values[(q.computed, years_ago)]
                    note = computed.note_of(q.computed, ctx.year - years_ago - 1)
                else:
                    # Hardly any district meets the gate (the tobacco-advertising ban) yet.
                    gate = q.code == GATE_QUESTION
                    value = answer_value(q, strength * 0.3 if gate else strength, rng)
                    note = "Data dari perangkat daerah."
                # The steps this answer went through; the open cycle leaves some on the way.
                if done:
                    status = "accepted"
                else:
                    roll = rng.random()
                    status = (
                        "accepted"
                        if roll < 0.55
                        else "submitted"
                        if roll < 0.8
                        else "returned"
                        if roll < 0.85
                        else "draft"
                    )
                steps = [("saved", "draft", author, t)]
                if status != "draft":
                    steps.append(
                        ("submitted", "submitted", author, t + datetime.timedelta(hours=2))
                    )
                if status == "accepted":
                    steps.append(("accepted", "accepted", d.admin, t + datetime.timedelta(days=1)))
                if status == "returned":
                    steps.append(("returned", "returned", d.admin, t + datetime.timedelta(days=1)))
                value_json = _json(value)
                for n, (action, st, who, at) in enumerate(steps, start=1):
                    revisions.append(
                        (
                            ctx.ids.take(AnswerRevision),
                            answer,
                            n,
                            action,
                            "{}" if n == 1 else value_json,
                            value_json,
                            note,
                            st,
                            who,
                            at,
                        )
                    )
                    events.append(
                        Event(
                            at,
                            who,
                            f"answer.{action}",
                            answer,
                            d,
                            q.code,
                            {"value": {}} if n == 1 else {"status": steps[n - 2][1]},
                            {"value": value} if n == 1 else {"status": st},
                        )
                    )
                last = steps[-1]
                answers.append(
                    (
                        answer,
                        assessment,
                        q.id,
                        value_json,
                        note,
                        status,
                        "Lengkapi data dukung tahun berjalan." if status == "returned" else "",
                        "self" if status == "returned" else "",
                        len(steps),
                        last[3],
                        last[2],
                    )
                )
                points = points_for(
                    q.obj,
                    value,
                    options=q.options,
                    bands=q.bands,
                    evidence_count=1 if has_evidence else 0,
                )
                scores.append(
                    (ctx.ids.take(Score), answer, "self", points, "computed", "", author, t)
                )
                if not done:
                    continue
                previous = points
                verifier = ctx.verifiers[d.province_id]
                for kind, who, adjust in (
                    ("province", verifier, 0.08),
                    ("ministry", ctx.ministry[0], 0.0),
                    ("field", ctx.ministry[1 % len(ctx.ministry)], 0.03),
                ):
                    at = stages[kind].opens_at + datetime.timedelta(days=1 + i % 20)
                    if previous > 0 and rng.random() < adjust:
                        new = (previous * Decimal("0.6")).quantize(Decimal("0.01"))
                        scores.append(
                            (
                                ctx.ids.take(Score),
                                answer,
                                kind,
                                new,
                                "adjusted",
                                "Data dukung tidak sesuai dengan tahun penilaian.",
                                who,
                                at,
                            )
                        )
                        events.append(
                            Event(
                                at,
                                who,
                                "score.adjusted",
                                answer,
                                d,
                                q.code,
                                {"stage": kind},
                                {
                                    "stage": kind,
                                    "points": str(new),
                                    "previous_level": str(previous),
                                },
                            )
                        )
                        previous = new
                    else:
                        scores.append(
                            (ctx.ids.take(Score), answer, kind, previous, "agreed", "", who, at)
                        )
                scores.append(
                    (
                        ctx.ids.take(Score),
                        answer,
                        "final",
                        previous,
                        "carried",
                        "",
                        ctx.ministry[0],
                        stages["final"].opens_at + datetime.timedelta(days=1),
                    )
                )
        log(f"  cycle {cycle.name}: {len(ctx.districts)} assessments")

    ctx.counts["assessments"] = copy_rows(
        Assessment,
        [
            "id",
            "cycle",
            "region",
            "status",
            "submitted_at",
            "submitted_by",
            "final_total",
            "final_band",
            "determined_at",
            "determined_by",
            "created_at",
        ],
        assessments,
    )
    ctx.counts["answers"] = copy_rows(
        Answer,
        [
            "id",
            "assessment",
            "question",
            "value",
            "note",
            "status",
            "return_reason",
            "returned_at_stage",
            "revision",
            "updated_at",
            "updated_by",
        ],
        answers,
    )
    del answers
    ctx.counts["assignments"] = copy_rows(
        Assignment,
        ["id", "answer", "organisation", "is_active", "created_at", "created_by"],
        assignments,
    )
    del assignments
    ctx.counts["answer_revisions"] = copy_rows(
        AnswerRevision,
        [
            "id",
            "answer",
            "revision",
            "action",
            "value_before",
            "value_after",
            "note",
            "status",
            "author",
            "at",
        ],
        revisions,
    )
    del revisions
    ctx.counts["scores"] = copy_rows(
        Score,
        ["id", "answer", "stage", "points", "decision", "reason", "scored_by", "scored_at"],
        scores,
    )
    del scores
    ctx.counts["evidence_links"] = copy_rows(
        EvidenceLink,
        ["id", "answer", "file", "requirement", "is_active", "linked_by", "linked_at"],
        links,
    )
    _determine(ctx, [c for c, y in cycles if y > 0])
    ctx.events = events
    ctx.answer_type = ContentType.objects.get_for_model(Answer).pk
    return [c for c, _y in cycles]


def _json(value: Any) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)


def _office_for(
    d: District, q: Q, groups: dict[str, list[str]], indicators: dict[str, list[str]]
) -> int | None:
    for acronym in indicators.get(q.indicator, groups.get(q.group, [])):
        if acronym in d.offices:
            return d.offices[acronym]
    return None


def _determine(ctx: Context, cycles: list[Any]) -> None:
    """The final determination of completed cycles: total and predicate from the application's
    scoring of the stored final-stage scores."""
    from layak.evaluation import scores
    from layak.evaluation.models import Assessment, Stage

    determined = 0
    for cycle in cycles:
        results = scores.results(cycle, stage=Stage.Kind.FINAL)
        final = cycle.stages.get(kind=Stage.Kind.FINAL)
        rows = list(Assessment.objects.filter(pk__in=list(results)))
        for assessment in rows:
            result = results[assessment.pk]
            assessment.final_total = result.total
            assessment.final_band = result.predicate.band
            assessment.determined_at = final.closes_at - datetime.timedelta(days=1)
            assessment.determined_by_id = ctx.ministry[0]
        Assessment.objects.bulk_update(
            rows, ["final_total", "final_band", "determined_at", "determined_by"], batch_size=500
        )
        determined += len(rows)
    ctx.counts["assessments_determined"] = determined


# --- RAD KLA ---------------------------------------------------------------------------------


def load_plans(ctx: Context) -> None:
    from bench.gen_names import RAD_WORDS
    from layak.evaluation.demo import GROUP_OFFICES
    from layak.frameworks.models import Indicator, InstrumentVersion
    from layak.plans.models import (
        DistrictBudget,
        Plan,
        PlanItem,
        PlanYear,
        ProgressEntry,
        ProgressReport,
    )

    version = InstrumentVersion.objects.get(framework__code="kla24", status="published")
    indicators = list(
        Indicator.objects.filter(version=version)
        .order_by("group__order", "order")
        .values_list("pk", "code", "group__code")
    )
    start = ctx.year - 3
    years = list(range(start, start + 5))
    n_items = ctx.per_district(RAD_ITEMS, 12)
    branches = max(1, n_items // 6)  # a programme, an activity and four sub-activities
    plans: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    plan_years: list[tuple[Any, ...]] = []
    budgets: list[tuple[Any, ...]] = []
    reports: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    rng = ctx.rng
    for d in ctx.districts:
        plan = ctx.ids.take(Plan)
        plans.append(
            (
                plan,
                d.id,
                version.pk,
                f"RAD KLA {d.name} {years[0]}–{years[-1]}",
                years[0],
                years[-1],
                f"Perbup {rng.randint(1, 60)} Tahun {years[0] - 1}",
                datetime.date(years[0] - 1, 12, 1),
                4,
                True,
                d.admin,
                ctx.now,
            )
        )
        for y in years:
            budgets.append(
                (
                    ctx.ids.take(DistrictBudget),
                    d.id,
                    y,
                    Decimal(rng.randint(1_500, 6_000)) * Decimal(1_000_000_000),
                    d.admin,
                    ctx.now,
                )
            )
        leaves_of: dict[int, list[tuple[int, Decimal]]] = {}
        order = 0
        made = 0
        for b in range(branches):
            ind_id, ind_code, group = indicators[b % len(indicators)]
            programmes, activities, subs = RAD_WORDS[group]
            acronyms = [a for a in GROUP_OFFICES.get(group, ["DP3A"]) if a in d.offices]
            office = d.offices[acronyms[b % len(acronyms)]] if acronyms else d.offices["DP3A"]
            p_ref = f"P{b + 1}"
            parent = None
            for level, ref, name, code in (
                ("programme", p_ref, programmes[b % len(programmes)], f"2.{b + 1:02d}.02"),
                (
                    "activity",
                    f"{p_ref}.A1",
                    activities[b % len(activities)],
                    f"2.{b + 1:02d}.02.2.01",
                ),
            ):
                pk = ctx.ids.take(PlanItem)
                order += 1
                items.append(
                    (
                        pk,
                        plan,
                        parent,
                        level,
                        ref,
                        ind_id,
                        code,
                        name,
                        office,
                        f"Capaian {name.lower()}",
                        "kegiatan",
                        Decimal(rng.randint(0, 20)),
                        order,
                        True,
                    )
                )
                target = Decimal(rng.randint(1, 10))
                for y in years:
                    plan_years.append((ctx.ids.take(PlanYear), pk, y, target, 0, 0, 0, 0, 0))
                parent = pk
                made += 1
            for s in range(4 if made + 4 <= n_items else max(0, n_items - made)):
                pk = ctx.ids.take(PlanItem)
                order += 1
                name = f"{subs[s % len(subs)]} ({ind_code})"
                items.append(
                    (
                        pk,
                        plan,
                        parent,
                        "sub_activity",
                        f"{p_ref}.A1.S{s + 1}",
                        ind_id,
                        f"2.{b + 1:02d}.02.2.01.{s + 1:04d}",
                        name,
                        office,
                        f"Jumlah {subs[s % len(subs)].lower()}",
                        "kegiatan",
                        Decimal(rng.randint(0, 50)),
                        order,
                        True,
                    )
                )
                made += 1
                target = Decimal(rng.randint(4, 40))
                for y in years:
                    apbd = Decimal(rng.randint(50, 900)) * Decimal(1_000_000)
                    apbn = Decimal(rng.randint(0, 200)) * Decimal(1_000_000) if s == 1 else 0
                    village = Decimal(rng.randint(0, 100)) * Decimal(1_000_000) if s == 2 else 0
                    csr = Decimal(rng.randint(0, 50)) * Decimal(1_000_000) if s == 3 else 0
                    plan_years.append(
                        (ctx.ids.take(PlanYear), pk, y, target, apbd, apbn, village, csr, 0)
                    )
                leaves_of.setdefault(office, []).append((pk, target))
        # Twelve quarterly reports per office over the plan's first three years: the older
        # ones accepted, the last quarter submitted (a few returned).
        for office, leaves in leaves_of.items():
            author = d.operators.get(office, d.admin)
            for y in years[:3]:
                for period in range(1, 5):
                    last = y == years[2] and period == 4
                    status = "accepted"
                    if last:
                        status = "returned" if rng.random() < 0.1 else "submitted"
                    opened = datetime.datetime(y, 3 * period, 25, tzinfo=datetime.UTC)
                    report = ctx.ids.take(ProgressReport)
                    reports.append(
                        (
                            report,
                            status,
                            "Lengkapi realisasi anggaran." if status == "returned" else "",
                            opened,
                            None if status == "submitted" else opened + datetime.timedelta(days=10),
                            None if status == "submitted" else d.admin,
                            plan,
                            office,
                            y,
                            period,
                            author,
                            opened,
                            opened,
                        )
                    )
                    for item, target in leaves:
                        share = Decimal(rng.random()) * Decimal("0.4")
                        entries.append(
                            (
                                ctx.ids.take(ProgressEntry),
                                report,
                                item,
                                (target * share).quantize(Decimal("0.01")),
                                Decimal(rng.randint(5, 200)) * Decimal(1_000_000),
                                "Kegiatan terlaksana sesuai jadwal.",
                                "Lanjutan triwulan berikut.",
                                "",
                            )
                        )
    ctx.counts["plans"] = copy_rows(
        Plan,
        [
            "id",
            "region",
            "version",
            "title",
            "start_year",
            "end_year",
            "regulation_number",
            "regulation_date",
            "reports_per_year",
            "is_active",
            "created_by",
            "created_at",
        ],
        plans,
    )
    ctx.counts["district_budgets"] = copy_rows(
        DistrictBudget, ["id", "region", "year", "total", "updated_by", "updated_at"], budgets
    )
    ctx.counts["plan_items"] = copy_rows(
        PlanItem,
        [
            "id",
            "plan",
            "parent",
            "level",
            "ref",
            "indicator",
            "budget_code",
            "name",
            "responsible",
            "performance_indicator",
            "unit",
            "baseline",
            "order",
            "is_active",
        ],
        items,
    )
    ctx.counts["plan_years"] = copy_rows(
        PlanYear,
        ["id", "item", "year", "target", "apbd", "apbn", "village", "csr", "other"],
        plan_years,
    )
    del plan_years
    ctx.counts["progress_reports"] = copy_rows(
        ProgressReport,
        [
            "id",
            "status",
            "return_reason",
            "submitted_at",
            "reviewed_at",
            "reviewed_by",
            "plan",
            "organisation",
            "year",
            "period",
            "created_by",
            "created_at",
            "updated_at",
        ],
        reports,
    )
    ctx.counts["progress_entries"] = copy_rows(
        ProgressEntry,
        ["id", "report", "item", "output", "budget", "done", "planned", "obstacles"],
        entries,
    )


# --- indicator data --------------------------------------------------------------------------

# Source office of each element (by acronym) and how big its values are.
ELEMENT_SOURCES = {
    "children": "Disdukcapil",
    "birth_certificates": "Disdukcapil",
    "births": "Dinkes",
    "births_facility": "Dinkes",
    "marriages": "Disdukcapil",
    "child_marriages": "DP3A",
    "under5_measured": "Dinkes",
    "under5_stunted": "Dinkes",
    "schools": "Disdik",
    "schools_child_friendly": "Disdik",
    "violence_cases": "DP3A",
    "violence_cases_served": "DP3A",
}


def _element_values(rng: random.Random, strength: float, level: int) -> dict[str, int]:
    """One consistent set of counts for a region and period (every validation rule holds)."""
    if level == 4:
        measured = rng.randint(40, 600)
        return {
            "under5_measured": measured,
            "under5_stunted": int(measured * rng.uniform(0.05, 0.35)),
        }
    children = rng.randint(40_000, 400_000)
    births = int(children / 17 * rng.uniform(0.9, 1.1))
    marriages = int(children / 25)
    schools = rng.randint(200, 1500)
    cases = rng.randint(10, 300)
    return {
        "children": children,
        "birth_certificates": int(children * min(1.0, 0.7 + 0.3 * strength)),
        "births": births,
        "births_facility": int(births * min(1.0, 0.75 + 0.25 * strength)),
        "marriages": marriages,
        "child_marriages": int(marriages * rng.uniform(0.02, 0.15)),
        "schools": schools,
        "schools_child_friendly": int(schools * rng.uniform(0.1, 0.6)),
        "violence_cases": cases,
        "violence_cases_served": int(cases * min(1.0, 0.6 + 0.4 * strength)),
    }


def load_data_values(ctx: Context) -> None:
    from layak.indicators.definitions import ensure_definitions
    from layak.indicators.disaggregation import canonical
    from layak.indicators.models import DataValue, period_start
    from layak.regions.models import Region

    elements = ensure_definitions()
    # Each element's disaggregation keys (every combination of its categories' options).
    keys: dict[str, list[tuple[str, float]]] = {}
    for code, element in elements.items():
        cats = sorted(element.categories.prefetch_related("options"), key=lambda c: c.code)
        combos: list[dict[str, str]] = [{}]
        for cat in cats:
            combos = [{**c, cat.code: o.code} for c in combos for o in cat.options.all()]
        keys[code] = [(canonical(c), 1 / len(combos)) for c in combos]
    villages: dict[str, list[int]] = {}
    wanted = {d.code for d in ctx.districts}
    for pk, code in Region.objects.filter(level=4, is_active=True).values_list("pk", "code"):
        district = code.rsplit(".", 2)[0]
        if district in wanted:
            villages.setdefault(district, []).append(pk)
    target = round(DATA_VALUES * ctx.scale)
    rng = ctx.rng
    now = ctx.now

    def rows() -> Iterator[tuple[Any, ...]]:
        n = 0
        year = ctx.year - 1
        while n < target and year > ctx.year - 60:
            period = str(year)
            start = period_start(period, "year")
            source = datetime.date(year + 1, 3, 31)
            for d in ctx.districts:
                regions = [(d.id, 2)] + [(v, 4) for v in villages.get(d.code, [])]
                for region, level in regions:
                    for code, total in _element_values(rng, d.strength, level).items():
                        element = elements[code]
                        if element.entry_level != level:
                            continue
                        parts = keys[code]
                        remaining = total
                        for i, (key, share) in enumerate(parts):
                            value = remaining if i == len(parts) - 1 else int(total * share)
                            remaining -= value
                            yield (
                                ctx.ids.take(DataValue),
                                element.pk,
                                region,
                                period,
                                start,
                                key,
                                value,
                                d.offices.get(ELEMENT_SOURCES[code]),
                                f"Data {ELEMENT_SOURCES[code]} {year}",
                                source,
                                "",
                                True,
                                d.admin,
                                now,
                                d.admin,
                                now,
                            )
                            n += 1
                            if n >= target:
                                return
            year -= 1

    ctx.counts["data_values"] = copy_rows(
        DataValue,
        [
            "id",
            "element",
            "region",
            "period",
            "period_start",
            "disaggregation",
            "value",
            "organisation",
            "dataset",
            "source_date",
            "comment",
            "is_active",
            "created_by",
            "created_at",
            "updated_by",
            "updated_at",
        ],
        rows(),
    )


# --- audit -----------------------------------------------------------------------------------


def load_audit(ctx: Context) -> None:
    """Audit entries of the generated answers' steps, evenly picked across all of them."""
    from layak.audit.models import AuditEntry

    events = ctx.events
    answer_type = ctx.answer_type
    ctx.ids.prime([AuditEntry])  # the cycles' creation wrote entries of its own
    target = min(len(events), round(AUDIT_ENTRIES * ctx.scale))
    total = len(events)

    def rows() -> Iterator[tuple[Any, ...]]:
        for k, e in enumerate(events):
            if (k + 1) * target // total == k * target // total:
                continue
            yield (
                ctx.ids.take(AuditEntry),
                e.at,
                e.actor,
                e.action,
                answer_type,
                str(e.answer),
                f"{e.district.name} · {e.question}",
                e.district.id,
                None if e.before is None else _json(e.before),
                None if e.after is None else _json(e.after),
                "",
            )

    ctx.counts["audit_entries"] = copy_rows(
        AuditEntry,
        [
            "id",
            "at",
            "actor",
            "action",
            "object_type",
            "object_id",
            "object_repr",
            "region",
            "before",
            "after",
            "request_id",
        ],
        rows(),
    )


# --- the whole run ---------------------------------------------------------------------------


def _loaded_models() -> list[Any]:
    from django.apps import apps

    names = [
        "organisations.Organisation",
        "accounts.User",
        "organisations.Membership",
        "evaluation.Assessment",
        "evaluation.Answer",
        "evaluation.Assignment",
        "evaluation.AnswerRevision",
        "evaluation.Score",
        "evidence.EvidenceFile",
        "evidence.EvidenceLink",
        "plans.Plan",
        "plans.PlanItem",
        "plans.PlanYear",
        "plans.DistrictBudget",
        "plans.ProgressReport",
        "plans.ProgressEntry",
        "indicators.DataValue",
        "audit.AuditEntry",
    ]
    return [apps.get_model(name) for name in names]


def prepare(log: Log) -> None:
    """What ``manage.py setup`` does without the demo."""
    from django.core.management import call_command

    from layak.frameworks.actions import bundled_load
    from layak.regions.models import Region

    call_command("migrate", interactive=False, verbosity=0)
    if not Region.objects.exists():
        call_command("load_regions", verbosity=0)
    from django.db import transaction

    with transaction.atomic():
        bundled_load()


def generate(
    *, scale: float = 1.0, seed: int = 1, log: Log = print, media_root: str | None = None
) -> dict[str, Any]:
    """Build the dataset in the database Django is connected to. Returns the counts of rows per
    table and the seconds per part."""
    from django.conf import settings
    from django.db import connection, transaction
    from django.utils import timezone

    from layak.accounts.models import User

    if connection.vendor != "postgresql":
        raise RuntimeError("The benchmark dataset is loaded with PostgreSQL COPY.")
    began = time.monotonic()
    ctx = Context(
        scale=scale,
        rng=random.Random(seed),
        now=timezone.now(),
        year=timezone.now().year,
        ids=Ids(),
        media_root=Path(media_root or settings.MEDIA_ROOT),
    )

    def part(name: str, work: Callable[[], object], atomic: bool = True) -> None:
        t = time.monotonic()
        if atomic:
            with transaction.atomic():
                work()
        else:
            work()
        ctx.seconds[name] = round(time.monotonic() - t, 1)
        log(f"{name}: {ctx.seconds[name]} s")

    part("migrate and base data", lambda: prepare(log), atomic=False)
    if User.objects.filter(email__endswith=f"@{DOMAIN}").exists():
        raise AlreadyGenerated("This database already holds the benchmark dataset.")
    _pick_districts(ctx)
    ctx.ids.prime(_loaded_models())
    log(f"{len(ctx.districts)} districts, scale {scale}, seed {seed}")
    # One transaction: a run that fails leaves nothing behind and can simply be started again.
    with transaction.atomic():
        part("organisations and users", lambda: load_people(ctx))
        part("evaluation", lambda: load_evaluation(ctx, log))
        part("RAD KLA", lambda: load_plans(ctx))
        part("indicator data", lambda: load_data_values(ctx))
        part("audit log", lambda: load_audit(ctx))
        fix_sequences(ctx.ids.next)
        t = time.monotonic()
    # The foreign keys are deferred: PostgreSQL checks every copied row's at the commit.
    ctx.seconds["commit (foreign-key checks)"] = round(time.monotonic() - t, 1)
    log(f"commit (foreign-key checks): {ctx.seconds['commit (foreign-key checks)']} s")
    t = time.monotonic()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("SELECT pg_database_size(current_database())")
        size = cursor.fetchone()[0]
    ctx.seconds["analyze"] = round(time.monotonic() - t, 1)
    log(f"analyze: {ctx.seconds['analyze']} s")
    ctx.seconds["total"] = round(time.monotonic() - began, 1)
    ctx.counts["districts"] = len(ctx.districts)
    log("rows: " + ", ".join(f"{k} {v}" for k, v in ctx.counts.items()))
    log(f"database size: {size / 1e6:.0f} MB; total {ctx.seconds['total']} s")
    return {"counts": ctx.counts, "seconds": ctx.seconds, "database_bytes": size}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--media-root", help="where the evidence files go (MEDIA_ROOT)")
    parser.add_argument("--json", help="also write the counts and seconds to this file")
    args = parser.parse_args(argv)
    os.environ["DATABASE_URL"] = args.database_url
    if args.media_root:
        os.environ["MEDIA_ROOT"] = args.media_root
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layak.settings")
    os.environ.setdefault("SECRET_KEY", "bench-generator-" + uuid.uuid4().hex)
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    import django

    django.setup()
    try:
        result = generate(scale=args.scale, seed=args.seed, log=lambda s: print(s, flush=True))
    except AlreadyGenerated as exc:
        print(exc, file=sys.stderr)
        return 2
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
