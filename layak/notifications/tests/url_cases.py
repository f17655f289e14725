"""URL cases of the notifications for the URL x role matrix (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import Personas

# A notice belongs to its recipient: the Bekasi health office's operator, told of an assignment.
RECIPIENT_ONLY = {r: 404 for r in SIGNED_IN} | {"bekasi.dinkes": 302}


def notice(p: Personas) -> dict[str, object]:
    from layak.notifications.models import Notice

    found = Notice.objects.filter(recipient=p.bekasi_dinkes).order_by("pk").first()
    assert found is not None
    return {"pk": found.pk}


CASES: dict[str, Case] = {
    "notifications:inbox": Case(),
    "notifications:open": Case(kwargs=notice, only=RECIPIENT_ONLY),
    "notifications:mark_all_read": Case(method="post", signed_in=302),
    "notifications:preferences": Case(),
    "api-1:me_notices": Case(anon=401),
    "api-1:me_notice_read": Case(
        method="post",
        kwargs=lambda p: {"id": notice(p)["pk"]},
        anon=401,
        only={r: 404 for r in SIGNED_IN} | {"bekasi.dinkes": 200},
    ),
}


def setup(personas: Personas) -> None:
    """The world's evaluation cycle assigned items to the Bekasi health office, which made the
    notices these cases open."""
