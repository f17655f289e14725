"""Django's database session store, remembering when the stored session expires.

``SESSION_ENGINE`` points here. The store is Django's own (same table, same encoding: the class
keeps the name ``SessionStore``, which signs the data); it only keeps the ``expire_date`` of the
row it read or wrote, so ``SessionRenewalMiddleware`` can tell how long ago the session was
renewed without writing anything into it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore


class SessionStore(DatabaseSessionStore):
    # When the stored row expires; None until the session was read from or written to the table.
    expire_date: datetime | None = None

    def _get_session_from_db(self) -> Any:
        stored = super()._get_session_from_db()  # type: ignore[misc]  # not in the stubs
        self.expire_date = stored.expire_date if stored is not None else None
        return stored

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        row = super().create_model_instance(data)
        self.expire_date = row.expire_date
        return row
