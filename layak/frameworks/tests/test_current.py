"""Which instrument is the current KLA instrument: the latest published KLA 2024 version, or the
older example of the 24 indicators while no KLA 2024 version is published; and the RAD KLA, the
partners' clusters and the AFSE events all follow it."""

from __future__ import annotations

import pytest

from layak.afse.models import current_indicators
from layak.frameworks.actions import bundled_load, version_publish
from layak.frameworks.current import current_kla_version
from layak.frameworks.models import InstrumentVersion
from layak.frameworks.spec import build_version
from layak.partners import clusters
from layak.plans import actions as plans
from layak.testing import small_spec

pytestmark = pytest.mark.django_db


def published(personas, code: str) -> InstrumentVersion:
    return version_publish(actor=personas.ministry, version=build_version(small_spec(code)))


def test_without_a_published_kla_instrument_there_is_none(personas):
    build_version(small_spec("kla2024"))  # a draft only
    published(personas, "unicef-cfci")  # another framework
    assert current_kla_version() is None
    with pytest.raises(plans.PlanError, match="Belum ada instrumen KLA"):
        plans.current_version()


def test_the_latest_published_kla_2024_version_is_current(personas):
    older = published(personas, "kla24")
    assert current_kla_version() == older  # the example stands in while KLA 2024 is missing
    draft = build_version(small_spec("kla2024"))
    assert current_kla_version() == older  # a draft is not in force
    first = version_publish(actor=personas.ministry, version=draft)
    assert current_kla_version() == first
    # The ministry publishes its official workbook as a new version: it replaces the first.
    second = published(personas, "kla2024")
    assert second.number > first.number
    assert current_kla_version() == second
    # A newer version of the older example does not take over.
    published(personas, "kla24")
    assert current_kla_version() == second
    # Every consumer links to the same version.
    assert plans.current_version() == second
    assert clusters.current_version() == second
    assert {i.version_id for i in current_indicators()} == {second.pk}
    assert {g.version_id for g in clusters.clusters()} == {second.pk}


def test_with_the_bundled_frameworks_kla_2024_is_current(personas):
    bundled_load()
    version = current_kla_version()
    assert version is not None and version.framework.code == "kla2024"
    # KLA 2024 keeps the indicator codes of Perpres 25/2021 (KL-1 … K4-20), splits the special
    # protection indicators (K5-21A …) and adds the kecamatan and village ones (KD-25, KD-26).
    codes = set(current_indicators().values_list("code", flat=True))
    assert {"KL-1", "KL-2", "K1-4", "K3-17", "K4-20", "K5-21B", "KD-25", "KD-26"} <= codes
    assert len(codes) == 31
    assert [g.code for g in clusters.clusters()] == ["KL", "K1", "K2", "K3", "K4", "K5", "KD"]
