"""Daily deadline reminders, as notices, to the people who still have open items.

Every day while a stage's deadline is within ``REMINDER_LEAD_DAYS`` (the largest of them; 7 by
default), from that many days before until the closing day:
- self-assessment: offices with draft or returned items assigned to them; the district
  administrator for items waiting for acceptance;
- province verification: the province's verifiers, for items not verified yet;
- ministry review and final determination: the ministry administrators;
- field verification: the assessors assigned to the district.
Each person gets at most one reminder notice a day, listing all their items; it is emailed at
once unless they chose otherwise. Because the rule is "due within the lead days", a day the run
did not happen drops nothing: the next run reminds.

The opening of a stage is told the same way (``stage_opened``), once per person and stage, by
the first daily run within the lead days after it opened.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext, gettext_noop, ngettext

from layak.accounts.models import User
from layak.evaluation.models import Answer, Assessment, Assignment, Stage
from layak.evaluation.notices import stage_people
from layak.notifications.daily import daily_check
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.organisations.models import Membership
from layak.organisations.roles import ORGANISATION_SCOPED_ROLES, Role

K = Stage.Kind


@dataclass(frozen=True)
class Due:
    stage: Stage
    assessment: Assessment
    text: str
    count: int


def _days_left(stage: Stage, today: datetime.date) -> int:
    """Days from ``today`` to the stage's closing day (the last day people can work)."""
    from layak.evaluation.templatetags.evaluation import last_moment

    return (last_moment(stage.closes_at).date() - today).days


def lead_days() -> int:
    return max(settings.REMINDER_LEAD_DAYS, default=0)


def due_items(today: datetime.date | None = None) -> dict[int, list[Due]]:
    """Open items per person (user id) for every stage whose deadline is within the lead days."""
    today = today or timezone.localdate()
    lead = lead_days()
    now = timezone.now()
    stages = [
        s
        for s in Stage.objects.filter(opens_at__lte=now, closes_at__gt=now).select_related("cycle")
        if 0 <= _days_left(s, today) <= lead
    ]
    out: dict[int, list[Due]] = defaultdict(list)
    for stage in stages:
        assessments = Assessment.objects.filter(cycle=stage.cycle).select_related("region", "cycle")
        if stage.kind == K.SELF_ASSESSMENT:
            _self_assessment(stage, assessments.filter(status=Assessment.Status.IN_PROGRESS), out)
        else:
            _verification(
                stage,
                assessments.filter(status=Assessment.Status.SUBMITTED, determined_at__isnull=True),
                out,
            )
    return out


def _self_assessment(
    stage: Stage, assessments: QuerySet[Assessment], out: dict[int, list[Due]]
) -> None:
    open_by_org = (
        Assignment.objects.filter(
            answer__assessment__in=assessments,
            is_active=True,
            answer__status__in=[Answer.Status.DRAFT, Answer.Status.RETURNED],
        )
        .values("organisation_id", "answer__assessment_id")
        .annotate(n=Count("answer_id", distinct=True))
    )
    by_assessment = {a.pk: a for a in assessments}
    members: dict[int, list[int]] = defaultdict(list)
    for org_id, user_id in (
        Membership.objects.active()
        .filter(role__in=ORGANISATION_SCOPED_ROLES)
        .values_list("organisation_id", "user_id")
    ):
        members[org_id].append(user_id)
    for row in open_by_org:
        assessment = by_assessment[row["answer__assessment_id"]]
        for user_id in members.get(row["organisation_id"], []):
            out[user_id].append(Due(stage, assessment, str(assessment.region), row["n"]))
    waiting = (
        Answer.objects.filter(assessment__in=assessments, status=Answer.Status.SUBMITTED)
        .values("assessment_id")
        .annotate(n=Count("pk"))
    )
    admins = _region_role_users(Role.DISTRICT_ADMIN)
    for waiting_row in waiting:
        assessment = by_assessment[waiting_row["assessment_id"]]
        for user_id in admins(assessment):
            out[user_id].append(Due(stage, assessment, str(assessment.region), waiting_row["n"]))


