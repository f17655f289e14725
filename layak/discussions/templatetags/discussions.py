"""``{% discussion obj %}``: an item's thread with its form, on the item's own page.

``collapsed=True`` shows only "Discussion (n)", whose thread htmx loads when opened (a link
opens the thread's page without JavaScript): a page of many answers pays one query for all the
counts. ``history=True`` adds the same question's threads of earlier cycles (answers only).
"""

from __future__ import annotations

from typing import Any

from django import template

from layak.discussions.display import message_counts, thread_context
from layak.discussions.items import kind_of

register = template.Library()


@register.inclusion_tag("discussions/_discussion.html", takes_context=True)
def discussion(
    context: template.Context, obj: Any, collapsed: bool = False, history: bool = False
) -> dict[str, Any]:
    request = context.get("request")
    kind = kind_of(obj)
    if collapsed:
        return {
            "collapsed": True,
            "kind": kind,
            "item": obj,
            "count": message_counts(request, kind, obj),
            "dom_id": f"discussion-{kind.slug}-{obj.pk}",
        }
    user = request.user if request is not None else None
    return {
        "collapsed": False,
        "request": request,
        "csrf_token": context.get("csrf_token"),
        **thread_context(
            user,  # type: ignore[arg-type]
            kind,
            obj,
            history=history,
            next_url=request.get_full_path() if request is not None else "",
        ),
    }
