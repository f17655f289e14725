from typing import TYPE_CHECKING

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from layak.accounts.models import User


class HtmxHttpRequest(HttpRequest):
    """A request as HtmxMiddleware leaves it, for type checking."""

    htmx: HtmxDetails


def parse_id(raw: str | None) -> int | None:
    """A positive whole number typed in ASCII digits, or None ("²".isdigit() is true too)."""
    if raw and raw.isascii() and raw.isdigit() and len(raw) < 19:
        return int(raw)
    return None


def user_of(request: HttpRequest) -> "User":
    """The signed-in person of a view behind ``login_required``."""
    from layak.accounts.models import User

    assert isinstance(request.user, User)
    return request.user
