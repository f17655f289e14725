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
- three cycles of the current KLA instrument, KLA 2024 (274 questions; ``kla2024``, see
  ``layak.frameworks.current``) (current year − 2 and − 1 completed with every
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
import json
import os
import random
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench.gen_base import (  # noqa: F401 - the naming scheme is used from here
    AUDIT_ENTRIES,
    DATA_VALUES,
    DISTRICTS,
    DOMAIN,
    GATE_QUESTION,
    MINISTRY_ORG,
    MINISTRY_USERS,
    ORGS_PER_DISTRICT,
    PASSWORD,
    RAD_ITEMS,
    USERS_PER_DISTRICT,
    AlreadyGenerated,
    Context,
    District,
    Ids,
    Log,
    _person,
    _pick_districts,
    admin_email,
    copy_rows,
    districts,
    fix_sequences,
    forum_email,
    load_people,
    ministry_email,
    operator_email,
    partner_email,
    reader_email,
    totp_code,
    totp_key,
    users_for,
    verifier_email,
)
from bench.gen_evaluation import (
    load_evaluation,
)
from bench.gen_programme import (
    load_audit,
    load_data_values,
    load_plans,
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
