"""The words for partners' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import register

register(
    actions={
        "partners.profile_saved": _("Partner profile saved"),
        "partners.contact_created": _("Contact person added"),
        "partners.contact_changed": _("Contact person changed"),
        "partners.contact_reactivated": _("Contact person reactivated"),
        "partners.contact_deactivated": _("Contact person deactivated"),
        "partners.commitment_created": _("Commitment recorded"),
        "partners.commitment_changed": _("Commitment changed"),
        "partners.commitment_submitted": _("Commitment submitted"),
        "partners.commitment_accepted": _("Commitment accepted"),
        "partners.commitment_returned": _("Commitment returned"),
        "partners.commitment_withdrawn": _("Commitment withdrawn"),
        "partners.contribution_created": _("Contribution recorded"),
        "partners.contribution_changed": _("Contribution changed"),
        "partners.contribution_submitted": _("Contribution submitted"),
        "partners.contribution_accepted": _("Contribution accepted"),
        "partners.contribution_returned": _("Contribution returned"),
        "partners.contribution_withdrawn": _("Contribution withdrawn"),
    }
)
