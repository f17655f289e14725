"""The id of the request being served, so audit entries written during it can be grouped."""

from __future__ import annotations

from contextvars import ContextVar

request_id: ContextVar[str] = ContextVar("layak_request_id", default="")
