"""What waits for a person: one list across the evaluation, the RAD KLA, the task force, partners
and children's participation, ordered by deadline (none last), with counts per kind. The home page
shows it first and the API serves it (``GET /api/v1/me/actions``).

Each hand-off appears for the people who take the next step, within their reach:
- offices (and kecamatan/village operators): evaluation items assigned to them still to answer,
  items returned to them, RAD progress reports due or returned, open task force follow-ups of
  their office;
- the district administrator (the KLA secretariat): answers waiting for review, progress reports
  and partner records waiting for acceptance, children's forum proposals waiting for an answer,
  invitations not yet accepted, items a verifier returned to the district, and the kecamatan
  and village evaluations it verifies;
- verifiers: submitted self-assessments waiting at their open stage (the province verifier at the
  province stage, assessors in the field, the ministry at its review and final determination);
- partners: their commitments and contributions returned for correction.

The cost is a fixed number of queries whatever the data size: each source is one query (the
verification five, the reports due two) returning at most ``PER_SOURCE`` rows with the full count
computed alongside by a window function.

The home page reads the list through ``kept_needs_action``: the list is kept in the process's
memory and in the store every process shares (``layak.evaluation.listing.Kept``) per person,
language, local day, grants and data stamp of the person's reach
(``layak.reports.versions.data_stamp``: any recorded change there gives a new key), until the
next opening or closing of a verification window where the person verifies; a list kept in the
process costs the stamp's query, one kept by another process the store's read as well. Pending
invitations are read afresh every time (accepting one changes an account, which the stamp
leaves out).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Min, Q, QuerySet, Window
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.accounts.models import User
from layak.core.shapes import Shapes
from layak.organisations.roles import Role
from layak.workflow import Status

A = authz.Action
PER_SOURCE = 50
_SHAPES = Shapes()


class ActionKind(models.TextChoices):
    """The kinds of work, in the order their chips appear."""

    EVALUATION_TO_ANSWER = "evaluation_to_answer", _("Evaluation items to answer")
    EVALUATION_RETURNED = "evaluation_returned", _("Evaluation items returned")
    EVALUATION_TO_REVIEW = "evaluation_to_review", _("Answers to review")
    EVALUATION_TO_VERIFY = "evaluation_to_verify", _("Evaluations to verify")
    REPORT_DUE = "report_due", _("Progress reports due")
    REPORT_RETURNED = "report_returned", _("Progress reports returned")
    REPORT_TO_ACCEPT = "report_to_accept", _("Progress reports to accept")
    FOLLOW_UP = "follow_up", _("Task force follow-ups")
    PARTNER_TO_VALIDATE = "partner_to_validate", _("Partner records to validate")
    PARTNER_RETURNED = "partner_returned", _("Partner records returned")
    PROPOSAL_TO_ANSWER = "proposal_to_answer", _("Children's proposals to answer")
    INVITATION_PENDING = "invitation_pending", _("Invitations not yet accepted")


ORDER = {k: i for i, k in enumerate(ActionKind.values)}


# What a source gives for one row: title, region, deadline, url, detail.
Entry = tuple[str, str, datetime.datetime | None, str, str]


@dataclass(frozen=True)
class ActionItem:
    kind: str
    title: str
    region: str
    deadline: datetime.datetime | None
    url: str
    detail: str = ""
    count: int = 1

    @property
    def kind_label(self) -> str:
        return str(ActionKind(self.kind).label)

    @property
    def overdue(self) -> bool:
        return self.deadline is not None and self.deadline <= timezone.now()


@dataclass
class ActionList:
    items: list[ActionItem] = field(default_factory=list)
    # Per kind, how many things wait (an entry may stand for several, e.g. items per district).
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def chips(self) -> list[tuple[str, str, int]]:
        """(kind, label, count) for every kind with work, in the kinds' order."""
        return [
            (k, str(ActionKind(k).label), n)
            for k, n in sorted(self.counts.items(), key=lambda kv: ORDER[kv[0]])
            if n
        ]

    def of_kind(self, kind: str) -> list[ActionItem]:
        return [i for i in self.items if i.kind == kind]

    def add(
        self,
        kind: str,
        title: str,
        region: str,
        deadline: datetime.datetime | None,
        url: str,
        *,
        detail: str = "",
        count: int = 1,
        counted: bool = True,
    ) -> None:
        """One entry; ``counted`` False when the source sets the kind's count from its total."""
        self.items.append(ActionItem(kind, title, region, deadline, url, detail, count))
        if counted:
            self.counts[kind] = self.counts.get(kind, 0) + count

    def add_rows(
        self,
        kind: str,
        rows: QuerySet[Any],
        entry: Callable[[Any], Entry],
        shape: Hashable | None = None,
    ) -> None:
        """An entry per row of the ordered ``rows`` (at most ``PER_SOURCE``), ``entry`` giving
        its title, region, deadline, url and detail; the kind's count is the rows' full count,
        read by a window function in the same query. With a ``shape`` key, the statement is
        compiled once for it (``layak.core.shapes``: the rows depend on nothing else)."""
        listed = (
            _SHAPES.fetch(shape, lambda: rows.annotate(total=Window(Count("pk")))[:PER_SOURCE])
            if shape is not None
            else list(rows.annotate(total=Window(Count("pk")))[:PER_SOURCE])
        )
        for row in listed:
            title, region, deadline, url, detail = entry(row)
            self.add(kind, title, region, deadline, url, detail=detail, counted=False)
        if listed:
            self.counts[kind] = self.counts.get(kind, 0) + listed[0].total


