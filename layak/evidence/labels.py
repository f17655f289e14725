"""The words for the evidence library's audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Naming, Ref, Size, Text, register
from layak.evidence.models import EvidenceFile

register(names={EvidenceFile: Naming(name=lambda f: f.name)})
register(
    actions={
        "evidence.uploaded": _("Evidence file uploaded"),
        "evidence.made_public": _("Evidence file made public"),
        "evidence.made_private": _("Evidence file no longer public"),
    },
    fields={"type": Text(_("type")), "size": Size(_("size")), "sha256": Text(_("fingerprint"))},
)
register(
    actions={
        "evidence.attached": _("Evidence attached"),
        "evidence.detached": _("Evidence removed"),
        "attachment.added": _("File attached"),
        "attachment.removed": _("File removed"),
    },
    fields={
        "file": Ref(_("file"), EvidenceFile),
        "name": Text(_("file name")),
        "requirement": Text(_("document")),
        "caption": Text(_("caption")),
    },
)
