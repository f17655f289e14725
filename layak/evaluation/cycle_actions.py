"""Cycles a district runs for its own kecamatan (KELANA) and villages (DEKELA).

The district evaluates its kecamatan and villages (Permen PPPA 12/2022: the district verifies
and determines them), so its administrator starts such a cycle, sets its windows and adds its
own kecamatan or villages; the ministry still starts the regencies' and cities' cycles and may
act on every cycle. A cycle a district started belongs to that district: the audit entry of its
creation names the district, and only that district's people (and those above it) see it.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import IntegerField, QuerySet
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.audit.log import record
from layak.audit.models import AuditEntry
from layak.evaluation import actions
from layak.evaluation.actions import EvaluationError
from layak.evaluation.models import Assessment, Cycle, Gate, StageReopening
from layak.frameworks.models import InstrumentVersion, PredicateBand, Question
from layak.regions.models import Region

A = authz.Action
Windows = dict[str, tuple[datetime.datetime, datetime.datetime]]
CREATED = "cycle.created"


def _created_by_districts() -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(
        action=CREATED, object_type=ContentType.objects.get_for_model(Cycle), region__isnull=False
    )


def cycles_for_user(user: User) -> QuerySet[Cycle]:
    """The cycles a person sees: the national ones, and those started by a district within the
    person's reach."""
    started = _created_by_districts()
    hidden = started.exclude(pk__in=started.filter(authz.scope_q(user, A.VIEW, region="region")))
    return Cycle.objects.exclude(
        pk__in=hidden.annotate(cycle_id=Cast("object_id", IntegerField())).values("cycle_id")
    )


def owners(cycles: Iterable[Cycle]) -> dict[int, Region]:
    """The district that started each cycle; national cycles are not in it (one query)."""
    ids = [str(c.pk) for c in cycles]
    return {
        int(e.object_id): e.region
        for e in _created_by_districts().filter(object_id__in=ids).select_related("region")
        if e.region is not None
    }


def districts_managed(user: User) -> QuerySet[Region]:
    """The regencies and cities whose evaluation of kecamatan and villages the person runs."""
    return Region.objects.filter(
        authz.scope_q(user, A.MANAGE, region=""), level=Region.Level.REGENCY, is_active=True
    ).order_by("name")


def may_manage(user: User, cycle: Cycle, owner: Region | None) -> bool:
    """The ministry manages every cycle; a district the cycles it started."""
    if authz.reaches(user, A.MANAGE, None):
        return True
    return owner is not None and authz.reaches(user, A.MANAGE, owner)


def may_add_regions(user: User, cycle: Cycle, owner: Region | None) -> bool:
    """Who adds regions to a cycle: the ministry anywhere; a district administrator its own
    kecamatan or villages, to a national lower-level cycle or to one its district started
    (while a stage of the cycle is still to close: ``actions.cycle_add_districts``)."""
    if authz.reaches(user, A.MANAGE, None):
        return True
    if cycle.instrument.framework.region_level <= Region.Level.REGENCY:
        return False
    if owner is not None:
        return authz.reaches(user, A.MANAGE, owner)
    return districts_managed(user).exists()


@transaction.atomic
def district_cycle_create(
    *,
    actor: User,
    district: Region,
    name: str,
    instrument: InstrumentVersion,
    windows: Windows,
) -> Cycle:
    """A district starts the evaluation of its kecamatan or villages."""
    if district.level != Region.Level.REGENCY or not authz.reaches(actor, A.MANAGE, district):
        raise EvaluationError(_("You do not run the evaluation of this regency or city."))
    level = instrument.framework.region_level
    if level <= Region.Level.REGENCY:
        raise EvaluationError(
            _(
                "A regency or city starts the evaluation of its kecamatan or villages; "
                "the ministry starts the evaluation of regencies and cities."
            )
        )
    return actions.create_cycle(
        actor=actor, name=name.strip(), instrument=instrument, windows=windows, region=district
    )


@transaction.atomic
def district_cycle_set_windows(
    *, actor: User, cycle: Cycle, owner: Region, windows: Windows
) -> None:
    """The district changes the windows of a cycle it started."""
    if not authz.reaches(actor, A.MANAGE, owner):
        raise EvaluationError(_("Only the regency or city that started this cycle can do this."))
    actions.set_windows(actor=actor, cycle=cycle, windows=windows, region=owner)


def open_stages(assessments: list[Assessment], now: datetime.datetime) -> dict[int, set[str]]:
    """The stages open now for each assessment, by the rule of ``actions.stage_open_for``:
    inside the cycle's window, or reopened for the district until later. The cycles' stages
    as prefetched (``cycle__stages``), the reopenings in one query."""
    reopened: dict[int, set[str]] = {}
    if assessments:
        for assessment_id, kind in (
            StageReopening.objects.filter(
                assessment_id__in=[a.pk for a in assessments], until__gt=now
            )
            .order_by()
            .values_list("assessment_id", "stage__kind")
        ):
            reopened.setdefault(assessment_id, set()).add(kind)
    return {
        a.pk: {s.kind for s in a.cycle.stages.all() if s.is_open(now)} | reopened.get(a.pk, set())
        for a in assessments
    }


# ---- gates: what caps a predicate whatever the points -----------------------------------


def gates_fixed(cycle: Cycle) -> bool:
    """Whether the cycle's gates can no longer change: a result of it has been determined
    (with a predicate a gate could have capped)."""
    return Assessment.objects.filter(cycle=cycle, determined_at__isnull=False).exists()


@transaction.atomic
def gate_add(
    *, actor: User, cycle: Cycle, question: Question, max_band: PredicateBand, reason: str
) -> Gate:
    actions._require_national(actor)
    if gates_fixed(cycle):
        raise EvaluationError(
            _("Results of this cycle have already been determined: its gates can no longer change.")
        )
    if question.version_id != cycle.instrument_id or max_band.version_id != cycle.instrument_id:
        raise EvaluationError(
            _("The question and the predicate must belong to the cycle's instrument.")
        )
    gate = Gate.objects.create(
        cycle=cycle, question=question, max_band=max_band, reason=reason.strip()
    )
    record(
        actor=actor,
        action="gate.created",
        obj=gate,
        region=None,
        after={
            "cycle": cycle.pk,
            "question": question.code,
            "max_band": max_band.code,
            "reason": gate.reason,
        },
    )
    return gate
