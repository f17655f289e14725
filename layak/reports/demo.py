"""Demo reports: each district's secretariat has already asked for the self-assessment report
of its determined evaluation ("Evaluasi KLA 2025"), so "My jobs" shows a finished report.

Idempotent: ``report_request`` hands back the existing job while the data are unchanged. Run it
after the evaluation's demo (``layak.evaluation.demo``); the job runs in the worker."""

from __future__ import annotations

from layak.accounts.models import User
from layak.evaluation.models import Assessment
from layak.reports import actions, forms
from layak.reports.kinds import BY_SLUG

SECRETARIATS = {"32.16": "bekasi.admin@demo.layak.id", "62.10": "gunungmas.admin@demo.layak.id"}


def seed_demo() -> None:
    kind = BY_SLUG["self_assessment"]
    for code, email in SECRETARIATS.items():
        user = User.objects.filter(email=email).first()
        assessment = (
            Assessment.objects.filter(region__code=code, cycle__name="Evaluasi KLA 2025")
            .select_related("region", "cycle")
            .first()
        )
        if user is None or assessment is None:
            continue
        form = forms.SelfAssessmentForm(user, {"assessment": assessment.pk})
        if form.is_valid() and form.target is not None:
            actions.report_request(actor=user, kind=kind, target=form.target)
