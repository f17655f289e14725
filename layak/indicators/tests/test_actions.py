"""Entering values: checks, validation rules, scope, audit, targets and publication, prefill."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from django.utils import translation

from layak.audit.models import AuditEntry
from layak.indicators import actions
from layak.indicators.models import DataValue, Publication
from layak.indicators.prefill import prefill_for
from layak.indicators.tests.helpers import definitions, indicator, office, put, stored
from layak.regions.models import Region

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(english):
    """Messages are compared in English."""


@pytest.fixture
def defs(personas):
    return definitions()


def row(element="births", region="32.16", period="2024", value="10", **extra):
    return {"element": element, "region": region, "period": period, "value": value, **extra}


def run(actor, rows, mode=actions.Mode.ALL_OR_NOTHING, dry_run=False):
    return actions.import_rows(actor=actor, rows=rows, mode=mode, dry_run=dry_run)


def messages(result):
    return [p.message for p in result.errors]


def test_values_are_checked(personas, defs):
    admin = personas.bekasi_admin
    cases = [
        (row(value="-1"), "at least 0"),
        (row(value="abc"), "not a number"),
        (row(value="1.234"), "could mean 1234"),
        (row(value="1.255"), "could mean 1255"),
        (row(value="0.125"), "2 decimal places"),
        (row(value="1250.5"), "write a whole number (1,250.5 is not)"),
        (row(period="2024Q1"), "written like 2025"),
        (row(period="2099"), "not started"),
        (row(region="32.16.09"), "entered per district"),
        (
            row(element="children", disaggregation="age=1-5"),
            "must name Jenis kelamin (sex=M for Laki-laki",
        ),
        (row(element="children", disaggregation="sex=X"), "not an option"),
        (row(disaggregation="sex=F"), "not broken down"),
        (row(element="nope"), "No active data element"),
        (row(region="99.99"), "No region"),
        ({"element": "births", "region": "32.16", "period": "2024"}, "required"),
    ]
    for data, expected in cases:
        result = run(admin, [data])
        assert any(expected in m for m in messages(result)), (data, messages(result))
        assert not result.applied
    assert not DataValue.objects.exists()


def test_element_bounds(personas, defs):
    births = defs["births"]
    births.max_value = D(100)
    births.save()
    assert "at most 100" in messages(run(personas.bekasi_admin, [row(value="101")]))[0]
    births.max_value = D(1_250_000)
    births.save()
    with translation.override("id"):
        got = messages(run(personas.bekasi_admin, [row(value="1250001")]))[0]
    assert got == "Nilai tidak boleh lebih dari 1.250.000."


def test_validation_rule_against_stored_and_pending_values(personas, defs):
    admin = personas.bekasi_admin
    put(admin, "births", "32.16", "2024", 1000)
    result = run(admin, [row(element="births_facility", value="1001")])
    assert "Persalinan di faskes" in messages(result)[0]
    # Raising the births in the same input makes it valid.
    result = run(admin, [row(value="1200"), row(element="births_facility", value="1001")])
    assert result.applied and result.created == 1 and result.updated == 1
    # And lowering births below the facility births now breaks the rule from the other side.
    assert messages(run(admin, [row(value="900")]))


def test_rule_compares_the_same_disaggregation(personas, defs):
    admin = personas.bekasi_admin
    put(admin, "children", "32.16", "2024", 500, "sex=F")
    put(admin, "children", "32.16", "2024", 520, "sex=M")
    ok = run(admin, [row(element="birth_certificates", value="510", disaggregation="sex=M")])
    assert ok.applied
    bad = run(admin, [row(element="birth_certificates", value="510", disaggregation="sex=F")])
    assert not bad.applied and "Akta kelahiran" in messages(bad)[0]


def test_office_operator_enters_for_the_own_office_in_the_own_district(personas, defs):
    dinkes = personas.bekasi_dinkes
    result = run(dinkes, [row()])
    assert result.applied
    value = DataValue.objects.get()
    assert value.organisation == office()
    other = run(dinkes, [row(period="2023", organisation="Disdukcapil")])
    assert "own office" in messages(other)[0]
    gunung_mas = run(dinkes, [row(region="62.10")])
    assert "cannot enter data" in messages(gunung_mas)[0]


@pytest.mark.parametrize(
    "who", ["gunungmas.admin", "bekasi.regent", "bekasi.partner", "bekasi.forum", "verifier.jabar"]
)
def test_others_cannot_write_bekasi(personas, defs, who):
    result = run(personas[who], [row()])
    assert "cannot enter data" in messages(result)[0]
    assert not DataValue.objects.exists()


def test_changes_are_audited_and_cleared_values_kept(personas, defs):
    admin = personas.bekasi_admin
    put(admin, "births", "32.16", "2024", 1000)
    put(admin, "births", "32.16", "2024", 1100)
    value = DataValue.objects.get()
    births = defs["births"]
    region = Region.objects.get(code="32.16")
    result = actions.apply_entries(
        actor=admin,
        entries=[actions.Entry(0, births, region, "2024", "", None)],
    )
    assert result.removed == 1
    value.refresh_from_db()
    assert not value.is_active and value.value == D(1100)
    # Entering it is audited once for its batch; every change to it on its own.
    assert value.batch is not None and value.batch.actor == admin
    assert AuditEntry.objects.for_object(value.batch).get().action == "indicators.values_entered"
    entries = AuditEntry.objects.for_object(value).order_by("pk")
    assert [e.action for e in entries] == [
        "indicators.value_changed",
        "indicators.value_removed",
    ]
    assert entries[0].before["value"] == "1000.00" and entries[0].after["value"] == "1100.00"
    # Entering it again brings the same row back.
    put(admin, "births", "32.16", "2024", 1200)
    assert DataValue.objects.get().is_active and DataValue.objects.count() == 1


def test_publish_and_unpublish_are_for_the_secretariat_and_audited(personas, defs):
    bekasi = Region.objects.get(code="32.16")
    coverage = indicator("birth_certificate_coverage")
    for who in ("bekasi.dinkes", "bekasi.regent", "gunungmas.admin"):
        with pytest.raises(actions.IndicatorDataError):
            actions.publish(actor=personas[who], region=bekasi, indicator=coverage, year=2024)
    for sex in ("F", "M"):  # a figure without a value is not published
        put(personas.bekasi_admin, "children", "32.16", "2024", 1000, f"sex={sex}")
        put(personas.bekasi_admin, "birth_certificates", "32.16", "2024", 900, f"sex={sex}")
    actions.publish(
        actor=personas.bekasi_admin,
        region=bekasi,
        indicator=coverage,
        year=2024,
        confirm_partial=True,
    )
    with pytest.raises(actions.IndicatorDataError):
        actions.publish(
            actor=personas.bekasi_admin,
            region=bekasi,
            indicator=coverage,
            year=2024,
            confirm_partial=True,
        )
    actions.unpublish(actor=personas.bekasi_admin, region=bekasi, indicator=coverage, year=2024)
    publication = Publication.objects.get()
    assert not publication.is_active
    assert list(
        AuditEntry.objects.filter(action__startswith="indicators.")
        .exclude(action="indicators.values_entered")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["indicators.published", "indicators.unpublished"]


def test_target(personas, defs):
    bekasi = Region.objects.get(code="32.16")
    coverage = indicator("birth_certificate_coverage")
    target = actions.target_set(
        actor=personas.bekasi_admin, region=bekasi, indicator=coverage, year=2025, value=D(95)
    )
    assert target.value == D(95)
    with pytest.raises(actions.IndicatorDataError):
        actions.target_set(
            actor=personas.bekasi_dinkes, region=bekasi, indicator=coverage, year=2025, value=D(1)
        )


def test_prefill(personas, defs):
    admin = personas.bekasi_admin
    bekasi = Region.objects.get(code="32.16")
    assert prefill_for("K3-12.1", bekasi, 2024) is None
    put(admin, "births", "32.16", "2024", 800)
    put(admin, "births_facility", "32.16", "2024", 776)
    prefill = prefill_for("K3-12.1", bekasi, 2024)
    assert prefill is not None
    value, url = prefill
    assert value == D("97.00")
    assert url == "/data/?region=32.16&year=2024"
    assert prefill_for("K9-99.9", bekasi, 2024) is None
    assert stored("births", "32.16", "2024") == D(800)
