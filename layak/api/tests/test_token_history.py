"""A person's API tokens in the history of their account, in words."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.urls import reverse

from layak.api.models import ApiToken

pytestmark = pytest.mark.django_db


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_token_made_and_revoked_shows_in_its_owners_history(client: Any, personas: Any) -> None:
    client.force_login(personas.bekasi_admin)
    profile = reverse("accounts:profile")
    assert "Token API dibuat" not in _text(client.get(profile).content.decode())
    created = client.post(reverse("api_tokens:list"), {"name": "uji coba", "days": 30})
    assert created.status_code == 200
    token = ApiToken.objects.get(user=personas.bekasi_admin, name="uji coba")
    client.post(reverse("api_tokens:revoke", args=[token.pk]))
    history = _text(client.get(profile).content.decode())
    assert "Token API dibuat" in history and "Token API dicabut" in history
    # The token as its owner knows it from the tokens page, never a bare code.
    assert re.search(rf"Awal token\s*:\s*lyk_{token.key_id}_…", history)
    assert "Key id" not in history
    # Nobody else's account shows it.
    client.force_login(personas.gm_admin)
    assert "uji coba" not in _text(client.get(profile).content.decode())
