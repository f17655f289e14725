"""Writing in a discussion: post, edit, withdraw. Each is audited in the same transaction and
tells the people concerned (``layak.notifications.notify``).

A mention is ``@`` followed by the person's email address (the form offers the people who may
read the thread). Someone who may not see the item cannot be mentioned: the message is refused
and its text stays in the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from layak.accounts.models import User
from layak.audit.log import record
from layak.discussions.items import ItemKind, kind_of, may_read, may_write
from layak.discussions.models import Mention, Message, MessageRevision, Thread
from layak.notifications.models import Notice
from layak.notifications.notify import notify

if TYPE_CHECKING:
    from django.db import models

MAX_LENGTH = 5000
MENTION_RE = re.compile(r"(?<![\w.+-])@([\w.+-]+@[\w-]+(?:\.[\w-]+)+)")


class DiscussionError(Exception):
    """A refused message, with what to tell the person beside the field."""


def mentioned_emails(body: str) -> list[str]:
    seen: dict[str, None] = {}
    for match in MENTION_RE.finditer(body):
        seen.setdefault(match.group(1).rstrip(".").lower(), None)
    return list(seen)


def _check_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise DiscussionError(_("Write a message."))
    if len(body) > MAX_LENGTH:
        raise DiscussionError(
            _("A message has at most %(n)s characters; this one has %(length)s.")
            % {"n": MAX_LENGTH, "length": len(body)}
        )
    return body


def _mentions(kind: ItemKind, item: Any, body: str, chosen: Iterable[int] = ()) -> list[User]:
    """The people ``body`` mentions and those ``chosen`` from the suggestions; refused when
    one is unknown or may not see the item."""
    emails = mentioned_emails(body)
    chosen = set(chosen)
    if not emails and not chosen:
        return []
    people: list[User] = list(
        User.objects.annotate(lower_email=Lower("email"))
        .filter(Q(lower_email__in=emails) | Q(pk__in=chosen), is_active=True)
        .order_by("full_name", "pk")
    )
    found = {u.email.lower() for u in people}
    unknown = [e for e in emails if e not in found]
    if chosen - {u.pk for u in people}:
        raise DiscussionError(_("A person chosen to be told no longer has an account."))
    if unknown:
        raise DiscussionError(
            ngettext(
                "Nobody uses the address %(emails)s.",
                "Nobody uses the addresses %(emails)s.",
                len(unknown),
            )
            % {"emails": ", ".join(unknown)}
        )
    outsiders = [u for u in people if not may_read(u, kind, item)]
    if outsiders:
        raise DiscussionError(
            _("%(names)s may not see this item and cannot be mentioned.")
            % {"names": ", ".join(u.full_name for u in outsiders)}
        )
    return people


def _thread_for(kind: ItemKind, item: Any) -> Thread:
    thread, _created = Thread.objects.get_or_create(
        item_type=ContentType.objects.get_for_model(item),
        item_id=item.pk,
        defaults={"region": kind.region(item), "question_code": kind.question_code(item)},
    )
    return Thread.objects.select_for_update().get(pk=thread.pk)


def _participants(thread: Thread) -> set[int]:
    authors = Message.objects.filter(thread=thread).values_list("author_id", flat=True)
    mentioned = Mention.objects.filter(message__thread=thread).values_list("user_id", flat=True)
    return set(authors) | set(mentioned)


def _tell(
    *,
    actor: User,
    kind: ItemKind,
    item: Any,
    message: Message,
    mentioned: Iterable[User],
    others: Iterable[User],
) -> None:
    from django.urls import reverse

    url = reverse("discussions:thread", args=[kind.slug, item.pk]) + f"#message-{message.pk}"
    params = {"actor": actor.full_name, "item": kind.title(item)}
    region = kind.region(item)
    mentioned = list(mentioned)
    notify(
        mentioned,
        Notice.Kind.MENTION,
        actor=actor,
        url=url,
        message=gettext_noop("%(actor)s mentioned you in the discussion of %(item)s"),
        params=params,
        target=message,
        region=region,
    )
    skip = {u.pk for u in mentioned}
    notify(
        [u for u in others if u.pk not in skip and may_read(u, kind, item)],
        Notice.Kind.DISCUSSION_MESSAGE,
        actor=actor,
        url=url,
        message=gettext_noop("%(actor)s wrote in the discussion of %(item)s"),
        params=params,
        target=message,
        region=region,
    )


@transaction.atomic
def message_post(
    *, actor: User, item: models.Model, body: str, mention: Iterable[int] = ()
) -> Message:
    """Write a message in the item's thread (the thread starts with its first message).
    ``mention``: people chosen from the suggestions, told as if their address were typed."""
    kind = kind_of(item)
    if not may_write(actor, kind, item):
        raise DiscussionError(_("You may read this discussion but not write in it."))
    body = _check_body(body)
    mentioned = _mentions(kind, item, body, mention)
    thread = _thread_for(kind, item)
    earlier = _participants(thread)
    message = Message.objects.create(thread=thread, author=actor, body=body)
    Mention.objects.bulk_create([Mention(message=message, user=u) for u in mentioned])
    record(
        actor=actor,
        action="discussions.message_posted",
        obj=message,
        region=thread.region,
        after={"item": kind.title(item), "body": body, "mentioned": _names(mentioned)},
    )
    _tell(
        actor=actor,
        kind=kind,
        item=item,
        message=message,
        mentioned=mentioned,
        others=User.objects.filter(pk__in=earlier),
    )
    return message


def _own_message(actor: User, message: Message) -> tuple[ItemKind, Any]:
    """The message's item, when ``actor`` wrote the message and still works on the item."""
    thread = message.thread
    model = thread.item_type.model_class()
    assert model is not None
    item = model._default_manager.get(pk=thread.item_id)
    kind = kind_of(item)
    if message.author_id != actor.pk:
        raise DiscussionError(_("Only the author changes a message."))
    if message.withdrawn:
        raise DiscussionError(_("This message was withdrawn."))
    if not may_write(actor, kind, item):
        raise DiscussionError(_("You may read this discussion but not write in it."))
    return kind, item


