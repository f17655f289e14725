"""The words for the background jobs' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Omitted, register

register(
    actions={"job.started": _("Background job started")},
    # The kind is a code; the entry's subject, the job's own title, says what it does.
    fields={"kind": Omitted()},
)
