"""Django's database session store, remembering when the stored session expires.

``SESSION_ENGINE`` points here. The store is Django's own (same table, same encoding: the class
keeps the name ``SessionStore``, which signs the data); it only keeps the ``expire_date`` of the
row it read or wrote, so ``SessionRenewalMiddleware`` can tell how long ago the session was
renewed without writing anything into it. It reads the row with one prepared statement rather
than building a queryset on every request.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import connections, router
from django.utils import timezone

from layak.accounts.identity import convert, row_converters


class SessionStore(DatabaseSessionStore):
    # When the stored row expires; None until the session was read from or written to the table.
    expire_date: datetime | None = None

    def _get_session_from_db(self) -> Any:
        """The unexpired row of this key (as Django's ``objects.get``), or None, forgetting an
        unknown key."""
        model = self.model
        alias = router.db_for_read(model)
        quote = connections[alias].ops.quote_name
        sql = (
            f"SELECT {quote('session_data')}, {quote('expire_date')} "  # noqa: S608
            f"FROM {quote(model._meta.db_table)} "
            f"WHERE {quote('session_key')} = %s AND {quote('expire_date')} > %s"
        )
        stored = None
        if self.session_key is not None:
            with connections[alias].cursor() as cursor:
                now = connections[alias].ops.adapt_datetimefield_value(timezone.now())
                cursor.execute(sql, [self.session_key, now])
                row = cursor.fetchone()
            if row is not None:
                fields = [
                    model._meta.get_field("session_data"),
                    model._meta.get_field("expire_date"),
                ]
                values = convert(alias, row_converters(alias, fields), row)
                stored = model.from_db(
                    alias,
                    ["session_key", "session_data", "expire_date"],
                    [self.session_key, *values],
                )
        if stored is None:
            self._session_key = None
        self.expire_date = stored.expire_date if stored is not None else None
        return stored

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        row = super().create_model_instance(data)
        self.expire_date = row.expire_date
        return row
