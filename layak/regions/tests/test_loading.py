from __future__ import annotations

import pytest
from django.db.models import Count

from layak.regions.loading import SourceRegion, load_regions, official_regions
from layak.regions.models import Region
from layak.testing import make_organisation

pytestmark = pytest.mark.django_db


def test_full_tree_counts_match_the_decree():
    result = load_regions(official_regions())
    assert result.created == 38 + 514 + 7285 + 83762
    by_level = dict(Region.objects.values_list("level").annotate(n=Count("pk")))
    assert by_level == {1: 38, 2: 514, 3: 7285, 4: 83762}
    kinds = dict(Region.objects.filter(level=2).values_list("kind").annotate(n=Count("pk")))
    assert kinds == {"kabupaten": 416, "kota": 98}

    bekasi = Region.objects.get(code="32.16")
    assert bekasi.name == "Kabupaten Bekasi"
    assert Region.objects.below(bekasi).filter(level=3).count() == 23
    assert Region.objects.below(bekasi).filter(level=4).count() == 187
    gunung_mas = Region.objects.get(code="62.10")
    assert gunung_mas.name == "Kabupaten Gunung Mas"
    assert gunung_mas.parent is not None and gunung_mas.parent.code == "62"
    assert Region.objects.below(gunung_mas).filter(level=3).count() == 12
    assert Region.objects.below(gunung_mas).filter(level=4).count() == 127

    # A second run changes nothing.
    again = load_regions(official_regions())
    assert (again.created, again.renamed, again.deactivated) == (0, 0, 0)


def test_subtree_path_does_not_match_sibling_prefixes(regions):
    # 32.1 must not select 32.16's subtree; the trailing dot in the path sees to that.
    assert Region.objects.get(code="32.16").path == "32.16."
    west_java = Region.objects.get(code="32")
    assert Region.objects.within(west_java).filter(code="62.10").count() == 0
    assert Region.objects.within(west_java).filter(code="32.16.01").exists()


def test_reload_renames_adds_and_deactivates_without_deleting():
    load_regions(
        [
            SourceRegion("99", "Provinsi Uji", "provinsi"),
            SourceRegion("99.01", "Kabupaten Lama", "kabupaten"),
            SourceRegion("99.02", "Kabupaten Hilang", "kabupaten"),
        ]
    )
    gone = Region.objects.get(code="99.02")
    organisation = make_organisation("99.02", name="Dinas di kabupaten yang dihapus")

    result = load_regions(
        [
            SourceRegion("99", "Provinsi Uji", "provinsi"),
            SourceRegion("99.01", "Kabupaten Baru", "kabupaten"),
            SourceRegion("99.03", "Kota Pemekaran", "kota"),
        ]
    )
    assert (result.created, result.renamed, result.deactivated) == (1, 1, 1)
    assert Region.objects.get(code="99.01").name == "Kabupaten Baru"
    assert Region.objects.get(code="99.03").parent == Region.objects.get(code="99")
    gone.refresh_from_db()
    assert gone.is_active is False
    organisation.refresh_from_db()
    assert organisation.region == gone


def test_search_by_name_and_by_code(regions):
    assert Region.objects.search("3216").first().code == "32.16"
    assert Region.objects.search("32.16.01").first().code == "32.16.01"
    names = set(Region.objects.search("gunung mas").values_list("name", flat=True))
    assert "Kabupaten Gunung Mas" in names
    assert not Region.objects.search("   ").exists()
