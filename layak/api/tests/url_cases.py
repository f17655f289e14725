"""URL cases of the programme API for the URL x role matrix (layak/core/tests/test_url_matrix.py).

The rows are those of the other apps' setups (they run first): the task force decree
"MATRIX/SK/2024" with its meeting, the plan "RAD KLA Uji" with a draft report of Dinas Kesehatan
Kabupaten Bekasi, PT Sinar Cikarang Sejahtera's submitted commitment with a draft contribution,
a Dinkes AFSE event and a proposal of Forum Anak Kabupaten Bekasi. The matrix signs in with the
session; anonymous requests get 401. Tokens, bodies and audit entries are tested in
layak/api/tests/test_programme_api.py.
"""

from __future__ import annotations

from layak.api import dhis2_ids as ids
from layak.core.tests.matrix import SIGNED_IN, Case
from layak.testing import Personas

GM_404 = {"gunungmas.admin": 404}
BEKASI_VALUES = {
    "dataElement": "births",
    "period": "2025",
    "orgUnit": "32.16",
    "idScheme": "CODE",
}
OLD_VALUE = {"de": "births", "pe": "1999", "ou": "32.16", "idScheme": "CODE"}
# The Dinkes progress report: the office, the secretariat and those above it read it; other
# organisations get 404; only Dinkes, the secretariat and the ministry write it.
REPORT_VIEW = GM_404 | {"bekasi.partner": 404, "bekasi.forum": 404}
REPORT_WRITE = {r: 403 for r in SIGNED_IN} | REPORT_VIEW
# The Bekasi partner's records: offices and the forum never see them.
PARTNER_WRITE = {r: 403 for r in SIGNED_IN} | {
    "bekasi.dinkes": 404,
    "bekasi.forum": 404,
    "gunungmas.admin": 404,
}
# Involvement totals: region-wide readers only.
TOTALS = {
    "bekasi.dinkes": 403,
    "bekasi.partner": 403,
    "bekasi.forum": 403,
    "gunungmas.admin": 404,
}


def decree(p: Personas) -> dict[str, object]:
    from layak.taskforce.models import Decree

    return {"pk": Decree.objects.get(number="MATRIX/SK/2024").pk}


def meeting(p: Personas) -> dict[str, object]:
    from layak.taskforce.models import Meeting

    return {"pk": Meeting.objects.get(title="Rapat Koordinasi Matriks").pk}


def _plan():
    from layak.plans.models import Plan

    return Plan.objects.get(title="RAD KLA Uji")


def plan(p: Personas) -> dict[str, object]:
    return {"pk": _plan().pk}


def report(p: Personas) -> dict[str, object]:
    return {"pk": _plan().reports.get().pk}


def report_entries(p: Personas) -> dict[str, object]:
    entry = _plan().reports.get().entries.get()
    return {"entries": [{"id": entry.pk, "output": "12", "done": "Akta di RSUD"}]}


def commitment(p: Personas) -> dict[str, object]:
    from layak.partners.models import Commitment

    return {"pk": Commitment.objects.get(title="Matrix: posyandu").pk}


def contribution(p: Personas) -> dict[str, object]:
    from layak.partners.models import Contribution

    return {"pk": Contribution.objects.get(commitment__title="Matrix: posyandu").pk}


def event(p: Personas) -> dict[str, object]:
    from layak.afse.models import Event
    from layak.afse.tests.url_cases import TOPIC

    return {"pk": Event.objects.get(topic=TOPIC).pk}


