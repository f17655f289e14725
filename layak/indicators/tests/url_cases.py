"""URL cases of indicator data for the URL x role matrix (see core/tests/test_url_matrix.py)."""

from __future__ import annotations

from collections.abc import Callable

from django.core.files.uploadedfile import SimpleUploadedFile

from layak.core.tests.matrix import SIGNED_IN, Case, as_post
from layak.testing import Personas

GM_404 = {"gunungmas.admin": 404}
# Indicator data is the district's: everyone with a reach over Bekasi reads it.
VIEW = GM_404
# Entering: the secretariat, any office operator of the district, and the ministry.
ENTER = {r: 403 for r in SIGNED_IN} | {"ministry": 200, "bekasi.admin": 200, "bekasi.dinkes": 200}
# Targets and publication: the secretariat (and the ministry).
MANAGE = {r: 403 for r in SIGNED_IN} | {"ministry": 200, "bekasi.admin": 200} | GM_404
# National definitions: the ministry only.
DEFINE = {r: 403 for r in SIGNED_IN} | {"ministry": 200}


def definition(model: str, **lookup: str) -> Callable[[Personas], dict[str, object]]:
    def kwargs(p: Personas) -> dict[str, object]:
        from django.apps import apps

        return {"pk": apps.get_model("indicators", model).objects.get(**lookup).pk}

    return kwargs


def data_import(p: Personas) -> dict[str, object]:
    from layak.indicators.models import DataImport

    return {"pk": DataImport.objects.get(name="matrix.csv").pk}


def stored_value(p: Personas) -> dict[str, object]:
    from layak.indicators.models import DataValue

    return {"pk": DataValue.objects.get(element__code="births", region__code="32.16").pk}


CASES: dict[str, Case] = {
    "indicators:indicators": Case(data={"region": "32.16", "year": "2024"}, only=VIEW),
    "indicators:elements": Case(),
    "indicators:element": Case(
        kwargs=lambda p: {"code": "births"}, data={"region": "32.16"}, only=VIEW
    ),
    "indicators:entry": Case(data={"area": "32.16", "period": "2024"}, only=ENTER | GM_404),
    "indicators:imports": Case(only=ENTER | {"gunungmas.admin": 200}),
    "indicators:import_template": Case(),
    "indicators:import": Case(kwargs=data_import, only=ENTER | GM_404),
    "indicators:import_apply": Case(
        method="post", kwargs=data_import, only=as_post(ENTER | GM_404)
    ),
    "indicators:publish": Case(data={"region": "32.16", "year": "2024"}, only=MANAGE),
    "indicators:definitions": Case(),
    "indicators:element_create": Case(only=DEFINE),
    "indicators:element_edit": Case(kwargs=lambda p: {"code": "births"}, only=DEFINE),
    "indicators:indicator_create": Case(only=DEFINE),
    "indicators:indicator_edit": Case(
        kwargs=definition("Indicator", code="facility_births"), only=DEFINE
    ),
    "indicators:rule_create": Case(only=DEFINE),
    "indicators:rule_edit": Case(
        kwargs=definition("ValidationRule", left__code="births_facility"), only=DEFINE
    ),
    "indicators:value": Case(kwargs=stored_value, only=VIEW),
    "indicators:category_create": Case(only=DEFINE),
    "indicators:category_edit": Case(kwargs=definition("Category", code="sex"), only=DEFINE),
}


def setup(personas: Personas) -> None:
    """Rows the cases need, created once per test in the matrix world."""
    from layak.indicators import importfile
    from layak.indicators.definitions import ensure_definitions
    from layak.regions.models import Region

    ensure_definitions()
    imp = importfile.upload(
        actor=personas.bekasi_admin,
        region=Region.objects.get(code="32.16"),
        data=SimpleUploadedFile(
            "matrix.csv", b"element,region,period,value\nbirths,32.16,2024,61250\n"
        ),
        name="matrix.csv",
        mode="all",
    )
    importfile.run(imp, actor=personas.bekasi_admin, apply=False)
    # A value stored in Bekasi, for its history page.
    from layak.indicators import actions

    rows = [{"element": "births", "region": "32.16", "period": "2023", "value": "60100"}]
    actions.import_rows(actor=personas.bekasi_admin, rows=rows, mode="all", dry_run=False)
