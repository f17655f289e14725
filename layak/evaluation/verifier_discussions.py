"""The verification page's collapsed discussions: each shown item's message count, read for
all of them at once (as ``{% discussion item collapsed=True %}`` shows it, without building
the item's siblings per item)."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from layak.discussions.items import KINDS
from layak.discussions.models import Message
from layak.evaluation.models import Answer

KIND = KINDS["answer"]


def counts(answer_ids: Sequence[int]) -> dict[int, int]:
    """How many messages (not withdrawn) each answer's thread holds: one query, none when no
    answer is shown."""
    if not answer_ids:
        return {}
    rows = (
        Message.objects.filter(
            thread__item_type=ContentType.objects.get_for_model(Answer),
            thread__item_id__in=list(answer_ids),
            withdrawn_at__isnull=True,
        )
        .order_by()
        .values_list("thread__item_id")
        .annotate(n=Count("pk"))
    )
    return {item_id: n for item_id, n in rows}
