"""The reports Layak makes, each a background job (handlers in ``layak.reports.jobs``)."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from layak.reports import forms


@dataclass(frozen=True)
class Kind:
    slug: str  # in the URL
    job: str  # the job kind
    title: str | Promise
    description: str | Promise
    format: str  # "PDF" or "XLSX"
    form: type[forms.ReportForm]


KINDS: list[Kind] = [
    Kind(
        "self_assessment",
        "report_self_assessment",
        _("Self-assessment report"),
        _(
            "The district's evaluation: total, predicate and stage, scores by cluster and "
            "stage, the gap analysis and the index of documents per question."
        ),
        "PDF",
        forms.SelfAssessmentForm,
    ),
    Kind(
        "verification",
        "report_verification",
        _("Province verification report"),
        _(
            "The province's regencies and cities with their scores at each stage, and every "
            "score the province adjusted with its reason."
        ),
        "PDF",
        forms.VerificationForm,
    ),
    Kind(
        "rad_progress",
        "report_rad_progress",
        _("RAD KLA progress report"),
        _(
            "A year of the action plan: items, targets, what accepted reports realised, items "
            "behind, and the budget planned and realised per cluster."
        ),
        "PDF",
        forms.PlanYearForm,
    ),
    Kind(
        "answers",
        "report_answers_xlsx",
        _("Answers and scores"),
        _(
            "Every answer of an evaluation with its points at each stage, and the totals per "
            "district and cluster."
        ),
        "XLSX",
        forms.AnswersForm,
    ),
    Kind(
        "rad",
        "report_rad_xlsx",
        _("RAD KLA with progress"),
        _(
            "The action plan's items with their targets and budgets for every year and what "
            "accepted reports realised."
        ),
        "XLSX",
        forms.PlanWorkbookForm,
    ),
    Kind(
        "partners",
        "report_partners_xlsx",
        _("Partner contributions"),
        _(
            "The year's contributions of community organisations, business and media, with "
            "their status, and the involvement totals per partner kind and cluster."
        ),
        "XLSX",
        forms.PartnersForm,
    ),
    Kind(
        "indicator_values",
        "report_indicator_values_xlsx",
        _("Indicator data"),
        _("The year's data values of the district and its kecamatan and villages."),
        "XLSX",
        forms.IndicatorValuesForm,
    ),
]
BY_SLUG = {k.slug: k for k in KINDS}