def end_of_day(day: datetime.date) -> datetime.datetime:
    """A date deadline as the moment after its last day ends, the way stage windows are stored,
    so the ``deadline`` filter reads it as that day at 23.59."""
    return timezone.make_aware(
        datetime.datetime.combine(day + datetime.timedelta(days=1), datetime.time.min)
    )


def lead_days() -> int:
    return max(settings.REMINDER_LEAD_DAYS, default=7)


def _granted(user: User, roles: Iterable[str], region: str) -> Q:
    """Rows within the reach of the user's grants of ``roles`` (``region`` the lookup to the
    row's region): what those roles act on, not everything the person may read."""
    wanted = set(roles)
    q = Q(pk__in=[])
    for grant in authz.grants(user):
        if grant.role not in wanted:
            continue
        if grant.national:
            return Q()
        for path in grant.paths:
            q |= Q(**{f"{region}__path__startswith": path})
    return q


def _orgs(user: User, roles: Iterable[str]) -> list[int]:
    wanted = set(roles)
    return sorted({g.organisation_id for g in authz.grants(user) if g.role in wanted})


def _has(user: User, roles: Iterable[str]) -> bool:
    return bool(authz.roles(user) & set(roles))


SECRETARIAT = {Role.DISTRICT_ADMIN}
OFFICE = {Role.OFFICE_OPERATOR}
ANSWERING = {Role.OFFICE_OPERATOR, Role.SUBDISTRICT_OPERATOR, Role.VILLAGE_OPERATOR}


# ---- evaluation -------------------------------------------------------------------------


def _evaluation(user: User, out: ActionList) -> None:
    from layak.evaluation import work
    from layak.evaluation.models import Stage

    # A self-assessment whose deadline has passed waits for nobody: nothing can be answered or
    # reviewed until the ministry reopens it (a kept list is kept per local day, and deadlines
    # end a day).
    now = timezone.now()
    if _has(user, ANSWERING):
        for row in work.to_answer_by_assessment(user):
            if row["deadline"] is not None and row["deadline"] <= now:
                continue
            out.add(
                ActionKind.EVALUATION_TO_ANSWER,
                ngettext(
                    "%(n)s item to answer in %(cycle)s",
                    "%(n)s items to answer in %(cycle)s",
                    row["n"],
                )
                % {"n": row["n"], "cycle": row["assessment__cycle__name"]},
                row["assessment__region__name"],
                row["deadline"],
                reverse("evaluation:my_items"),
                count=row["n"],
            )
    if _has(user, ANSWERING | SECRETARIAT):
        returned = work.returned_for_action(user, limit=PER_SOURCE)
        total = returned[0].total if returned else 0  # type: ignore[attr-defined]
        for answer in returned:
            out.add(
                ActionKind.EVALUATION_RETURNED,
                gettext("Correct %(item)s (%(indicator)s)")
                % {"item": answer.question.code, "indicator": answer.question.indicator.name},
                answer.assessment.region.name,
                answer.deadline,  # type: ignore[attr-defined]
                reverse(
                    "evaluation:indicator",
                    args=[answer.assessment_id, answer.question.indicator_id],
                )
                + f"#answer-{answer.pk}",
                detail=answer.return_reason,
                counted=False,
            )
        out.counts[ActionKind.EVALUATION_RETURNED] = total
    if _has(user, SECRETARIAT):
        for row in work.to_review_by_assessment(_granted(user, SECRETARIAT, "assessment__region")):
            if row["deadline"] is not None and row["deadline"] <= now:
                continue
            out.add(
                ActionKind.EVALUATION_TO_REVIEW,
                ngettext(
                    "%(n)s answer to review in %(cycle)s",
                    "%(n)s answers to review in %(cycle)s",
                    row["n"],
                )
                % {"n": row["n"], "cycle": row["assessment__cycle__name"]},
                row["assessment__region__name"],
                row["deadline"],
                reverse("evaluation:indicator", args=[row["assessment_id"], row["indicator"]]),
                detail=gettext("Corrections asked for at the stage “%(stage)s”")
                % {"stage": Stage.Kind(row["returned_at_stage"]).label}
                if row["returned_at_stage"]
                else "",
                count=row["n"],
            )


