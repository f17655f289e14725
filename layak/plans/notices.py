"""When an office's RAD KLA progress report is due, which reports are due or late, and the daily
reminder to the office.

A period's report is due ``REPORT_DUE_DAYS`` days after the period ends (a quarterly plan's
first-quarter report of 2026 on 14 April 2026): the office reports what it did in the period once
the period is over. A report is outstanding while it does not exist or is still a draft; a
returned report is the secretariat's request for a correction and is listed as such elsewhere.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_noop

from layak.accounts.models import User
from layak.core.people import members_of, secretariat_of
from layak.notifications.models import Notice
from layak.notifications.notify import notify
from layak.plans.models import PlanItem, ProgressReport
from layak.workflow import Status

REPORT_DUE_DAYS = 14


def period_end(per_year: int, year: int, period: int) -> datetime.date:
    """The last day of ``period`` (1-based) of ``year`` in a plan reporting ``per_year`` times."""
    month = 12 // per_year * period
    return datetime.date(year, month, calendar.monthrange(year, month)[1])


def due_date(per_year: int, year: int, period: int) -> datetime.date:
    return period_end(per_year, year, period) + datetime.timedelta(days=REPORT_DUE_DAYS)


@dataclass(frozen=True)
class DueReport:
    """A period an office still has to report on: no report yet, or a draft."""

    plan_id: int
    plan_title: str
    region_id: int
    region_name: str
    organisation_id: int
    organisation_name: str
    per_year: int
    year: int
    period: int
    due: datetime.date
    report_id: int | None

    @property
    def url(self) -> str:
        if self.report_id is not None:
            return reverse("plans:report", args=[self.report_id])
        # The report list starts a plan's report for the office, the period chosen there.
        return reverse("plans:reports") + f"?plan={self.plan_id}"


def due_reports(
    organisations: list[int] | None,
    *,
    until: datetime.date,
    since: datetime.date | None = None,
) -> list[DueReport]:
    """The periods of active plans whose report is due on or before ``until`` (and on or after
    ``since``, when given) and not yet submitted, for the offices ``organisations`` (None: every
    office), earliest first. Two queries: the offices with activities of their own in each plan,
    and the plans' reports."""
    leaf = PlanItem.objects.filter(is_active=True, plan__is_active=True).exclude(
        Exists(PlanItem.objects.filter(parent=OuterRef("pk"), is_active=True))
    )
    if organisations is not None:
        leaf = leaf.filter(responsible__in=organisations)
    pairs = list(
        leaf.filter(responsible__isnull=False, plan__start_year__lte=until.year)
        .values(
            "plan_id",
            "plan__title",
            "plan__region_id",
            "plan__region__name",
            "plan__start_year",
            "plan__end_year",
            "plan__reports_per_year",
            "responsible_id",
            "responsible__name",
        )
        .distinct()
        .order_by("plan_id", "responsible_id")
    )
    if not pairs:
        return []
    reports = {
        (r["plan_id"], r["organisation_id"], r["year"], r["period"]): r
        for r in ProgressReport.objects.filter(
            plan_id__in={p["plan_id"] for p in pairs},
            organisation_id__in={p["responsible_id"] for p in pairs},
            year__lte=until.year,
            year__gte=since.year - 1 if since else 0,
        ).values("pk", "plan_id", "organisation_id", "year", "period", "status")
    }
    out: list[DueReport] = []
    for p in pairs:
        per_year = p["plan__reports_per_year"] or 1
        first = (
            p["plan__start_year"] if since is None else max(p["plan__start_year"], since.year - 1)
        )
        for year in range(first, min(p["plan__end_year"], until.year) + 1):
            for period in range(1, per_year + 1):
                due = due_date(per_year, year, period)
                if due > until:
                    break
                if since is not None and due < since:
                    continue
                report = reports.get((p["plan_id"], p["responsible_id"], year, period))
                if report is not None and report["status"] != Status.DRAFT:
                    continue
                out.append(
                    DueReport(
                        plan_id=p["plan_id"],
                        plan_title=p["plan__title"],
                        region_id=p["plan__region_id"],
                        region_name=p["plan__region__name"],
                        organisation_id=p["responsible_id"],
                        organisation_name=p["responsible__name"],
                        per_year=per_year,
                        year=year,
                        period=period,
                        due=due,
                        report_id=None if report is None else report["pk"],
                    )
                )
    out.sort(key=lambda d: (d.due, d.organisation_name, d.plan_id))
    return out


# ---- notices of the review hand-offs ------------------------------------------------------


def report_submitted(*, actor: User, report: ProgressReport) -> int:
    """An office submitted its report: the district's KLA secretariat accepts or returns it."""
    return notify(
        secretariat_of(report.plan.region),
        Notice.Kind.RAD_REPORT_SUBMITTED,
        actor=actor,
        url=report.get_absolute_url(),
        message=gettext_noop("%(office)s submitted the progress report %(period)s"),
        params={"office": report.organisation.name, "period": report.period_label},
        target=report,
        region=report.plan.region,
    )


def report_reviewed(*, actor: User, report: ProgressReport) -> int:
    """The secretariat accepted the report, or returned it with the reason: the office hears."""
    returned = report.status == Status.RETURNED
    return notify(
        members_of(report.organisation_id),
        Notice.Kind.RAD_REPORT_RETURNED if returned else Notice.Kind.RAD_REPORT_ACCEPTED,
        actor=actor,
        url=report.get_absolute_url(),
        message=(
            gettext_noop("%(actor)s returned the progress report %(period)s: %(reason)s")
            if returned
            else gettext_noop("%(actor)s accepted the progress report %(period)s")
        ),
        params={
            "actor": actor.full_name or actor.email,
            "period": report.period_label,
            "reason": report.return_reason,
        },
        target=report,
        region=report.plan.region,
    )
