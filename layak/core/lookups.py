"""``in`` on an integer column leaves out the values the column cannot hold.

Django answers ``exact``, ``gt``, ``gte``, ``lt`` and ``lte`` on an integer column (ids
included) with a value beyond the database's range as matching nothing (or everything) since
5.0; ``in`` still sends the value, and SQLite fails with ``OverflowError`` on an integer
beyond 64 bits. A form's multiple choice of rows checks the ids typed with ``in``, so
``99999999999999999999`` in a list of partners or indicators was a server error; with this
lookup it is "not one of the available choices", on every database.
"""

from __future__ import annotations

from typing import Any

from django.db.models import IntegerField
from django.db.models.lookups import In


class IntegerFieldIn(In):
    def process_rhs(self, compiler: Any, connection: Any) -> Any:
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)


def register() -> None:
    """Called once when the apps are ready (``CoreConfig.ready``)."""
    IntegerField.register_lookup(IntegerFieldIn)
