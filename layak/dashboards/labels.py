"""The words for the dashboards' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Number, Text, register

register(
    actions={"dashboards.history_loaded": _("Historical cycle results loaded")},
    fields={
        "cycle": Text(_("cycle")),
        "taking_part": Number(_("regions taking part"), places=0),
        "with_predicate": Number(_("regions with a predicate"), places=0),
    },
)
