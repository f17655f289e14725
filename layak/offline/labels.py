"""The words for the audit entry of a photo taken offline (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import DateTime, Number, Text, register

register(
    actions={"photo.placed": _("Photo taken on site")},
    fields={
        "taken_at": DateTime(_("taken")),
        "latitude": Text(_("latitude")),
        "longitude": Text(_("longitude")),
        "accuracy": Number(_("accuracy (metres)")),
    },
)
