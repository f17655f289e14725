"""The pieces of the URL x role matrix that every app's ``tests/url_cases.py`` uses."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from layak.testing import PERSONA_ROLES, Personas

ANON = "anonymous"
ROLES = [ANON, *PERSONA_ROLES, "gunungmas.admin"]
SIGNED_IN = [r for r in ROLES if r != ANON]


@dataclass
class Case:
    method: str = "get"
    kwargs: Callable[[Personas], dict[str, object]] = lambda p: {}
    data: dict[str, str] | Callable[[Personas], dict[str, object]] = field(default_factory=dict)
    anon: int = 302
    signed_in: int = 200
    only: dict[str, int] = field(default_factory=dict)

    def expected(self, role: str) -> int:
        if role == ANON:
            return self.anon
        return self.only.get(role, self.signed_in)


def as_post(expected: dict[str, int]) -> dict[str, int]:
    """A write's expectations from a page's: whoever sees the page is redirected after the
    write; other statuses stay."""
    return {role: (302 if status == 200 else status) for role, status in expected.items()}
