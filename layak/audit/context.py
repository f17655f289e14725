"""The id of the request being served, so audit entries written during it can be grouped."""

from __future__ import annotations

import datetime
from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("layak_request_id", default="")

# When a change was made on the person's device, for a change made without a connection and
# sent later (``layak.offline``); the entry's own time is when it arrived.
made_at: ContextVar[datetime.datetime | None] = ContextVar("layak_made_at", default=None)
