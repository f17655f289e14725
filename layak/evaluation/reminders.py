"""Daily email reminders before each stage deadline, to the people who still have open items.

A stage whose deadline is ``REMINDER_LEAD_DAYS`` days away (default 7, 3 and 1) triggers them:
- self-assessment: offices with draft or returned items assigned to them; the district
  administrator for items waiting for acceptance;
- province verification: the province's verifiers, for items not verified yet;
- ministry review and final determination: the ministry administrators;
- field verification: the assessors assigned to the district.
Each person gets at most one email a day, listing all their items (``ReminderLog``).
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone, translation

from layak.accounts.models import User
from layak.evaluation.models import Answer, Assessment, Assignment, ReminderLog, Stage
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


def due_items(today: datetime.date | None = None) -> dict[int, list[Due]]:
    """Open items per person (user id) for every stage whose deadline is a lead day away."""
    today = today or timezone.localdate()
    lead = set(settings.REMINDER_LEAD_DAYS)
    now = timezone.now()
    stages = [
        s
        for s in Stage.objects.filter(opens_at__lte=now, closes_at__gt=now).select_related("cycle")
        if _days_left(s, today) in lead
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


def send_reminders(today: datetime.date | None = None) -> int:
    """Send today's reminders; a person already reminded today is skipped. Returns the count."""
    today = today or timezone.localdate()
    items = due_items(today)
    sent = 0
    for user in User.objects.filter(pk__in=list(items), is_active=True):
        dues = items[user.pk]
        try:
            with transaction.atomic():
                ReminderLog.objects.create(user=user, day=today, items=sum(d.count for d in dues))
                with translation.override(user.language):
                    context = {"user": user, "dues": dues, "site_url": settings.SITE_URL}
                    subject = render_to_string(
                        "evaluation/email/reminder_subject.txt", context
                    ).strip()
                    body = render_to_string("evaluation/email/reminder.txt", context)
                send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
        except IntegrityError:
            continue  # already reminded today
        sent += 1
    return sent
