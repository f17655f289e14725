"""URL cases of this app for the URL x role matrix (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import Personas

# Everyone of Bekasi and those above it read Bekasi's dashboard; Gunung Mas does not.
DISTRICT = {"gunungmas.admin": 404}
# Jawa Barat's: its verifiers and the ministry.
PROVINCE = {r: 404 for r in SIGNED_IN} | {"ministry": 200, "verifier.jabar": 200}
# The country's: the ministry.
NATIONAL = {r: 404 for r in SIGNED_IN} | {"ministry": 200}

CASES: dict[str, Case] = {
    # Everyone is sent on to the dashboard of their reach.
    "dashboards:home": Case(signed_in=302),
    "dashboards:district": Case(data={"region": "32.16"}, only=DISTRICT),
    "dashboards:province": Case(data={"region": "32"}, only=PROVINCE),
    "dashboards:national": Case(only=NATIONAL),
}


def setup(personas: Personas) -> None:
    """The matrix world's cycle is enough: the dashboards only read."""
