"""The words for the background jobs' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import OfObject, register
from layak.jobs.models import Job

register(
    actions={"job.started": _("Background job started")},
    # The kind is a code; the job's own title says what it does.
    fields={"kind": OfObject(_("job"), Job, lambda job, value: job.label)},
)
