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


def test_regions_are_read_as_a_query_reads_them(personas):
    from django.forms.models import model_to_dict

    from layak.indicators.lookups import _regions

    codes = {"32.16", "32.16.01", "62.10", "nope"}
    got = sorted(_regions(codes), key=lambda r: r.code)
    want = list(Region.objects.filter(code__in=codes).order_by("code"))
    assert [r.code for r in got] == ["32.16", "32.16.01", "62.10"]
    assert [model_to_dict(r) | {"path": r.path} for r in got] == [
        model_to_dict(r) | {"path": r.path} for r in want
    ]
    assert all(r.pk and not r._state.adding and r._state.db == "default" for r in got)
