"""URL cases of this app for the URL x role matrix (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import Case
from layak.testing import Personas

CASES: dict[str, Case] = {}


def setup(personas: Personas) -> None:
    """Rows the cases need, created once per test in the matrix world."""
