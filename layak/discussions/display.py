"""What a thread shows: its messages with their earlier texts and mentions, whether the reader
may write, and (in an answer's history) the same question's threads of earlier cycles. Each
costs a fixed number of queries whatever the number of messages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, Prefetch, Q

from layak import authz
from layak.core.shapes import Shapes
from layak.discussions.items import KINDS, ItemKind, may_write
from layak.discussions.models import Mention, Message, Thread

if TYPE_CHECKING:
    from django.http import HttpRequest

    from layak.accounts.models import User


def _messages() -> Prefetch[Any]:
    return Prefetch(
        "messages",
        queryset=Message.objects.select_related("author").prefetch_related(
            "revisions", Prefetch("mentions", queryset=Mention.objects.select_related("user"))
        ),
    )


def thread_context(
    user: User,
    kind: ItemKind,
    item: Any,
    *,
    history: bool = False,
    lazy: bool = False,
    body: str = "",
    chosen: tuple[int, ...] = (),
    error: str = "",
    next_url: str = "",
) -> dict[str, Any]:
    thread = (
        Thread.objects.filter(item_type=ContentType.objects.get_for_model(item), item_id=item.pk)
        .prefetch_related(_messages())
        .first()
    )
    messages = list(thread.messages.all()) if thread else []
    people = {m.author_id: m.author for m in messages}
    writable = may_write(user, kind, item)
    return {
        "kind": kind,
        "item": item,
        "item_title": kind.title(item),
        "item_url": kind.url(item),
        "thread": thread,
        "thread_messages": messages,
        "count": sum(1 for m in messages if not m.withdrawn),
        "people": sorted(people.values(), key=lambda u: u.full_name),
        "writable": writable,
        "suggestions": suggestions(kind, item, user) if writable else [],
        "chosen": chosen,
        "user": user,
        "history": history,
        "earlier": earlier_threads(user, item) if history and kind.slug == "answer" else [],
        "lazy": lazy,
        "body": body,
        "error": error,
        "next_url": next_url,
        "dom_id": f"discussion-{kind.slug}-{item.pk}",
    }


def suggestions(kind: ItemKind, item: Any, user: User) -> list[tuple[User, str]]:
    """People to mention, with their organisation: those of the organisations that answer for
    the item, the district's secretariat and the province's verifiers (one query). A
    suggestion is not a right: the mention is checked against what the person may see."""
    from layak.organisations.models import Membership
    from layak.organisations.roles import Role

    region = kind.region(item)
    parts = region.path.rstrip(".").split(".")
    above = [".".join(parts[: i + 1]) + "." for i in range(len(parts))]
    memberships = (
        Membership.objects.active()
        .filter(
            Q(organisation__in=kind.owners(item))
            | Q(
                role__in=[Role.DISTRICT_ADMIN, Role.PROVINCE_VERIFIER],
                organisation__region__path__in=above,
            ),
            user__is_active=True,
        )
        .exclude(user=user)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )
    seen: dict[int, tuple[User, str]] = {}
    for m in memberships:
        seen.setdefault(m.user_id, (m.user, m.organisation.name))
    return list(seen.values())


def earlier_threads(user: User, answer: Any) -> list[tuple[Any, list[Message]]]:
    """The threads of the same question in the same region's other cycles that ``user`` may
    read, oldest cycle first, each with its answer (for the cycle's name)."""
    kind = KINDS["answer"]
    threads = (
        Thread.objects.filter(
            item_type=ContentType.objects.get_for_model(answer),
            region_id=answer.assessment.region_id,
            question_code=answer.question.code,
            item_id__in=kind.queryset(user, authz.Action.VIEW).values("pk"),
        )
        .exclude(item_id=answer.pk)
        .prefetch_related(_messages())
    )
    threads_by_item = {t.item_id: t for t in threads}
    if not threads_by_item:
        return []
    answers = (
        kind.model._default_manager.filter(pk__in=threads_by_item)
        .select_related("assessment__cycle")
        .order_by("assessment__cycle__created_at", "pk")
    )
    return [(a, list(threads_by_item[a.pk].messages.all())) for a in answers]


# The counts' statement of each kind of item, compiled once (``layak.core.shapes``).
_COUNTS = Shapes(size=8)


def message_counts(request: HttpRequest | None, kind: ItemKind, item: Any) -> int:
    """How many messages (not withdrawn) the item's thread holds. The counts of all the items
    shown together (an assessment's answers, a meeting's follow-ups: ``ItemKind.siblings``) are
    read with one query and kept for the request, so a page of many items pays once."""
    value = getattr(item, kind.siblings)
    key = (kind.slug, value)
    cache: dict[object, dict[int, int]] = (
        getattr(request, "_discussion_counts", None) if request is not None else None
    ) or {}
    if key not in cache:

        def build(content_type: int, value: int) -> Any:
            siblings = kind.model._default_manager.filter(**{kind.siblings: value})
            return (
                Message.objects.filter(
                    thread__item_type_id=content_type,
                    thread__item_id__in=siblings.values("pk"),
                    withdrawn_at__isnull=True,
                )
                .order_by()
                .values_list("thread__item_id")
                .annotate(n=Count("pk"))
            )

        content_type = ContentType.objects.get_for_model(item).pk
        rows = _COUNTS.fetch(kind.slug, build, content_type, value)
        cache[key] = {item_id: n for item_id, n in rows}
        if request is not None:
            request._discussion_counts = cache  # type: ignore[attr-defined]
    return cache[key].get(item.pk, 0)
