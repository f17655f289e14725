"""URL cases of this app for the URL x role matrix (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import Personas


def _bekasi_assessment(p: Personas) -> dict[str, object]:
    from layak.evaluation.models import Assessment

    return {
        "assessment": Assessment.objects.get(region__code="32.16", cycle__name="Evaluasi Uji").pk
    }


# Whoever reaches Bekasi as a whole starts its report (a redirect to the job); offices,
# partners and the forum see the district's evaluation but make no report of it (403);
# another district does not see it (404).
BEKASI_REPORT = {r: 302 for r in SIGNED_IN} | {
    "bekasi.dinkes": 403,
    "bekasi.partner": 403,
    "bekasi.forum": 403,
    "gunungmas.admin": 404,
}

CASES: dict[str, Case] = {
    "reports:home": Case(),
    "reports:start": Case(
        method="post",
        kwargs=lambda p: {"kind": "self_assessment"},
        data=_bekasi_assessment,
        only=BEKASI_REPORT,
    ),
}


def setup(personas: Personas) -> None:
    """The matrix world's evaluation cycle is all the cases need."""
