"""The public portal names predicate bands and clusters in the reader's language."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from layak.portal.tests.helpers import publish
from layak.portal.tests.test_portal import page

pytestmark = pytest.mark.django_db


def determine(personas, ev) -> None:
    from layak.evaluation import verification
    from layak.evaluation.models import Stage
    from layak.evaluation.tests.test_verification import move_to, submit_all

    kind = Stage.Kind
    submit_all(personas, ev)
    for stage, who in (
        (kind.PROVINCE, personas.jabar),
        (kind.MINISTRY, personas.ministry),
        (kind.FIELD, personas["assessor"]),
    ):
        move_to(ev, stage)
        verification.verify_agree_rest(actor=who, assessment=ev.bekasi, stage=stage)
    move_to(ev, kind.FINAL)
    verification.assessment_determine(actor=personas.ministry, assessment=ev.bekasi)


def test_band_and_cluster_names_follow_the_readers_language(client, personas, evaluation):
    determine(personas, evaluation)
    publish(personas, "evaluation")
    evaluation.bekasi.refresh_from_db()
    band = evaluation.bekasi.final_band
    assert band is not None
    # The small test instrument names only its lowest band in English; KLA 2024 names all.
    type(band).objects.filter(pk=band.pk).update(name_en="Child-Friendly Regency")
    band.refresh_from_db()
    with translation.override("id"):
        indonesian = page(client)
    assert f'ok">{band.name}<' in indonesian and band.name_en not in indonesian
    with translation.override("en"):
        client.post(reverse("accounts:set_language"), {"language": "en", "next": "/"})
        english = page(client)
        province = page(client, reverse("portal:province", args=["32"]))
    assert f'ok">{band.name_en}<' in english and f'ok">{band.name}<' not in english
    assert f'ok">{band.name_en}<' in province