def _verification(user: User, out: ActionList) -> None:
    from layak.evaluation import work
    from layak.evaluation.models import Stage

    if authz.has_action(user, A.VERIFY):
        for row in work.to_verify(user):
            stage = row["stage"]
            title = gettext("%(stage)s: %(cycle)s") % {
                "stage": Stage.Kind(stage.kind).label,
                "cycle": row["assessment"].cycle.name,
            }
            parts = []
            if row["pending"]:
                parts.append(
                    ngettext(
                        "%(n)s item not yet verified",
                        "%(n)s items not yet verified",
                        row["pending"],
                    )
                    % {"n": row["pending"]}
                )
            if row["corrected"]:
                parts.append(
                    ngettext(
                        "%(n)s corrected item waiting for re-check",
                        "%(n)s corrected items waiting for re-check",
                        row["corrected"],
                    )
                    % {"n": row["corrected"]}
                )
            out.add(
                ActionKind.EVALUATION_TO_VERIFY,
                title,
                row["assessment"].region.name,
                row["deadline"],
                reverse("evaluation:verify", args=[row["assessment"].pk, stage.kind]),
                detail="; ".join(parts),
            )


# ---- RAD KLA ----------------------------------------------------------------------------


def _plans(user: User, out: ActionList) -> None:
    from layak.plans.models import ProgressReport, period_label
    from layak.plans.notices import due_date, due_reports

    offices = _orgs(user, OFFICE)
    if offices:
        today = timezone.localdate()
        due = due_reports(offices, until=today + datetime.timedelta(days=lead_days()))
        for d in due[:PER_SOURCE]:
            out.add(
                ActionKind.REPORT_DUE,
                gettext("Progress report %(period)s of %(office)s")
                % {
                    "period": period_label(d.per_year, d.year, d.period),
                    "office": d.organisation_name,
                },
                d.region_name,
                end_of_day(d.due),
                d.url,
                detail=d.plan_title,
                counted=False,
            )
        out.counts[ActionKind.REPORT_DUE] = len(due)
        out.add_rows(
            ActionKind.REPORT_RETURNED,
            ProgressReport.objects.filter(
                organisation__in=offices, status=Status.RETURNED, plan__is_active=True
            )
            .select_related("plan__region", "organisation")
            .order_by("year", "period", "pk"),
            lambda r: (
                gettext("Correct the progress report %(period)s of %(office)s")
                % {"period": r.period_label, "office": r.organisation.name},
                r.plan.region.name,
                end_of_day(due_date(r.plan.reports_per_year, r.year, r.period)),
                r.get_absolute_url(),
                r.return_reason,
            ),
        )
    if _has(user, SECRETARIAT):
        out.add_rows(
            ActionKind.REPORT_TO_ACCEPT,
            ProgressReport.objects.filter(
                _granted(user, SECRETARIAT, "plan__region"),
                status=Status.SUBMITTED,
                plan__is_active=True,
            )
            .select_related("plan__region", "organisation")
            .order_by("submitted_at", "pk"),
            lambda r: (
                gettext("Accept or return the progress report %(period)s of %(office)s")
                % {"period": r.period_label, "office": r.organisation.name},
                r.plan.region.name,
                None,
                r.get_absolute_url(),
                "",
            ),
        )


