"""Who signs in for each scenario and what they open, read from the database.

Works on the demo data and on the generated national data alike: people are found by their
role (``members(Role.DISTRICT_ADMIN)``), never by email. The plan is written as JSON for the
locust process, which does not load Django::

    python -m bench.load.plan --database-url URL --out plan.json [--people 20]

Before the run, API tokens are created for the API readers through the app's own action
(``layak.api.actions.token_create``, audited; the previous benchmark tokens of those people are
revoked the same way), and the TOTP keys of people with a two-factor device are read so the load
client can answer the one-time-code step like a person with an authenticator app.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

TOKEN_NAME = "benchmark load test"  # noqa: S105 - a token's label, not a secret
# The key pages (one or two per scenario): their throughput ratio is held to its target
# (bench/load/run.py) and their cost to their floor (bench/micro/floor.py).
KEY_PAGES = [
    "office /evaluation/assessments/[id]/indicators/[id]/",
    "office POST /evaluation/answers/[id]/save/",
    "district /dashboards/district/",
    "verifier /evaluation/assessments/[id]/verify/province/",
    "national /dashboards/national/",
    "public /public/",
    "public /public/districts/[code]/",
    "api /api/v1/assessments/[id]/answers",
]


def setup_django(database_url: str) -> None:
    """Production settings on the given database (no demo mode)."""
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "layak.settings")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1")
    os.environ.setdefault("HTTPS", "0")
    os.environ.pop("LAYAK_DEMO", None)
    root = str(Path(__file__).resolve().parents[2])
    if root not in sys.path:
        sys.path.insert(0, root)
    import django

    django.setup()


def password_of(email: str) -> str:
    """The password of the data in the database: the generator's or the demo's, whichever
    opens this person's account."""
    from layak.accounts.models import User
    from layak.core.demo import DEMO_PASSWORD

    candidates = []
    try:
        from bench import generate

        candidates.append(str(getattr(generate, "PASSWORD", "") or ""))
    except ImportError:
        pass
    candidates.append(DEMO_PASSWORD)
    user = User.objects.get(email=email)
    for candidate in filter(None, candidates):
        if user.check_password(candidate):
            return candidate
    raise SystemExit(f"neither the generated nor the demo password opens {email}; use --password")


def reset_lockouts(emails: Iterable[str]) -> None:
    """Forget earlier failed sign-ins of these people (a benchmark database only), so a lockout
    left by an interrupted run does not fail this one."""
    from axes.utils import reset

    for email in emails:
        reset(username=email)


# --- who --------------------------------------------------------------------------------------


def members(role: str) -> Any:
    """Active people holding an active membership with this role, in a stable order."""
    from layak.accounts.models import User

    return (
        User.objects.filter(is_active=True, memberships__role=role, memberships__is_active=True)
        .distinct()
        .order_by("pk")
    )


def spread(items: list[Any], n: int) -> list[Any]:
    """At most ``n`` items taken evenly over the list (all regions, not the first few)."""
    if len(items) <= n:
        return items
    step = len(items) / n
    return [items[int(i * step)] for i in range(n)]


# --- what ------------------------------------------------------------------------------------


def editable_answers(user: Any, limit: int = 200) -> list[dict[str, Any]]:
    """Answers this person may save now through the form: self-assessment open for the
    district, draft or returned, typed (not computed), of a kind the load client can fill."""
    from layak import authz
    from layak.evaluation import actions
    from layak.evaluation.models import Answer, Assessment, Stage

    answers = (
        Answer.objects.for_user(user, authz.Action.EDIT)
        .filter(
            assessment__status=Assessment.Status.IN_PROGRESS,
            status__in=[Answer.Status.DRAFT, Answer.Status.RETURNED],
            question__computed="",
        )
        .select_related("assessment", "question")
        .prefetch_related("question__options")
        .order_by("assessment_id", "question__indicator__order", "question__order")
    )
    open_cache: dict[int, bool] = {}
    out = []
    for a in answers[: limit * 3]:
        if a.assessment_id not in open_cache:
            open_cache[a.assessment_id] = actions.stage_open_for(
                a.assessment, Stage.Kind.SELF_ASSESSMENT
            )
        if not open_cache[a.assessment_id]:
            continue
        q = a.question
        out.append(
            {
                "answer": a.pk,
                "kind": q.kind,
                "options": [o.pk for o in q.options.all()],
                "table": bool(q.table_spec.get("rows")) and bool(q.table_spec.get("columns"))
                if q.kind == "table"
                else False,
                # As the item's own link opens it: on the page of the indicator that holds it
                # (an indicator shows 15 questions a page).
                "page": f"/evaluation/assessments/{a.assessment_id}/indicators/{q.indicator_id}/"
                f"?at={a.pk}",
            }
        )
        if len(out) >= limit:
            break
    return out


