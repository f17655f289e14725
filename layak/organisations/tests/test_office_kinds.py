"""The district's office mapping: names in the instruments → office kinds, and each office's
kind; kept for every later cycle, audited, refused outside the district."""

from __future__ import annotations

import pytest

from layak.audit.models import AuditEntry
from layak.frameworks.actions import bundled_load
from layak.organisations.actions import OrganisationError, office_kinds_set
from layak.organisations.models import OfficeNameMapping, Organisation
from layak.organisations.offices import (
    DEFAULT_KINDS,
    instrument_office_names,
    kinds_for,
    suggested_kind,
)
from layak.regions.models import Region
from layak.testing import BEKASI

pytestmark = pytest.mark.django_db
URL = f"/organisations/office-kinds/{BEKASI}/"


def office(name: str) -> Organisation:
    return Organisation.objects.get(name=f"{name} Kabupaten Bekasi")


def test_every_office_the_kla_2024_instrument_names_has_a_default_kind(db):
    bundled_load()

    names = instrument_office_names()
    assert len(names) == 32
    assert set(names) == set(DEFAULT_KINDS)


def test_an_offices_name_suggests_its_kind():
    assert suggested_kind("Dinas Kesehatan Kabupaten Bekasi") == "health"
    assert suggested_kind("Dinas Kependudukan dan Pencatatan Sipil Kabupaten Bekasi") == (
        "civil_registry"
    )
    assert suggested_kind("Sekretariat Daerah Kabupaten Bekasi") == ""


def test_the_page_suggests_kinds_and_saving_keeps_them_with_the_audit(client, personas):
    bundled_load()
    client.force_login(personas.bekasi_admin)
    page = client.get(URL).content.decode()
    assert "Pemetaan perangkat daerah" in page and "UPPA Polres" in page
    assert "diusulkan dari namanya" in page
    dinkes, setda = office("Dinas Kesehatan"), office("Sekretariat Daerah")
    names = [line for line in page.splitlines() if 'name="name-' in line]
    assert names  # one select per name in the instruments
    data = {f"org-{dinkes.pk}": "health", f"org-{setda.pk}": "legal"}
    # Every name keeps its default except "Dinas PU", which this district does not have.

    for i, name in enumerate(instrument_office_names()):
        data[f"name-{i}"] = "" if name == "Dinas PU" else DEFAULT_KINDS[name]
    response = client.post(URL, data)
    assert response.status_code == 302
    dinkes.refresh_from_db()
    setda.refresh_from_db()
    assert (dinkes.office_kind, setda.office_kind) == ("health", "legal")
    region = Region.objects.get(code=BEKASI)
    assert kinds_for(region)["Dinas PU"] == ""
    assert OfficeNameMapping.objects.filter(region=region).count() == 1
    assert AuditEntry.objects.filter(action="office_names.mapped").count() == 1
    assert AuditEntry.objects.filter(action="organisation.changed", object_id=str(dinkes.pk))


def test_an_unknown_kind_is_refused_and_changes_nothing(personas):
    region = Region.objects.get(code=BEKASI)
    dinkes = office("Dinas Kesehatan")
    with pytest.raises(OrganisationError):
        office_kinds_set(
            actor=personas.bekasi_admin,
            region=region,
            names={"Dinkes": "hospital"},
            organisations={dinkes.pk: "health"},
        )
    dinkes.refresh_from_db()
    assert dinkes.office_kind == "" and not OfficeNameMapping.objects.exists()


def test_only_the_districts_administrator_maps_its_offices(client, personas):
    region = Region.objects.get(code=BEKASI)
    with pytest.raises(OrganisationError):
        office_kinds_set(
            actor=personas.gm_admin, region=region, names={"Dinkes": ""}, organisations={}
        )
    client.force_login(personas.gm_admin)
    assert client.get(URL).status_code == 404
    client.force_login(personas.bekasi_dinkes)
    assert client.post(URL, {}).status_code == 403
    assert not OfficeNameMapping.objects.exists()


def test_the_organisation_form_sets_the_office_kind(client, personas):
    client.force_login(personas.bekasi_admin)
    disdik = office("Dinas Pendidikan")
    page = client.get(f"/organisations/{disdik.pk}/edit/").content.decode()
    assert 'name="office_kind"' in page