# ---- task force, partners, participation, members ---------------------------------------


def _follow_ups(user: User, out: ActionList) -> None:
    from layak.taskforce.models import FollowUp

    mine = _orgs(user, {g.role for g in authz.grants(user)})
    if not mine:
        return
    out.add_rows(
        ActionKind.FOLLOW_UP,
        FollowUp.objects.for_user(user, A.VIEW)
        .filter(owner__in=mine, status=FollowUp.Status.OPEN, meeting__is_active=True)
        .select_related("meeting__region", "owner")
        .order_by("due_date", "pk"),
        lambda f: (
            f.description[:140],
            f.meeting.region.name,
            end_of_day(f.due_date),
            f.get_absolute_url(),
            f.owner.name,
        ),
    )


def _partners(user: User, out: ActionList) -> None:
    from layak.partners.models import Commitment, Contribution

    secretariat = _has(user, SECRETARIAT)
    partners = _orgs(user, {Role.PARTNER_CONTRIBUTOR})
    if not secretariat and not partners:
        return
    sources: list[tuple[type[models.Model], str]] = [
        (Commitment, "organisation"),
        (Contribution, "commitment__organisation"),
    ]
    for model, org in sources:
        wanted = Q(pk__in=[])
        if secretariat:
            wanted |= _granted(user, SECRETARIAT, f"{org}__region") & Q(status=Status.SUBMITTED)
        if partners:
            wanted |= Q(**{f"{org}__in": partners}) & Q(status=Status.RETURNED)
        rows = list(
            model._default_manager.filter(wanted, is_active=True)
            .select_related(f"{org}__region")
            .annotate(total=Window(Count("pk"), partition_by=[F("status")]))
            .order_by("status", "pk")[: PER_SOURCE * 2]
        )
        for row in rows:
            organisation = row.organisation if model is Commitment else row.commitment.organisation
            validate = row.status == Status.SUBMITTED
            kind = ActionKind.PARTNER_TO_VALIDATE if validate else ActionKind.PARTNER_RETURNED
            what = row.title if model is Commitment else row.description[:100]
            out.add(
                kind,
                (
                    gettext("Validate %(what)s of %(partner)s")
                    if validate
                    else gettext("Correct %(what)s")
                )
                % {"what": what, "partner": organisation.name},
                organisation.region.name if organisation.region else "",
                None,
                row.get_absolute_url(),
                detail="" if validate else row.return_reason,
                counted=False,
            )
        for status, kind in (
            (Status.SUBMITTED, ActionKind.PARTNER_TO_VALIDATE),
            (Status.RETURNED, ActionKind.PARTNER_RETURNED),
        ):
            first = next((r for r in rows if r.status == status), None)
            if first is not None:
                out.counts[kind] = out.counts.get(kind, 0) + first.total


def _proposals(user: User, out: ActionList) -> None:
    from layak.participation.models import Proposal

    roles = {Role.DISTRICT_ADMIN, Role.SUBDISTRICT_OPERATOR, Role.VILLAGE_OPERATOR}
    if not _has(user, roles):
        return
    out.add_rows(
        ActionKind.PROPOSAL_TO_ANSWER,
        Proposal.objects.filter(
            _granted(user, roles, "region"), is_active=True, status=Proposal.Status.RECEIVED
        )
        .select_related("region", "forum")
        .order_by("proposed_on", "pk"),
        lambda p: (
            gettext("Answer “%(topic)s” from %(forum)s")
            % {"topic": p.topic, "forum": p.forum.name},
            p.region.name,
            None,
            reverse("participation:proposal_follow_up", args=[p.pk]),
            "",
        ),
    )


def _invitations(user: User, out: ActionList) -> None:
    from layak.organisations.models import Membership

    if not authz.has_action(user, A.MANAGE):
        return
    url = reverse("organisations:members") + "?pending=on"
    out.add_rows(
        ActionKind.INVITATION_PENDING,
        Membership.objects.for_user(user, A.MANAGE)
        .active()
        .pending()
        .select_related("user", "organisation__region")
        .order_by("created_at", "pk"),
        lambda m: (
            gettext("%(name)s has not accepted the invitation to %(organisation)s")
            % {"name": m.user.full_name or m.user.email, "organisation": m.organisation.name},
            m.organisation.region.name if m.organisation.region else "",
            None,
            url,
            "",
        ),
        shape=("invitations", authz.scope_key(user)),
    )