def current_assessments(user: Any, action: str = "view") -> list[Any]:
    """The regency/city assessments of the newest cycle this person reaches."""
    from layak import authz
    from layak.evaluation.models import Assessment
    from layak.regions.models import Region

    qs = (
        Assessment.objects.for_user(user, authz.Action(action))
        .filter(region__level=Region.Level.REGENCY)
        .select_related("region", "cycle")
        .order_by("-cycle__pk", "region__code")
    )
    rows = list(qs[:50])
    if not rows:
        return []
    newest = rows[0].cycle_id
    return [a for a in rows if a.cycle_id == newest]


Page = tuple[str, str]  # (name for the statistics, url)


def office_actor(user: Any) -> dict[str, Any] | None:
    items = editable_answers(user)
    if not items:
        return None
    return {"email": user.email, "pages": [("office /", "/")], "items": items}


def district_actor(user: Any) -> dict[str, Any] | None:
    assessments = current_assessments(user)
    pages: list[Page] = [
        ("district /", "/"),
        ("district /dashboards/district/", "/dashboards/district/"),
    ]
    for a in assessments[:1]:
        pages.append(("district /evaluation/assessments/[id]/", f"/evaluation/assessments/{a.pk}/"))
        pages.append(
            ("district /evaluation/assessments/[id]/gaps/", f"/evaluation/assessments/{a.pk}/gaps/")
        )
    return {"email": user.email, "pages": pages}


def verifier_actor(user: Any) -> dict[str, Any] | None:
    from layak import authz
    from layak.evaluation import verification
    from layak.evaluation.models import Assessment, Stage

    submitted = (
        Assessment.objects.for_user(user, authz.Action.VERIFY)
        .filter(status=Assessment.Status.SUBMITTED, determined_at__isnull=True)
        .select_related("region", "cycle__instrument__framework")
        .order_by("-cycle__pk", "region__code")[:20]
    )
    mine = [a for a in submitted if verification.may_verify(user, a, Stage.Kind.PROVINCE)]
    if not mine:
        # No district waits for this verifier now (e.g. the current cycle is still in
        # self-assessment): review the verification of the last completed cycle, read-only.
        done = (
            Assessment.objects.for_user(user, authz.Action.VERIFY)
            .filter(status=Assessment.Status.SUBMITTED, determined_at__isnull=False)
            .select_related("region", "cycle__instrument__framework")
            .order_by("-cycle__pk", "region__code")[:20]
        )
        mine = [a for a in done if verification.may_verify(user, a, Stage.Kind.PROVINCE)]
    if not mine:
        return None
    pages: list[Page] = [("verifier /evaluation/verify/", "/evaluation/verify/")]
    for a in mine[:5]:
        pages.append(
            (
                "verifier /evaluation/assessments/[id]/verify/province/",
                f"/evaluation/assessments/{a.pk}/verify/province/",
            )
        )
        pages.append(
            (
                "verifier /evaluation/assessments/[id]/scores/",
                f"/evaluation/assessments/{a.pk}/scores/",
            )
        )
    return {"email": user.email, "pages": pages}


def national_actor(user: Any) -> dict[str, Any] | None:
    from layak.regions.models import Region

    provinces = list(
        Region.objects.filter(level=Region.Level.PROVINCE, children__assessments__isnull=False)
        .distinct()
        .order_by("code")
        .values_list("code", flat=True)[:40]
    )
    pages: list[Page] = [("national /dashboards/national/", "/dashboards/national/")]
    for code in spread(provinces, 5):
        pages.append(
            ("national /dashboards/national/?province=", f"/dashboards/national/?province={code}")
        )
        pages.append(
            ("national /dashboards/province/?region=", f"/dashboards/province/?region={code}")
        )
    return {"email": user.email, "pages": pages}


def public_actor(n: int) -> dict[str, Any]:
    from layak.portal.models import PortalSection

    districts = list(
        PortalSection.objects.filter(is_published=True, region__is_active=True)
        .order_by("region__code")
        .values_list("region__code", "region__parent__code")
        .distinct()
    )
    pages: list[Page] = [("public /public/", "/public/")]
    for code, province in spread(districts, n):
        pages.append(("public /public/districts/[code]/", f"/public/districts/{code}/"))
        pages.append(("public /public/provinces/[code]/", f"/public/provinces/{province}/"))
    return {"email": None, "pages": list(dict.fromkeys(pages))}


def api_actor(user: Any) -> dict[str, Any] | None:
    from layak.api import actions as api_actions
    from layak.api.models import ApiToken

    assessments = current_assessments(user)
    if not assessments:
        return None
    for old in ApiToken.objects.filter(user=user, name=TOKEN_NAME, revoked_at__isnull=True):
        api_actions.token_revoke(actor=user, token=old)
    _, value = api_actions.token_create(actor=user, name=TOKEN_NAME, days=30)
    a = assessments[0]
    pages: list[Page] = [
        ("api /api/v1/cycles", "/api/v1/cycles"),
        ("api /api/v1/assessments?cycle=", f"/api/v1/assessments?cycle={a.cycle_id}"),
        ("api /api/v1/assessments/[id]", f"/api/v1/assessments/{a.pk}"),
        ("api /api/v1/assessments/[id]/scores", f"/api/v1/assessments/{a.pk}/scores"),
        ("api /api/v1/assessments/[id]/answers", f"/api/v1/assessments/{a.pk}/answers"),
        (
            "api /api/v1/regions?parent=",
            f"/api/v1/regions?parent={a.region.code}&limit=50",
        ),
    ]
    return {"email": user.email, "token": value, "pages": pages}


