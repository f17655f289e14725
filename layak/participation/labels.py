"""The words for children's participation's audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Choice, Flag, register
from layak.participation.models import AgeGroup

register(
    actions={
        "participation.decree_added": _("Forum decree added"),
        "participation.decree_superseded": _("Forum decree superseded"),
        "participation.facilitator_added": _("Facilitator added"),
        "participation.facilitator_restored": _("Facilitator restored"),
        "participation.facilitator_ended": _("Facilitator ended"),
        "participation.proposal_added": _("Proposal recorded"),
        "participation.proposal_changed": _("Proposal changed"),
        "participation.proposal_followed_up": _("Proposal followed up"),
        "participation.proposal_restored": _("Proposal restored"),
        "participation.proposal_withdrawn": _("Proposal withdrawn"),
    },
    fields={
        "proposers": Choice(_("children proposing, by age"), AgeGroup),
        # The person confirmed that text flagged by ``privacy`` identifies no child.
        "anonymity_confirmed": Flag(_("confirmed to identify no child")),
    },
)
