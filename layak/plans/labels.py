"""The words for the RAD KLA's audit actions (``layak.audit.display``)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from layak.audit.display import (
    Choice,
    Custom,
    Flag,
    Number,
    Parts,
    Text,
    fields_of,
    number,
    register,
)
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


def _changes(value: Any) -> str:
    """A workbook's changes, cell by cell: "P1.A1: apbd_2025 120.000.000 → 250.000"."""
    from layak.plans.workbook import is_numeric

    if not isinstance(value, list):
        return str(value)
    kinds = {
        "new": _("new item"),
        "restored": _("back in the plan"),
        "removed": _("taken out of the plan"),
    }

    def shown(column: str, v: Any) -> str:
        if v in (None, ""):
            return "—"
        return number(v) if is_numeric(column) else str(v)

    parts = []
    for change in value:
        cells = ", ".join(
            f"{c['column']} {shown(c['column'], c['before'])} → {shown(c['column'], c['after'])}"
            for c in change.get("cells", [])
        )
        kind = kinds.get(change.get("kind", ""), "")
        parts.append(f"{change.get('ref')}: " + "; ".join(p for p in (str(kind), cells) if p))
    return " · ".join(parts) or "—"


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
        "plan.item_removed": _("Plan item taken out of the plan, its reported progress kept"),
    },
    fields={
        "ref": Text(_("reference")),
        "level": Choice(_("level"), PlanItem.Level),
        "parent": Text(_("under")),
        "indicator": Text(_("indicator")),
        "responsible": Text(_("responsible office")),
        "in_plan": Flag(_("in the plan")),
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
        "changes": Custom(_("changes, cell by cell"), _changes),
    },
)
