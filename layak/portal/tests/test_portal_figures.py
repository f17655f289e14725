"""The portal writes a share as every page does: the sign right after the number."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from layak.plans.tests.helpers import make_plan
from layak.portal.tests.helpers import publish

pytestmark = pytest.mark.django_db


def test_the_share_of_the_apbd_reads_like_every_percentage(client, personas):
    world = make_plan(personas)
    year = timezone.localdate().year
    client.force_login(personas.bekasi_admin)
    # The district's administrator enters the APBD on the budget page.
    url = reverse("plans:budget", args=[world.plan.pk])
    assert client.post(url, {"year": year, "total": "5.600.000.000"}).status_code == 302
    publish(personas, "plan")
    client.logout()
    response = client.get("/public/districts/32.16/")
    assert response.status_code == 200
    page = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())
    assert "5% dari APBD kabupaten/kota" in page
    assert "5 % dari APBD" not in page