def _actors(
    users: Iterable[Any], build: Callable[[Any], dict[str, Any] | None], n: int
) -> list[dict[str, Any]]:
    """Up to ``n`` people (spread over the list) for whom ``build`` finds work."""
    candidates = list(users)
    out: list[dict[str, Any]] = []
    for user in spread(candidates, max(n * 3, n)):
        actor = build(user)
        if actor is not None:
            out.append(actor)
        if len(out) >= n:
            break
    return out


# One picker per scenario: (the people, what each of them does). Replace an entry to change
# who plays a scenario; nothing else names people.
def pickers() -> dict[str, tuple[Callable[[], Any], Callable[[Any], dict[str, Any] | None]]]:
    from layak.organisations.roles import Role

    return {
        "office": (lambda: members(Role.OFFICE_OPERATOR), office_actor),
        "district": (lambda: members(Role.DISTRICT_ADMIN), district_actor),
        "verifier": (lambda: members(Role.PROVINCE_VERIFIER), verifier_actor),
        "national": (lambda: members(Role.MINISTRY_ADMIN), national_actor),
        "api": (
            lambda: list(members(Role.DISTRICT_ADMIN)) + list(members(Role.PROVINCE_VERIFIER)),
            api_actor,
        ),
    }


def editors(n: int) -> list[dict[str, Any]]:
    """The fault run's editors: district administrators and office operators with answers they
    may save now, each answer given to one editor only (no two editors race for one answer)."""
    from layak.organisations.roles import Role

    taken: set[int] = set()
    out: list[dict[str, Any]] = []
    # Offices first (the answers assigned to them), then the district administrators.
    for role in (Role.OFFICE_OPERATOR, Role.DISTRICT_ADMIN):
        for user in members(role):
            items = [i for i in editable_answers(user) if i["answer"] not in taken]
            if items:
                taken.update(i["answer"] for i in items)
                out.append({"email": user.email, "pages": [], "items": items})
    if not out:
        return []
    # One editor per answer while answers last; with fewer answers than editors, answers are
    # shared (the app then refuses the older revision: counted as conflicts, not failures).
    flat = [(a["email"], item) for a in out for item in a["items"]]
    slots: list[dict[str, Any]] = [{"email": e, "items": [i]} for e, i in flat[:n]]
    for k, (email, item) in enumerate(flat[n:]):
        same = [slot for slot in slots if slot["email"] == email]
        if same:
            same[k % len(same)]["items"].append(item)
    k = 0
    while len(slots) < n:
        email, item = flat[k % len(flat)]
        slots.append({"email": email, "items": [item]})
        k += 1
    return slots


def totp_of(emails: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The confirmed TOTP device of each person who has one (key in hex, step, t0, digits,
    drift), so the load client can compute the code the person's app would show."""
    from django.apps import apps

    if not apps.is_installed("django_otp.plugins.otp_totp"):
        return {}
    from django_otp.plugins.otp_totp.models import TOTPDevice

    out: dict[str, dict[str, Any]] = {}
    for d in TOTPDevice.objects.filter(user__email__in=list(emails), confirmed=True).select_related(
        "user"
    ):
        out[d.user.email] = {
            "key": d.key,
            "step": d.step,
            "t0": d.t0,
            "digits": d.digits,
            "drift": d.drift,
        }
    return out


def build(people: int = 20, fault_editors: int = 0) -> dict[str, Any]:
    """The plan: per scenario, up to ``people`` actors; with ``fault_editors``, the editors."""
    scenarios: dict[str, list[dict[str, Any]]] = {}
    for name, (who, what) in pickers().items():
        scenarios[name] = _actors(who(), what, people)
    scenarios["public"] = [public_actor(people)]
    plan: dict[str, Any] = {"password": "", "scenarios": scenarios}
    if fault_editors:
        plan["editors"] = editors(fault_editors)
    emails = {
        a["email"]
        for actors in [*scenarios.values(), plan.get("editors", [])]
        for a in actors
        if a.get("email")
    }
    plan["totp"] = totp_of(emails)
    if emails:
        plan["password"] = password_of(min(emails))
        reset_lockouts(emails)
    return plan


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--people", type=int, default=20, help="people per scenario, at most")
    parser.add_argument("--editors", type=int, default=0, help="editors for the fault run")
    parser.add_argument("--password", default="", help="the people's password")
    args = parser.parse_args(argv)
    setup_django(args.database_url)
    plan = build(args.people, args.editors)
    if args.password:
        plan["password"] = args.password
    Path(args.out).write_text(json.dumps(plan, indent=1))
    counts = {k: len(v) for k, v in plan["scenarios"].items()}
    print(f"plan: {counts}, editors: {len(plan.get('editors', []))}, totp: {len(plan['totp'])}")


if __name__ == "__main__":
    main()
