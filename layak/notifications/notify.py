"""``notify``: tell people about a hand-off, inside the hand-off's transaction.

The notices are rows created at once, so they stand or fall with the hand-off: a rolled-back
return leaves no notice. Email is queued with ``transaction.on_commit`` and sent by a background
task; mail trouble never reaches the caller, and a notice whose email could not be sent is picked
up again by the daily run (``layak.notifications.email.send_pending``).

One hand-off, one notice per person: a hand-off that names its items (``items``, with a
``many_message`` for several) inside a ``notice_batch`` (every web request runs in one, see
``NoticeBatchMiddleware``) adds its items to the notice the same person already got of the same
kind in that batch, instead of a new one: an assignment save of three questions, a bulk submit or
a bulk accept gives each person one notice with the count and the item codes, and one email, sent
when the batch ends. A merged notice leads to the common page of its items (their anchor
dropped), or to ``many_url`` when they live on different pages. Across requests, a hand-off
of items grows the notice the person got today of the same kind, from the same person about
the same thing, while it is unread: items submitted one after another make one notice.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone

from layak.notifications.models import Delivery, Notice, deliveries

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.regions.models import Region

log = logging.getLogger(__name__)

# Codes listed in a merged notice; beyond this the message says "…" (the count stays exact).
MAX_LISTED = 12


@dataclass
class _Batch:
    merged: dict[tuple[int, str], int] = field(default_factory=dict)
    email_ids: set[int] = field(default_factory=set)


_batch: ContextVar[_Batch | None] = ContextVar("notice_batch", default=None)


@contextlib.contextmanager
def notice_batch() -> Iterator[None]:
    """Merge the item notices created inside into one per person and kind, and email each
    once at the end (after the surrounding transaction commits). Nested batches join the
    outer one."""
    if _batch.get() is not None:
        yield
        return
    batch = _Batch()
    token = _batch.set(batch)
    try:
        yield
    finally:
        _batch.reset(token)
        if batch.email_ids:
            ids = sorted(batch.email_ids)
            transaction.on_commit(lambda: queue_email(ids))


class NoticeBatchMiddleware:
    """Each request is one batch: whatever it hands off, a person hears of it once."""

    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with notice_batch():
            return self.get_response(request)


def _page(url: str) -> str:
    return url.split("#", 1)[0]


def _listed(codes: list[str]) -> str:
    shown = ", ".join(codes[:MAX_LISTED])
    return shown + (", …" if len(codes) > MAX_LISTED else "")


@transaction.atomic
def _merge(
    notice_id: int,
    *,
    codes: list[str],
    message: str,
    url: str,
    many_url: str | None,
    now: bool = False,
) -> bool:
    """Add ``codes`` to an earlier notice of the batch (``now``: of an earlier request, which
    moves to the top of the inbox); False when it no longer exists (its transaction was
    rolled back)."""
    notice = Notice.objects.select_for_update().filter(pk=notice_id).first()
    if notice is None:
        return False
    params = dict(notice.params)
    known = params.get("codes", "").split("\n") if params.get("codes") else []
    if now:
        # Grown by a later hand-off: its items come first, so the listed ones are the newest.
        all_codes = [*codes, *[c for c in known if c not in codes]]
    else:
        all_codes = [*known, *[c for c in codes if c not in known]]
    params.update(codes="\n".join(all_codes), count=str(len(all_codes)), items=_listed(all_codes))
    notice.params = params
    notice.message = message
    if _page(notice.url) == _page(url):
        notice.url = _page(url)
    elif many_url:
        notice.url = many_url
    notice.read_at = None
    fields = ["params", "message", "url", "read_at"]
    if now:
        notice.created_at = timezone.now()
        fields.append("created_at")
    notice.save(update_fields=fields)
    return True


def notify(
    recipients: Iterable[User],
    kind: str,
    *,
    actor: User | None,
    url: str,
    message: str,
    params: dict[str, Any] | None = None,
    target: models.Model | None = None,
    region: Region | None = None,
    day: datetime.date | None = None,
    items: list[str] | None = None,
    many_message: str | None = None,
    many_url: str | None = None,
    group: models.Model | None = None,
) -> int:
    """Create one notice per recipient (the actor skipped, duplicates merged, inactive people
    left out) and queue the email each recipient's preference asks for. Returns how many notices
    were created.

    ``message`` is an English msgid (``gettext_noop``) rendered in the reader's language when
    shown; ``params`` are plain strings: names, codes and reasons typed by staff. Never pass a
    child's details here: notices are emailed.

    ``day`` is for date-dependent reminders (daily checks): a recipient who already has a notice
    of this kind about this target for that day is skipped, so a check may run twice a day.

    ``items`` are the codes of the things handed off; with several, or when a notice of the same
    kind already went to the person in this ``notice_batch``, ``many_message`` is shown instead
    (it may use ``%(count)s`` and ``%(items)s``). Returns how many notices were created or grown.

    ``group``: what the items belong to (an assessment); a hand-off of items grows the notice
    of the same kind, from the same person about the same group, that the person got today and
    has not read (``_grow_todays``).
    """
    if kind not in Notice.Kind.values:
        raise ValueError(f"Unknown notice kind {kind!r}.")
    people: dict[int, User] = {}
    for user in recipients:
        if user is None or not user.is_active:
            continue
        if actor is not None and user.pk == actor.pk:
            continue
        people.setdefault(user.pk, user)
    if not people:
        return 0
    target_type = ContentType.objects.get_for_model(target) if target is not None else None
    target_id = target.pk if target is not None else None
    if day is not None:
        already = set(
            Notice.objects.filter(
                recipient_id__in=list(people),
                kind=kind,
                target_type=target_type,
                target_id=target_id,
                day=day,
            ).values_list("recipient_id", flat=True)
        )
        for uid in already:
            people.pop(uid, None)
        if not people:
            return 0
    clean = {str(k): "" if v is None else str(v) for k, v in (params or {}).items()}
    codes = list(dict.fromkeys(items or []))
    batch = _batch.get()
    grown = 0
    if codes and many_message:
        if len(codes) > 1:
            message = many_message
        clean.update(codes="\n".join(codes), count=str(len(codes)), items=_listed(codes))
        if batch is not None:
            for uid in list(people):
                earlier = batch.merged.get((uid, kind))
                if earlier is not None and _merge(
                    earlier, codes=codes, message=many_message, url=url, many_url=many_url
                ):
                    people.pop(uid)
                    grown += 1
            if not people:
                return grown
    if codes and many_message and group is not None:
        clean["group"] = f"{group._meta.label_lower}:{group.pk}"
        grown += _grow_todays(
            people,
            kind,
            actor=actor,
            group=clean["group"],
            codes=codes,
            message=many_message,
            url=url,
            many_url=many_url,
        )
        if not people:
            return grown
    how = deliveries(list(people), kind)
    notices = Notice.objects.bulk_create(
        [
            Notice(
                recipient_id=uid,
                kind=kind,
                actor=actor,
                message=message,
                params=clean,
                url=url,
                target_type=target_type,
                target_id=target_id,
                region=region,
                delivery=how[uid],
                day=day,
            )
            for uid in people
        ]
    )
    now_ids = [n.pk for n in notices if n.delivery == Delivery.EMAIL_NOW]
    if batch is not None and codes and many_message:
        for n in notices:
            batch.merged[(n.recipient_id, kind)] = n.pk
        batch.email_ids.update(now_ids)
    elif now_ids:
        transaction.on_commit(lambda: queue_email(now_ids))
    return len(notices) + grown


def _grow_todays(
    people: dict[int, User],
    kind: str,
    *,
    actor: User | None,
    group: str,
    codes: list[str],
    message: str,
    url: str,
    many_url: str | None,
) -> int:
    """Add the items to the notice each person got today of the same kind, from the same
    person about the same ``group``, while they have not read it (nor been emailed it one by one):
    an office submitting its items one after another gives the district one notice that
    grows, not one per item. The people whose notice grew leave ``people``; how many."""
    start = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    earlier = (
        Notice.objects.filter(
            recipient_id__in=list(people),
            kind=kind,
            actor=actor,
            params__group=group,
            read_at__isnull=True,
            created_at__gte=start,
        )
        .exclude(delivery=Delivery.EMAIL_NOW, emailed_at__isnull=False)
        .order_by("recipient_id", "-created_at", "-pk")
        .values_list("recipient_id", "pk")
    )
    latest: dict[int, int] = {}
    for uid, pk in earlier:
        latest.setdefault(uid, pk)
    batch = _batch.get()
    grown = 0
    for uid, pk in latest.items():
        if _merge(pk, codes=codes, message=message, url=url, many_url=many_url, now=True):
            people.pop(uid, None)
            grown += 1
            if batch is not None:
                batch.merged[(uid, kind)] = pk
    return grown


def queue_email(notice_ids: list[int]) -> None:
    """Hand the notices to the email task; never raises (the daily run retries what is unsent)."""
    from layak.notifications.tasks import email_notices

    try:
        email_notices.enqueue(notice_ids)
    except Exception:
        log.exception("Could not queue email for notices %s", notice_ids)
