"""The words for the public portal's audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import DateTime, register

register(
    actions={
        "portal.published": _("Published on the public portal"),
        "portal.withdrawn": _("Withdrawn from the public portal"),
    },
    fields={"published_at": DateTime(_("published on"))},
)
