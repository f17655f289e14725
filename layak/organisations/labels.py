"""The words for organisations' and memberships' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Choice, Ref, register
from layak.organisations.offices import OfficeKind
from layak.regions.models import Region

register(
    actions={
        "organisation.created": _("Organisation created"),
        "organisation.changed": _("Organisation changed"),
        "organisation.reactivated": _("Organisation reactivated"),
        "organisation.deactivated": _("Organisation deactivated"),
        "membership.created": _("Membership given"),
        "membership.reactivated": _("Membership reactivated"),
        "membership.deactivated": _("Membership ended"),
        "membership.role_changed": _("Role changed"),
    }
)
register(
    actions={"membership.assessor_assigned": _("Districts assigned to the assessor")},
    fields={"regions": Ref(_("regions"), Region, by="code")},
)
register(
    # Each key is an office name used by the instruments; its value the kind it stands for.
    actions={"office_names.mapped": _("Office names mapped to office kinds")},
    fields={"*": Choice(None, OfficeKind)},
)