@transaction.atomic
def message_edit(*, actor: User, message: Message, body: str) -> Message:
    """Change a message's text; the earlier text is kept. People newly mentioned are told."""
    message = Message.objects.select_for_update().select_related("thread").get(pk=message.pk)
    kind, item = _own_message(actor, message)
    body = _check_body(body)
    if body == message.body:
        return message
    mentioned = _mentions(kind, item, body)
    already = set(message.mentions.values_list("user_id", flat=True))
    new = [u for u in mentioned if u.pk not in already]
    MessageRevision.objects.create(
        message=message, body=message.body, written_at=message.edited_at or message.created_at
    )
    before = {"body": message.body}
    message.body = body
    message.edited_at = timezone.now()
    message.save(update_fields=["body", "edited_at"])
    Mention.objects.bulk_create([Mention(message=message, user=u) for u in new])
    record(
        actor=actor,
        action="discussions.message_edited",
        obj=message,
        region=message.thread.region,
        before=before,
        after={"body": body, "mentioned": _names(new)},
    )
    _tell(actor=actor, kind=kind, item=item, message=message, mentioned=new, others=[])
    return message


@transaction.atomic
def message_withdraw(*, actor: User, message: Message) -> Message:
    """Take a message back: it stays, marked withdrawn, with its text for the audit."""
    message = Message.objects.select_for_update().select_related("thread").get(pk=message.pk)
    _own_message(actor, message)
    message.withdrawn_at = timezone.now()
    message.save(update_fields=["withdrawn_at"])
    record(
        actor=actor,
        action="discussions.message_withdrawn",
        obj=message,
        region=message.thread.region,
        before={"body": message.body},
        after={"withdrawn_at": message.withdrawn_at.isoformat()},
    )
    return message


def _names(people: Iterable[User]) -> list[str]:
    return [u.full_name for u in people]