def _verification(
    stage: Stage, assessments: QuerySet[Assessment], out: dict[int, list[Due]]
) -> None:
    pending = (
        Answer.objects.filter(assessment__in=assessments)
        .exclude(scores__stage=stage.kind)
        .values("assessment_id")
        .annotate(n=Count("pk"))
    )
    by_assessment = {a.pk: a for a in assessments}
    roles: dict[str, str] = {
        K.PROVINCE: Role.PROVINCE_VERIFIER,
        K.FIELD: Role.ASSESSOR,
        K.DISTRICT: Role.DISTRICT_ADMIN,
    }
    role = roles.get(stage.kind, str(Role.MINISTRY_ADMIN))
    users = _region_role_users(role)
    for row in pending:
        if not row["n"]:
            continue
        assessment = by_assessment[row["assessment_id"]]
        for user_id in users(assessment):
            out[user_id].append(Due(stage, assessment, str(assessment.region), row["n"]))


def _region_role_users(role: str):  # type: ignore[no-untyped-def]
    """Who holds ``role`` over an assessment's region (by organisation region or assignment)."""
    rows = list(
        Membership.objects.active()
        .filter(role=role)
        .values_list("user_id", "organisation__region__path")
    )
    assigned: dict[int, list[str]] = defaultdict(list)
    if role == Role.ASSESSOR:
        for user_id, path in (
            Membership.objects.active()
            .filter(role=role)
            .values_list("user_id", "assigned_regions__path")
        ):
            if path:
                assigned[user_id].append(path)

    def users(assessment: Assessment) -> list[int]:
        path = assessment.region.path
        if role == Role.ASSESSOR:
            return [u for u, paths in assigned.items() if any(path.startswith(p) for p in paths)]
        return sorted({u for u, p in rows if p is None or path.startswith(p)})

    return users


REMINDER = gettext_noop("Deadline reminder, items that still need your work: %(items)s")


def _reminder_text(dues: list[Due]) -> str:
    from layak.evaluation.templatetags.evaluation import deadline

    return "; ".join(
        "{cycle} · {stage} · {region}: {count} ({word} {date})".format(
            cycle=d.stage.cycle.name,
            stage=d.stage.get_kind_display(),
            region=d.text,
            count=ngettext("%(n)s item", "%(n)s items", d.count) % {"n": d.count},
            word=gettext("deadline"),
            date=deadline(d.stage.closes_at, "j F Y"),
        )
        for d in dues
    )


@daily_check
def send_reminders(today: datetime.date | None = None) -> int:
    """Today's reminder notices; a person already reminded today is skipped. Returns the count."""
    today = today or timezone.localdate()
    items = due_items(today)
    sent = 0
    for user in User.objects.filter(pk__in=list(items), is_active=True):
        dues = items[user.pk]
        with translation.override(user.language):
            text = _reminder_text(dues)
        with transaction.atomic():
            sent += notify(
                [user],
                Notice.Kind.STAGE_CLOSING,
                actor=None,
                url=reverse("evaluation:assessment", args=[dues[0].assessment.pk]),
                message=REMINDER,
                params={"items": text},
                day=today,
            )
    return sent


OPENED = gettext_noop("%(stage)s of %(cycle)s is open until %(deadline)s.")


@daily_check
def stage_opened(today: datetime.date | None = None) -> int:
    """Tell the people of a stage it has opened: once per person and stage, by the first run
    within the lead days after the opening (a missed day does not drop it)."""
    from layak.evaluation.templatetags.evaluation import deadline

    now = timezone.now()
    since = now - datetime.timedelta(days=lead_days() + 1)
    created = 0
    stages = Stage.objects.filter(
        opens_at__lte=now, opens_at__gte=since, closes_at__gt=now
    ).select_related("cycle")
    for stage in stages:
        people: dict[int, User] = {}
        for assessment in Assessment.objects.filter(cycle=stage.cycle).select_related("region"):
            for user in stage_people(assessment.region, stage.kind):
                people[user.pk] = user
        by_language: dict[str, list[User]] = defaultdict(list)
        for user in people.values():
            by_language[user.language].append(user)
        url = (
            reverse("evaluation:cycle", args=[stage.cycle_id])
            if stage.kind == K.SELF_ASSESSMENT
            else reverse("evaluation:verify_queue")
        )
        for language, users in by_language.items():
            with translation.override(language):
                params = {
                    "stage": str(stage.get_kind_display()),
                    "cycle": stage.cycle.name,
                    "deadline": deadline(stage.closes_at, "j F Y"),
                }
            with transaction.atomic():
                created += notify(
                    users,
                    Notice.Kind.STAGE_OPENED,
                    actor=None,
                    url=url,
                    message=OPENED,
                    params=params,
                    target=stage,
                    day=timezone.localtime(stage.opens_at).date(),
                )
    return created
