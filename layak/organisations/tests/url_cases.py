"""URL cases of this app for the URL x role matrix (see layak/core/tests/test_url_matrix.py).
The app's other pages are listed in that module's own table."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import BEKASI, Personas

# Bekasi's office mapping: its administrator and the ministry change it; everyone else who works
# in Bekasi is refused; another district does not see it.
MAPPING = {r: 403 for r in SIGNED_IN} | {
    "ministry": 200,
    "bekasi.admin": 200,
    "gunungmas.admin": 404,
}

CASES: dict[str, Case] = {
    "organisations:office_kinds": Case(kwargs=lambda p: {"code": BEKASI}, only=MAPPING),
}


def setup(personas: Personas) -> None:
    """Nothing to add: the districts and their offices are the personas'."""
