"""What the public portal may show about people.

Small counts of sensitive data (violence against children, child marriage, children in
conflict with the law...) could point at a child in a small place, so the portal shows them
as "fewer than N" (UU 27/2022: data about children is specific personal data). The threshold
is the setting ``PORTAL_SUPPRESS_BELOW`` (5 by default).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings

from layak.core.numbers import format_number

DEFAULT_THRESHOLD = 5


def threshold() -> int:
    return int(getattr(settings, "PORTAL_SUPPRESS_BELOW", DEFAULT_THRESHOLD))


def is_suppressed(value: Decimal | int | float | None, *, sensitive: bool) -> bool:
    """Whether a sensitive count is too small to show. Zero is shown: it points at no one."""
    if not sensitive or value is None:
        return False
    return 0 < value < threshold()


def shown(value: Decimal | int | float | None, *, sensitive: bool) -> str:
    """The value as the portal prints it, in the reader's language ("95,16" in Indonesian): "< 5"
    for a suppressed count, "—" for no value."""
    if value is None:
        return "—"
    if is_suppressed(value, sensitive=sensitive):
        return f"< {threshold()}"
    return format_number(value)
