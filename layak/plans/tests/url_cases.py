"""URL cases of the RAD KLA for the URL x role matrix (see layak/core/tests/test_url_matrix.py)."""

from __future__ import annotations

from io import BytesIO

from django.core.files.uploadedfile import SimpleUploadedFile

from layak.core.tests.matrix import SIGNED_IN, Case, as_post
from layak.testing import Personas

GM_404 = {"gunungmas.admin": 404}
# Everyone with a reach over Bekasi reads its plan.
VIEW = GM_404
EDIT = {r: 403 for r in SIGNED_IN} | {"ministry": 200, "bekasi.admin": 200} | GM_404
# The Dinkes report: the office, the secretariat and those above it; other organisations 404.
REPORT_VIEW = GM_404 | {"bekasi.partner": 404, "bekasi.forum": 404}
REVIEW = {r: 403 for r in SIGNED_IN} | {"ministry": 302, "bekasi.admin": 302} | REPORT_VIEW


def _plan():
    from layak.plans.models import Plan

    return Plan.objects.get(title="RAD KLA Uji")


def plan(p: Personas) -> dict[str, object]:
    return {"pk": _plan().pk}


def item(p: Personas) -> dict[str, object]:
    return {"pk": _plan().items.get(ref="P1.A1.S2").pk}


def leaf(p: Personas) -> dict[str, object]:
    """An item each writer takes out in turn (a second removal is refused with a message)."""
    return {"pk": _plan().items.get(ref="P2").pk}


def plan_import(p: Personas) -> dict[str, object]:
    return {"pk": _plan().imports.get().pk}


def attachment(p: Personas) -> dict[str, object]:
    from layak.evidence.models import Attachment

    return {"pk": Attachment.objects.get(caption="Perbup RAD KLA").pk}


def report(p: Personas) -> dict[str, object]:
    return {"pk": _plan().reports.get().pk}


CASES: dict[str, Case] = {
    "plans:list": Case(),
    "plans:create": Case(
        only={r: 404 for r in SIGNED_IN} | {"bekasi.admin": 200, "gunungmas.admin": 200}
    ),
    "plans:detail": Case(kwargs=plan, only=VIEW),
    "plans:edit": Case(kwargs=plan, only=EDIT),
    "plans:item_add": Case(kwargs=plan, only=EDIT),
    "plans:item_edit": Case(kwargs=item, only=EDIT),
    "plans:item_remove": Case(method="post", kwargs=leaf, only=as_post(EDIT)),
    "plans:template": Case(kwargs=plan, only=VIEW),
    "plans:export": Case(kwargs=plan, only=VIEW),
    "plans:import": Case(kwargs=plan, only=EDIT),
    "plans:import_detail": Case(kwargs=plan_import, only=EDIT),
    "plans:import_apply": Case(method="post", kwargs=plan_import, only=as_post(EDIT)),
    "plans:reports": Case(),
    "plans:report_create": Case(
        method="post",
        kwargs=plan,
        data=lambda p: {
            "organisation": _plan().items.get(ref="P1.A1.S2").responsible_id,
            "year": 2025,
            "period": 1,
        },
        only={r: 302 for r in SIGNED_IN}
        | {"verifier.jabar": 403, "assessor": 403, "bekasi.regent": 403}
        | GM_404,
    ),
    "plans:report": Case(kwargs=report, only=REPORT_VIEW),
    "plans:report_review": Case(method="post", kwargs=report, only=REVIEW),
    "plans:budget": Case(kwargs=plan, only=VIEW),
    # Attachments of any record, here of the plan: seen with it, changed by who edits it.
    "evidence:attachment_add": Case(
        method="post",
        data=lambda p: {"owner": "plans.plan", "object": _plan().pk},
        only=as_post(EDIT),
    ),
    "evidence:attachment_remove": Case(method="post", kwargs=attachment, only=as_post(EDIT)),
    "evidence:attachment_download": Case(kwargs=attachment, only=VIEW),
}


def setup(personas: Personas) -> None:
    from layak.plans import actions, workbook
    from layak.plans.tests.helpers import make_plan

    world = make_plan(personas)
    actions.report_create(
        actor=personas.bekasi_dinkes,
        plan=world.plan,
        organisation=world.dinkes,
        year=2025,
        period=1,
    )
    from layak.evidence.attachments import attachment_add

    attachment_add(
        actor=personas.bekasi_admin,
        owner=world.plan,
        data=BytesIO(b"%PDF-1.4\n% perbup\n%%EOF\n"),
        name="perbup.pdf",
        size=24,
        caption="Perbup RAD KLA",
    )
    data = workbook.export_workbook(world.plan)
    workbook.check_upload(
        actor=personas.bekasi_admin,
        plan=world.plan,
        data=SimpleUploadedFile("rad.xlsx", BytesIO(data).getvalue()),
        name="rad.xlsx",
    )
