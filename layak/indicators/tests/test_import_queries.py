"""The look-ups of an import send their many codes and ids as one array each
(``writing.among``, ``writing._stored``): every text arrives as it was written."""

from __future__ import annotations

import pytest

from layak.indicators.writing import _numbers, _texts, among
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


def test_codes_are_matched_exactly_whatever_they_hold(personas):
    odd = ['x"y', "a\\b", "a,b", "{}", "", " 32.16", "NULL", "32.16 "]
    found = Region.objects.filter(among(Region, "code", ["32.16", *odd], "text"))
    assert [r.code for r in found] == ["32.16"]
    assert not Region.objects.filter(among(Region, "code", odd, "text")).exists()
    ids = list(Region.objects.filter(code__in=["32.16", "32"]).values_list("pk", flat=True))
    found = Region.objects.filter(among(Region, "id", ids, "bigint"))
    assert sorted(r.pk for r in found) == sorted(ids)


def test_array_literals():
    assert _numbers([1, 22, 333]) == "{1,22,333}"
    assert _numbers([]) == "{}"
    assert _texts(["2025", 'a"b', "c\\d", "2025"]) == '{"2025","a\\"b","c\\\\d","2025"}'
