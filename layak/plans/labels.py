"""The words for the RAD KLA's audit actions (``layak.audit.display``)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Choice, Custom, Number, Parts, Text, fields_of, number, register
from layak.plans.models import PlanItem, PlanYear, ProgressEntry


def _years(value: Any) -> str:
    """An item's targets and budgets per year: ``{"2026": {"target": …, "apbd": …}}``."""
    if not isinstance(value, dict):
        return str(value)
    labels = {name: f.verbose_name for name, f in ((f.name, f) for f in PlanYear._meta.fields)}
    return "; ".join(
        f"{year}: "
        + ", ".join(
            f"{labels.get(k, k)} {number(v) if v not in (None, '') else '—'}"
            for k, v in row.items()
        )
        for year, row in value.items()
        if isinstance(row, dict)
    )


ENTRY = ("output", "budget", "done", "planned", "obstacles")

register(
    actions={
        "plan.created": _("Action plan created"),
        "plan.updated": _("Action plan changed"),
    },
    fields={"years": Text(_("years"))},
)
register(
    actions={
        "plan.item_saved": _("Plan item saved"),
        "plan.item_removed": _("Plan item removed"),
    },
    fields={
        "ref": Text(_("reference")),
        "level": Choice(_("level"), PlanItem.Level),
        "parent": Text(_("under")),
        "indicator": Text(_("indicator")),
        "responsible": Text(_("responsible office")),
        "baseline": Number(_("baseline")),
        "years": Custom(_("targets and budgets"), _years),
    },
)
register(
    actions={"plan.district_budget_set": _("District budget set")},
    fields={"total": Number(_("total"), places=0)},
)
register(
    actions={
        "plan.report_created": _("Progress report started"),
        "plan.report_submitted": _("Progress report submitted"),
        "plan.report_accepted": _("Progress report accepted"),
        "plan.report_returned": _("Progress report returned"),
    },
    fields={"office": Text(_("office")), "period": Number(_("period"), places=0)},
)
register(
    actions={"plan.report_saved": _("Progress report saved")},
    # Each key is a plan item's reference; its value what was reported for it.
    fields={"*": Parts(None, fields_of(ProgressEntry, *ENTRY))},
)
register(
    actions={
        "plan.workbook_uploaded": _("Plan workbook uploaded"),
        "plan.imported": _("Plan workbook applied"),
    },
    fields={
        "import": Text(_("import")),
        "created": Number(_("items added"), places=0),
        "changed": Number(_("items changed"), places=0),
        "removed": Number(_("items removed"), places=0),
        "removed_refs": Text(_("items removed")),
    },
)