CASES: dict[str, Case] = {
    # What waits for the caller: every signed-in person reads their own list.
    "api-1:me_actions": Case(anon=401),
    "api-1:taskforce_decrees": Case(anon=401),
    "api-1:taskforce_decree": Case(kwargs=decree, anon=401, only=GM_404),
    "api-1:taskforce_meetings": Case(anon=401),
    "api-1:taskforce_meeting": Case(kwargs=meeting, anon=401, only=GM_404),
    "api-1:taskforce_follow_ups": Case(anon=401),
    "api-1:plans": Case(anon=401),
    "api-1:plan": Case(kwargs=plan, anon=401, only=GM_404),
    "api-1:plan_progress": Case(kwargs=plan, anon=401, only=GM_404),
    "api-1:plan_budget": Case(kwargs=plan, anon=401, only=GM_404),
    "api-1:progress_reports": Case(anon=401),
    "api-1:progress_report": Case(kwargs=report, anon=401, only=REPORT_VIEW),
    "api-1:progress_report_save": Case(
        method="put",
        kwargs=report,
        data=report_entries,
        anon=401,
        only=REPORT_WRITE | {"ministry": 200, "bekasi.admin": 200, "bekasi.dinkes": 200},
    ),
    # Nobody has entered the output realised yet, so the writers' submission is refused.
    "api-1:progress_report_submit": Case(
        method="post",
        kwargs=report,
        anon=401,
        only=REPORT_WRITE | {"ministry": 422, "bekasi.admin": 422, "bekasi.dinkes": 422},
    ),
    "api-1:partners": Case(anon=401),
    "api-1:partner_commitments": Case(anon=401),
    "api-1:partner_contributions": Case(anon=401),
    # The matrix posts a form, not the JSON body: 400 (body not readable) before anything is
    # looked up. Who may create what is tested in test_programme_api.py.
    "api-1:partner_commitment_create": Case(method="post", anon=401, signed_in=400),
    "api-1:partner_contribution_create": Case(method="post", anon=401, signed_in=400),
    # The commitment is already submitted: its writers are refused.
    "api-1:partner_commitment_submit": Case(
        method="post",
        kwargs=commitment,
        anon=401,
        only=PARTNER_WRITE | {"ministry": 422, "bekasi.admin": 422, "bekasi.partner": 422},
    ),
    # The draft contribution: the first writer (the ministry) submits it, the next are refused.
    "api-1:partner_contribution_submit": Case(
        method="post",
        kwargs=contribution,
        anon=401,
        only=PARTNER_WRITE | {"ministry": 200, "bekasi.admin": 422, "bekasi.partner": 422},
    ),
    "api-1:partner_totals": Case(data={"region": "32.16", "year": "2026"}, anon=401, only=TOTALS),
    "api-1:afse_events": Case(anon=401),
    "api-1:afse_event": Case(kwargs=event, anon=401, only=GM_404),
    "api-1:participation_forums": Case(anon=401),
    "api-1:participation_proposals": Case(anon=401),
    # Indicator data values in bulk (the body must be JSON: a form gives 400).
    "api-1:data_values": Case(anon=401),
    "api-1:data_values_import": Case(method="post", anon=401, signed_in=400),
    # The DHIS2-style API (layak/api/dhis2.py): Bekasi's values and organisation unit are read
    # by everyone reaching Bekasi; definitions by everyone signed in; a job only by its owner.
    "dhis2:data_value_sets": Case(data=BEKASI_VALUES, anon=401, only=GM_404),
    # No value of 1999 exists: the read says so.
    "dhis2:data_values": Case(data=OLD_VALUE, anon=401, signed_in=404),
    "dhis2:data_elements": Case(anon=401),
    "dhis2:data_element": Case(kwargs=lambda p: {"uid": ids.element_uid("births")}, anon=401),
    "dhis2:category_option_combos": Case(anon=401),
    "dhis2:category_option_combo": Case(kwargs=lambda p: {"uid": ids.DEFAULT_COMBO}, anon=401),
    "dhis2:data_sets": Case(anon=401),
    "dhis2:data_set": Case(kwargs=lambda p: {"uid": ids.data_set_uid("K3_YEARLY")}, anon=401),
    "dhis2:organisation_units": Case(anon=401),
    "dhis2:organisation_unit": Case(
        kwargs=lambda p: {"uid": ids.region_uid("32.16")}, anon=401, only=GM_404
    ),
    "dhis2:me": Case(anon=401),
    "dhis2:task": Case(kwargs=lambda p: {"uid": ids.job_uid(0)}, anon=401, signed_in=404),
    "dhis2:task_summary": Case(kwargs=lambda p: {"uid": ids.job_uid(0)}, anon=401, signed_in=404),
}


def setup(personas: Personas) -> None:
    """Rows the cases need: the other apps' setups have made them all."""
