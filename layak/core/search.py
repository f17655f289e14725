"""One search over what a person may read: regions, organisations, people, evaluation items,
task force meetings and RAD activities.

Every kind reads through the same scoped querysets as its own list page, so a search never
finds a row its list would not show; each kind costs one query whatever the data size (the
first ``limit`` rows plus one, to know whether there are more). Matching is case-insensitive
(``icontains``) on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import formats
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy

from layak import authz
from layak.accounts.models import User

A = authz.Action

MAX_LENGTH = 100
MIN_LENGTH = 2
GROUP_LIMIT = 10


def search_text(raw: str | None) -> str:
    """The typed text as searched: trimmed, inner runs of spaces made one, at most 100
    characters."""
    return " ".join((raw or "").split())[:MAX_LENGTH]


def text_q(text: str, *fields: str) -> Q:
    """Rows where any of ``fields`` contains ``text`` (case-insensitive); nothing for no text.

    The shared filter of every list's search box."""
    q = Q()
    for field in fields:
        q |= Q(**{f"{field}__icontains": text})
    return q


@dataclass(frozen=True, slots=True)
class Hit:
    title: str
    detail: str
    url: str


@dataclass(frozen=True, slots=True)
class Kind:
    code: str
    label: Any  # a lazy translation
    rows: Callable[[User, str], QuerySet[Any]]
    hit: Callable[[Any], Hit]
    # The list page that shows every match, filtered by the same text; None: the search page
    # for this kind alone.
    list_url: Callable[[str], str] | None = None


def _regions(user: User, text: str) -> QuerySet[Any]:
    from layak.regions.models import Region

    return (
        Region.objects.active()
        .filter(authz.scope_q(user, A.VIEW, region=""))
        .search(text)
        .select_related("parent")
        .order_by("level", "name", "code")
    )


def _region_hit(region: Any) -> Hit:
    parts = [region.code, region.get_kind_display()] + (
        [region.parent.name] if region.parent else []
    )
    return Hit(
        title=region.name,
        detail=" · ".join(parts),
        url=reverse("regions:detail", args=[region.code]),
    )


def _organisations(user: User, text: str) -> QuerySet[Any]:
    from layak.organisations.models import Organisation

    return (
        Organisation.objects.for_user(user, A.VIEW)
        .filter(is_active=True)
        .filter(text_q(text, "name", "acronym"))
        .select_related("region")
        .order_by("name", "pk")
    )


def _organisation_hit(organisation: Any) -> Hit:
    region = organisation.region.name if organisation.region_id else gettext_lazy("National")
    return Hit(
        title=organisation.label,
        detail=f"{organisation.get_kind_display()} · {region}",
        url=reverse("organisations:detail", args=[organisation.pk]),
    )


def _people(user: User, text: str) -> QuerySet[Any]:
    from layak.organisations.models import Membership

    return (
        Membership.objects.for_user(user, A.VIEW)
        .filter(is_active=True, user__is_active=True)
        .filter(text_q(text, "user__full_name", "user__email"))
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name", "pk")
    )


def _person_hit(membership: Any) -> Hit:
    return Hit(
        title=membership.user.full_name or membership.user.email,
        detail=f"{membership.get_role_display()} · {membership.organisation.label}",
        url=reverse("organisations:detail", args=[membership.organisation_id]),
    )


def _items(user: User, text: str) -> QuerySet[Any]:
    from layak.evaluation.models import Answer

    return (
        Answer.objects.for_user(user, A.VIEW)
        .filter(
            text_q(
                text,
                "question__code",
                "question__text",
                "question__indicator__code",
                "question__indicator__name",
            )
        )
        .select_related("question__indicator", "assessment__region", "assessment__cycle")
        .order_by(
            "-assessment__cycle__created_at",
            "assessment__region__name",
            "question__indicator__group__order",
            "question__indicator__order",
            "question__order",
            "pk",
        )
    )