# The sources whose entries change only with the data (and the local day), then those read
# afresh on every request.
KEPT_SOURCES: tuple[Callable[[User, ActionList], None], ...] = (
    _evaluation,
    _verification,
    _plans,
    _follow_ups,
    _partners,
    _proposals,
)
LIVE_SOURCES: tuple[Callable[[User, ActionList], None], ...] = (_invitations,)
# At most this many lists kept per process (a few KB each), shared by every process.
KEPT_LISTS = 500


def _sorted(out: ActionList) -> ActionList:
    """``out`` with its entries earliest deadline first (none last) and no empty count."""
    far = datetime.datetime.max.replace(tzinfo=datetime.UTC)
    out.items.sort(key=lambda i: (i.deadline or far, ORDER[i.kind], i.region, i.title))
    out.counts = {k: n for k, n in out.counts.items() if n}
    return out


def needs_action(user: User) -> ActionList:
    """Everything waiting for ``user``, earliest deadline first (none last)."""
    out = ActionList()
    if not user.is_authenticated:
        return out
    for source in (*KEPT_SOURCES, *LIVE_SOURCES):
        source(user, out)
    return _sorted(out)


class _Kept:
    """The process's kept lists (``layak.evaluation.listing.Kept``), made when first used."""

    store: Any = None

    @classmethod
    def get(cls) -> Any:
        if cls.store is None:
            from layak.evaluation.listing import Kept

            cls.store = Kept(KEPT_LISTS, shared="work")
        return cls.store


def forget(shared: bool = True) -> None:
    """Forget every kept list of this process and, with ``shared``, every entry of the shared
    store (``layak.evaluation.listing.forget_shared``; tests start with none)."""
    if _Kept.store is not None:
        _Kept.store.clear()
    if shared:
        from layak.evaluation.listing import forget_shared

        forget_shared()


def _reach(user: User) -> str | None:
    """The path of the smallest region holding everything the person's grants reach (None:
    the whole country, for a national grant or grants in different provinces)."""
    paths = [p for g in authz.grants(user) for p in g.paths]
    if not paths or any(g.national for g in authz.grants(user)):
        return None
    common = paths[0].rstrip(".").split(".")
    for path in paths[1:]:
        parts = path.rstrip(".").split(".")
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return ".".join(common) + "." if common else None


def _window_change(user: User) -> datetime.datetime | None:
    """When the next verification window opens or closes, or a reopening ends, for a person
    who verifies (their list changes then with no change to the data); None otherwise. Two
    queries."""
    from layak.evaluation.models import Stage, StageReopening

    if not authz.has_action(user, A.VERIFY):
        return None
    now = timezone.now()
    found = Stage.objects.aggregate(
        opens=Min("opens_at", filter=Q(opens_at__gt=now)),
        closes=Min("closes_at", filter=Q(closes_at__gt=now)),
    )
    ends = StageReopening.objects.filter(until__gt=now).aggregate(until=Min("until"))
    return min((t for t in (*found.values(), ends["until"]) if t is not None), default=None)


def kept_needs_action(user: User) -> ActionList:
    """``needs_action``, the entries that change only with the data kept per data stamp of the
    person's reach: the stamp's query when kept, and the invitations' where the person manages
    members. The list handed out is shared: whoever reads it must not change it."""
    if not user.is_authenticated:
        return ActionList()
    from layak.dashboards.cache import scope
    from layak.regions.models import Region
    from layak.reports.versions import data_stamp

    path = _reach(user)
    stamp = data_stamp(None if path is None else Region(path=path))
    key = repr((user.pk, get_language(), timezone.localdate(), scope(user), path, stamp))
    store = _Kept.get()
    found: tuple[ActionList, datetime.datetime | None] | None = store.get(key)
    if found is None or (found[1] is not None and timezone.now() >= found[1]):
        until = _window_change(user)
        kept = ActionList()
        for source in KEPT_SOURCES:
            source(user, kept)
        found = (_sorted(kept), until)
        store.set(key, found)
    live = ActionList(list(found[0].items), dict(found[0].counts))
    for source in LIVE_SOURCES:
        source(user, live)
    if len(live.items) == len(found[0].items):
        return found[0]
    return _sorted(live)
