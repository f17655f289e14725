"""The words for discussions' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import DateTime, Text, register

register(
    actions={
        "discussions.message_posted": _("Message written in a discussion"),
        "discussions.message_edited": _("Message in a discussion changed"),
        "discussions.message_withdrawn": _("Message in a discussion withdrawn"),
    },
    fields={
        "item": Text(_("Discussion of")),
        "body": Text(_("Message")),
        "mentioned": Text(_("Mentioned")),
        "withdrawn_at": DateTime(_("Withdrawn")),
    },
)