def _item_hit(answer: Any) -> Hit:
    question = answer.question
    return Hit(
        title=f"{question.code} — {question.text}",
        detail=f"{answer.assessment.cycle.name} · {answer.assessment.region.name}",
        url=reverse("evaluation:indicator", args=[answer.assessment_id, question.indicator_id]),
    )


MEETING_FIELDS = ("title", "agenda", "place")


def _meetings(user: User, text: str) -> QuerySet[Any]:
    from layak.taskforce.models import Meeting

    return (
        Meeting.objects.for_user(user, A.VIEW)
        .filter(is_active=True)
        .filter(text_q(text, *MEETING_FIELDS))
        .select_related("region")
        .order_by("-date", "-start_time", "-pk")
    )


def _meeting_hit(meeting: Any) -> Hit:
    return Hit(
        title=meeting.title,
        detail=f"{formats.date_format(meeting.date, 'SHORT_DATE_FORMAT')} · {meeting.region.name}",
        url=reverse("taskforce:meeting", args=[meeting.pk]),
    )


PLAN_ITEM_FIELDS = ("name", "ref", "budget_code", "performance_indicator")


def _activities(user: User, text: str) -> QuerySet[Any]:
    from layak.plans.models import PlanItem

    return (
        PlanItem.objects.filter(authz.scope_q(user, A.VIEW, region="plan__region"))
        .filter(is_active=True, plan__is_active=True)
        .filter(text_q(text, *PLAN_ITEM_FIELDS))
        .select_related("plan__region")
        .order_by("plan__region__name", "plan__start_year", "order", "pk")
    )


def _activity_hit(item: Any) -> Hit:
    return Hit(
        title=f"{item.ref} {item.name}",
        detail=f"{item.get_level_display()} · {item.plan.region.name}",
        url=reverse("plans:detail", args=[item.plan_id]) + f"#item-{item.pk}",
    )


def _list_url(name: str) -> Callable[[str], str]:
    return lambda text: f"{reverse(name)}?{urlencode({'q': text})}"


KINDS: tuple[Kind, ...] = (
    Kind("regions", gettext_lazy("Regions"), _regions, _region_hit),
    Kind(
        "organisations",
        gettext_lazy("Organisations"),
        _organisations,
        _organisation_hit,
        _list_url("organisations:list"),
    ),
    Kind(
        "people", gettext_lazy("People"), _people, _person_hit, _list_url("organisations:members")
    ),
    Kind("items", gettext_lazy("Evaluation items"), _items, _item_hit),
    Kind(
        "meetings",
        gettext_lazy("Task force meetings"),
        _meetings,
        _meeting_hit,
        _list_url("taskforce:meetings"),
    ),
    Kind("activities", gettext_lazy("RAD activities"), _activities, _activity_hit),
)
KIND_BY_CODE = {kind.code: kind for kind in KINDS}


@dataclass(frozen=True, slots=True)
class Group:
    kind: Kind
    hits: list[Hit]
    more_url: str | None


def kind_url(kind: Kind, text: str) -> str:
    """Where a kind's every match is listed: its list page, or the search page for it alone."""
    if kind.list_url is not None:
        return kind.list_url(text)
    return f"{reverse('core:search')}?{urlencode({'q': text, 'kind': kind.code})}"


def search(user: User, text: str, limit: int = GROUP_LIMIT) -> list[Group]:
    """The first ``limit`` matches of each kind (one query per kind); a kind with more has a
    link to all of them."""
    groups = []
    for kind in KINDS:
        rows = list(kind.rows(user, text)[: limit + 1])
        groups.append(
            Group(
                kind=kind,
                hits=hits(kind, rows[:limit]),
                more_url=kind_url(kind, text) if len(rows) > limit else None,
            )
        )
    return groups


def hits(kind: Kind, rows: Iterable[Any]) -> list[Hit]:
    return [kind.hit(row) for row in rows]
