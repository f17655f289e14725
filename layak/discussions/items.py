"""The kinds of item that carry a discussion, and who may read and write each one's thread.

Reading follows the item exactly: whoever the item's own ``for_user(user, "view")`` queryset
lets see it reads its thread (404 otherwise). Writing needs a grant that carries work on the
item: ``edit`` (the office or partner concerned, the secretariat) or ``verify`` (the province
and ministry verifiers, the assessor); a reader follows the discussion without writing in it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.apps import apps
from django.db import models
from django.http import Http404
from django.urls import reverse

from layak import authz

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from layak.accounts.models import User
    from layak.regions.models import Region

A = authz.Action


@dataclass(frozen=True)
class ItemKind:
    slug: str
    model_label: str
    # Loaded with the item so its title, region and page cost no further query.
    related: tuple[str, ...]
    region: Callable[[Any], Region]
    title: Callable[[Any], str]
    url: Callable[[Any], str]
    # The items shown on one page together (an assessment's answers, a meeting's follow-ups):
    # the items whose column ``siblings`` holds the same value as the item's. Their message
    # counts are read with one query.
    siblings: str
    # The organisations whose people answer for the item (offered for a mention, with the
    # district's secretariat and the province's verifiers).
    owners: Callable[[Any], Any] = lambda obj: []
    question_code: Callable[[Any], str] = lambda obj: ""

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(self.model_label)

    def queryset(self, user: User | AnonymousUser, action: authz.Action) -> models.QuerySet[Any]:
        return self.model._default_manager.for_user(user, action)  # type: ignore[attr-defined,no-any-return]


def _answer_url(answer: Any) -> str:
    return (
        reverse("evaluation:indicator", args=[answer.assessment_id, answer.question.indicator_id])
        + f"#answer-{answer.pk}"
    )


KINDS: dict[str, ItemKind] = {
    kind.slug: kind
    for kind in [
        ItemKind(
            slug="answer",
            model_label="evaluation.Answer",
            related=("assessment__region", "assessment__cycle", "question__indicator"),
            region=lambda a: a.assessment.region,
            title=lambda a: f"{a.question.code} · {a.assessment.region.name}",
            url=_answer_url,
            siblings="assessment_id",
            owners=lambda a: a.assignments.filter(is_active=True).values("organisation_id"),
            question_code=lambda a: a.question.code,
        ),
        ItemKind(
            slug="report",
            model_label="plans.ProgressReport",
            related=("plan__region", "organisation"),
            region=lambda r: r.plan.region,
            title=str,
            url=lambda r: r.get_absolute_url(),
            siblings="id",
            owners=lambda r: [r.organisation_id],
        ),
        ItemKind(
            slug="commitment",
            model_label="partners.Commitment",
            related=("organisation__region",),
            region=lambda c: c.attachment_region,
            title=str,
            url=lambda c: c.get_absolute_url(),
            siblings="id",
            owners=lambda c: [c.organisation_id],
        ),
        ItemKind(
            slug="followup",
            model_label="taskforce.FollowUp",
            related=("meeting__region", "owner"),
            region=lambda f: f.attachment_region,
            title=str,
            url=lambda f: f.get_absolute_url(),
            siblings="meeting_id",
            owners=lambda f: [f.owner_id],
        ),
    ]
}


def kind_of(obj: models.Model) -> ItemKind:
    label = obj._meta.label
    for kind in KINDS.values():
        if kind.model_label == label:
            return kind
    raise LookupError(f"{label} carries no discussion.")


def kind_for_slug(slug: str) -> ItemKind:
    try:
        return KINDS[slug]
    except KeyError:
        raise Http404 from None


def get_item_for_user(user: User | AnonymousUser, kind: ItemKind, pk: int) -> Any:
    """The item whose thread ``user`` opens: 404 when the item is outside what they may see."""
    try:
        return kind.queryset(user, A.VIEW).select_related(*kind.related).get(pk=pk)
    except kind.model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404 from None


def may_read(user: User | AnonymousUser, kind: ItemKind, item: Any) -> bool:
    return bool(kind.queryset(user, A.VIEW).filter(pk=item.pk).exists())


def may_write(user: User | AnonymousUser, kind: ItemKind, item: Any) -> bool:
    """Whether ``user`` works on the item (``edit`` or ``verify``), not only reads it."""
    return bool(
        (kind.queryset(user, A.EDIT) | kind.queryset(user, A.VERIFY)).filter(pk=item.pk).exists()
    )
