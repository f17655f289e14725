"""Shared test data: the national definitions, and a quick way to store values."""

from __future__ import annotations

from decimal import Decimal

from layak.accounts.models import User
from layak.indicators import actions
from layak.indicators.definitions import ensure_definitions
from layak.indicators.models import DataElement, DataValue, Indicator
from layak.organisations.models import Organisation


def definitions() -> dict[str, DataElement]:
    return ensure_definitions()


def indicator(code: str) -> Indicator:
    return Indicator.objects.select_related("numerator", "denominator").get(code=code)


def office(name: str = "Dinas Kesehatan Kabupaten Bekasi") -> Organisation:
    return Organisation.objects.get(name=name)


def put(
    actor: User,
    element: str,
    region: str,
    period: str,
    value: int | str,
    disaggregation: str = "",
    organisation: Organisation | None = None,
) -> actions.Result:
    """Store one value through the import entry point (refusing on any problem)."""
    result = actions.import_rows(
        actor=actor,
        rows=[
            {
                "element": element,
                "region": region,
                "period": period,
                "disaggregation": disaggregation,
                "value": str(value),
                "organisation": organisation.name if organisation else "",
            }
        ],
        mode=actions.Mode.ALL_OR_NOTHING,
        dry_run=False,
    )
    assert not result.errors, [p.message for p in result.errors]
    return result


def stored(element: str, region: str, period: str, disaggregation: str = "") -> Decimal | None:
    value = DataValue.objects.filter(
        element__code=element,
        region__code=region,
        period=period,
        disaggregation=disaggregation,
        is_active=True,
    ).first()
    return value.value if value else None
