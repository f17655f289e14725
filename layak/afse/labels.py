"""The words for the AFSE events' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.afse.models import TargetGroup
from layak.audit.display import Choice, register

register(
    actions={
        "afse.created": _("Event recorded"),
        "afse.updated": _("Event changed"),
        "afse.restored": _("Event restored"),
        "afse.cancelled": _("Event cancelled"),
    },
    fields={"target_groups": Choice(_("target groups"), TargetGroup)},
)
