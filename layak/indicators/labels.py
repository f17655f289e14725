"""The words for the indicator data's audit actions (``layak.audit.display``)."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from layak.audit.display import Custom, Flag, Number, Omitted, Ref, register
from layak.indicators.models import DataImport


def _options(value: Any) -> str:
    """A category's options, stored as ``[code, name]`` pairs."""
    if not isinstance(value, list):
        return str(value)
    return ", ".join(
        f"{pair[1]} ({pair[0]})" if isinstance(pair, list) and len(pair) == 2 else str(pair)
        for pair in value
    )


register(
    actions={
        "indicators.value_entered": _("Value entered"),
        "indicators.value_changed": _("Value changed"),
        "indicators.value_removed": _("Value removed"),
        "indicators.target_set": _("Target set"),
        "indicators.published": _("Data published"),
        "indicators.unpublished": _("Data withdrawn from publication"),
        "indicators.category_saved": _("Disaggregation category saved"),
        "indicators.element_saved": _("Data element saved"),
        "indicators.indicator_saved": _("Indicator saved"),
        "indicators.rule_saved": _("Validation rule saved"),
        "indicators.import_uploaded": _("Data file uploaded"),
    },
    fields={
        "options": Custom(_("options"), _options),
        "value": Number(_("value")),
        "published": Flag(_("published")),
        "reported": Number(_("reports in"), places=0),
        "expected": Number(_("reports expected"), places=0),
        "partial_confirmed": Flag(_("published as a partial figure")),
    },
)
# A new value is in force: its entry does not say so.
register(actions={"indicators.value_entered": _("Value entered")}, fields={"is_active": Omitted()})
# A change made by an imported file names the file (``bulk.change``).
register(
    actions={
        "indicators.value_entered": _("Value entered"),
        "indicators.value_changed": _("Value changed"),
        "indicators.value_removed": _("Value removed"),
    },
    fields={"file": Ref(_("from the file"), DataImport)},
)
register(
    actions={
        "indicators.import_applied": _("Data file imported"),
        "indicators.values_entered": pgettext_lazy("audit action", "Values entered"),
    },
    fields={
        "rows": Number(_("rows"), places=0),
        "created": Number(_("values added"), places=0),
        "updated": Number(_("values updated"), places=0),
        "removed": Number(_("values removed"), places=0),
        "unchanged": Number(_("values unchanged"), places=0),
        "changed": Number(_("values changed"), places=0),
        "errors": Number(_("problems"), places=0),
        "applied": Flag(_("applied")),
    },
)
