"""The inbox, opening a notice, marking read, the preferences page and the header badge."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext_noop

from layak.audit.models import AuditEntry
from layak.notifications.models import Delivery, Notice, Preference
from layak.notifications.notify import notify
from layak.testing import Personas

pytestmark = pytest.mark.django_db
K = Notice.Kind
MSG = gettext_noop("%(actor)s returned %(item)s of %(region)s: %(reason)s")


def tell(personas: Personas, n: int = 1, url: str = "/evaluation/my-items/") -> list[Notice]:
    with transaction.atomic():
        for i in range(n):
            notify(
                [personas.bekasi_dinkes],
                K.ITEM_RETURNED,
                actor=personas.bekasi_admin,
                url=url,
                message=MSG,
                params={
                    "actor": "Rina",
                    "item": f"T-{i}",
                    "region": "Kabupaten Bekasi",
                    "reason": "Bukti kurang",
                },
            )
    return list(Notice.objects.filter(recipient=personas.bekasi_dinkes).order_by("-pk")[:n])


def test_inbox_shows_unread_in_indonesian_with_the_badge(client, personas: Personas) -> None:
    tell(personas, 2)
    client.force_login(personas.bekasi_dinkes)
    page = client.get(reverse("notifications:inbox")).content.decode()
    assert "Rina mengembalikan T-0 dari Kabupaten Bekasi: Bukti kurang" in page
    assert 'data-testid="unread-count"' in page and ">2</span>" in page
    assert "Tandai semua sudah dibaca" in page


def test_opening_marks_read_and_leads_to_the_place_to_act(client, personas: Personas) -> None:
    (notice,) = tell(personas)
    client.force_login(personas.bekasi_dinkes)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == "/evaluation/my-items/"
    notice.refresh_from_db()
    assert notice.read_at is not None
    unread = client.get(reverse("notifications:inbox")).content.decode()
    assert "T-0" not in unread and 'data-testid="unread-count"' not in unread
    assert "T-0" in client.get(reverse("notifications:inbox") + "?show=all").content.decode()


@pytest.mark.parametrize("url", ["https://evil.example/x", "//evil.example/x", "/\\evil.example"])
def test_a_notice_never_leads_off_the_site(client, personas: Personas, url: str) -> None:
    (notice,) = tell(personas, url=url)
    client.force_login(personas.bekasi_dinkes)
    response = client.get(reverse("notifications:open", args=[notice.pk]))
    assert response["Location"] == reverse("notifications:inbox")


def test_someone_elses_notice_is_404_and_stays_unread(client, personas: Personas) -> None:
    (notice,) = tell(personas)
    client.force_login(personas.bekasi_admin)
    assert client.get(reverse("notifications:open", args=[notice.pk])).status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_mark_all_read_only_mine(client, personas: Personas) -> None:
    tell(personas, 3)
    with transaction.atomic():
        notify(
            [personas.bekasi_admin],
            K.ITEM_SUBMITTED,
            actor=None,
            url="/",
            message=MSG,
            params={"actor": "A", "item": "B", "region": "C", "reason": "D"},
        )
    client.force_login(personas.bekasi_dinkes)
    assert client.post(reverse("notifications:mark_all_read")).status_code == 302
    assert not Notice.objects.filter(recipient=personas.bekasi_dinkes, read_at__isnull=True)
    assert Notice.objects.filter(recipient=personas.bekasi_admin, read_at__isnull=True).exists()


def test_preferences_page_in_indonesian_saves_and_audits(client, personas: Personas) -> None:
    client.force_login(personas.bekasi_dinkes)
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "Hanya di aplikasi" in page and "Ringkasan harian lewat surel" in page
    assert "Butir dikembalikan oleh kabupaten/kota" in page
    data = {kind: Delivery.IN_APP for kind in K.values} | {K.ITEM_RETURNED: Delivery.DIGEST}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 302
    pref = Preference.objects.get(user=personas.bekasi_dinkes, kind=K.ITEM_RETURNED)
    assert pref.delivery == Delivery.DIGEST
    entry = AuditEntry.objects.filter(action="notice_preference.changed").first()
    assert entry is not None and entry.actor == personas.bekasi_dinkes


def test_bad_preference_keeps_the_form_and_stores_nothing(client, personas: Personas) -> None:
    client.force_login(personas.bekasi_dinkes)
    data = {kind: Delivery.EMAIL_NOW for kind in K.values} | {K.ITEM_RETURNED: "pigeon"}
    response = client.post(reverse("notifications:preferences"), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pilih salah satu dari tiga cara untuk setiap jenis." in page
    assert "pigeon" in page  # the field's own message names what was sent
    # What was typed stays: the job-finished kind (in the app by default) shows "email at once".
    assert 'name="job_finished" value="email_now" checked' in page
    assert not Preference.objects.filter(user=personas.bekasi_dinkes).exists()


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/", "/notifications/", "/notifications/?show=all"])
def test_badge_and_inbox_cost_the_same_whatever_the_number_of_notices(
    client, personas: Personas, url: str
) -> None:
    client.force_login(personas.bekasi_dinkes)
    tell(personas, 2)
    # The home page keeps the person's list of work once drawn: compare drawn pages alike.
    client.get(url)
    small = _queries(client, url)
    tell(personas, 25)
    assert _queries(client, url) == small


def test_api_lists_my_notices_in_my_language_and_marks_one_read(client, personas) -> None:
    notices = tell(personas, 3)
    client.force_login(personas.bekasi_dinkes)
    body = client.get("/api/v1/me/notices?limit=2").json()
    assert body["unread"] == 3 and len(body["items"]) == 2 and body["next"]
    assert body["items"][0]["text"].startswith("Rina mengembalikan T-")
    assert body["items"][0]["label"] == "Butir dikembalikan oleh kabupaten/kota"
    older = client.get(f"/api/v1/me/notices?limit=2&before={body['next']}").json()
    assert len(older["items"]) == 1 and older["next"] is None
    target = notices[0]
    assert client.post(f"/api/v1/me/notices/{target.pk}/read").json()["read"] is True
    assert client.get("/api/v1/me/notices?unread=true").json()["unread"] == 2
    client.force_login(personas.bekasi_admin)
    assert client.post(f"/api/v1/me/notices/{target.pk}/read").status_code == 404
