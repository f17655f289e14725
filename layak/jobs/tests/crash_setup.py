"""Prepares the crash test's own database (run in a subprocess by test_crash.py): the demo
people, a RAD KLA, a checked workbook adding ``ROWS`` programmes, and its import queued as a
job for the worker. Prints the ids the test follows."""

from __future__ import annotations

import json
from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from layak.jobs import runner
from layak.plans import workbook
from layak.plans.tests.helpers import make_plan
from layak.testing import make_personas

ROWS = 300


def main() -> None:
    personas = make_personas()
    world = make_plan(personas)
    wb = load_workbook(BytesIO(workbook.export_workbook(world.plan)))
    ws = wb["RAD"]
    for n in range(ROWS):
        ws.append(
            [f"X{n}", "", "programme", "K1-4", "", f"Program uji {n}", "Dinkes", "", "Akta", "akta"]
        )
    out = BytesIO()
    wb.save(out)
    upload = SimpleUploadedFile("besar.xlsx", out.getvalue())
    imp = workbook.check_upload(
        actor=personas.bekasi_admin, plan=world.plan, data=upload, name="besar.xlsx"
    )
    assert imp.status == "checked", imp.errors
    job = runner.start(
        actor=personas.bekasi_admin,
        kind="plan_import_apply",
        label="Impor besar",
        params={"import": imp.pk},
        region=world.plan.region,
    )
    before = world.plan.items.filter(is_active=True).count()
    print(json.dumps({"job": job.pk, "plan": world.plan.pk, "import": imp.pk, "before": before}))
