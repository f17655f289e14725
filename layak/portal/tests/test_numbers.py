"""The portal prints numbers in the reader's language, like every other page."""

from __future__ import annotations

from decimal import Decimal as D

from django.template.loader import render_to_string
from django.utils import translation

from layak.portal import privacy


def test_portal_values_follow_the_readers_language():
    with translation.override("id"):
        assert privacy.shown(D("95.16"), sensitive=False) == "95,16"
        assert privacy.shown(D("1250"), sensitive=False) == "1.250"
        assert privacy.shown(3, sensitive=True) == "< 5"
    with translation.override("en"):
        assert privacy.shown(D("95.16"), sensitive=False) == "95.16"
        assert privacy.shown(D("1250"), sensitive=False) == "1,250"


def test_a_percentage_reads_like_everywhere_else():
    with translation.override("id"):
        html = render_to_string(
            "portal/_district.html",
            {
                "region": None,
                "sections": {"indicators"},
                "indicators": [
                    {
                        "cluster": "Klaster III",
                        "indicator": {"name": "Persalinan di fasilitas kesehatan"},
                        "year": 2025,
                        "value": privacy.shown(D("95.16"), sensitive=False),
                        "suppressed": False,
                        "unit": "%",
                        "sources": ["Profil Kesehatan"],
                        "source_date": None,
                    }
                ],
            },
        )
    assert "95,16%" in html and "95.16" not in html
