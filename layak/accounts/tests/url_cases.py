"""URL cases of two-factor sign-in for the URL x role matrix (layak/core/tests/test_url_matrix.py).

The matrix signs in with ``force_login``, which gives a verified session (layak/conftest.py), so
the code step sends everyone on; the unverified paths are tested in test_two_factor.py."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import Personas


def bekasi_admin(p: Personas) -> dict[str, object]:
    return {"pk": p.bekasi_admin.pk}


CASES: dict[str, Case] = {
    # Verified already (or nothing to verify): on to the next page.
    "accounts:two_factor_verify": Case(signed_in=302),
    "accounts:two_factor_enrol": Case(),
    # Without a valid code: back to the profile with a message.
    "accounts:two_factor_disable": Case(method="post", data={"code": "000000"}, signed_in=302),
    "accounts:two_factor_backup_codes": Case(method="post", data={"code": "000000"}, signed_in=302),
    # The ministry only.
    "accounts:user_two_factor": Case(
        kwargs=bekasi_admin, only={**{r: 403 for r in SIGNED_IN}, "ministry": 200}
    ),
}


def setup(personas: Personas) -> None:
    """Nothing to add: the demo personas of the required roles have their authenticators."""
