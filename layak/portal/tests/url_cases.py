"""URL cases of this app for the URL x role matrix (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import Personas

PUBLIC_NAME = "SK Gugus Tugas KLA (publik, matriks).pdf"


def province(p: Personas) -> dict[str, object]:
    return {"code": "32"}


def district(p: Personas) -> dict[str, object]:
    return {"code": "32.16"}


def bekasi_section(p: Personas) -> dict[str, object]:
    return {"code": "32.16", "section": "evaluation"}


def public_file(p: Personas) -> dict[str, object]:
    from layak.evidence.models import EvidenceFile

    return {"pk": EvidenceFile.objects.get(name=PUBLIC_NAME).pk}


# Public pages: everyone, signed in or not.
PUBLIC = Case(anon=200)
# Only a district administrator decides what the district publishes (not even the ministry).
ADMINS = {r: 403 for r in SIGNED_IN} | {"bekasi.admin": 200, "gunungmas.admin": 200}
# Publishing Bekasi's section: its administrator; whoever cannot see Bekasi gets 404.
PUBLISH = {r: 403 for r in SIGNED_IN} | {"bekasi.admin": 302, "gunungmas.admin": 404}

CASES: dict[str, Case] = {
    "portal:home": PUBLIC,
    "portal:province": Case(kwargs=province, anon=200),
    "portal:district": Case(kwargs=district, anon=200),
    "portal:file": Case(kwargs=public_file, anon=200),
    "portal:manage": Case(only=ADMINS),
    "portal:publish": Case(
        method="post", kwargs=bekasi_section, data={"publish": "1"}, only=PUBLISH
    ),
}


def setup(personas: Personas) -> None:
    """A task force decree of Bekasi with a public document, its section published."""
    from layak.portal.tests.helpers import public_decree

    public_decree(personas, name=PUBLIC_NAME)
