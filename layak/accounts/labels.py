"""The words for the accounts' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Flag, Number, register

register(
    actions={
        "user.language_changed": _("Interface language changed"),
        "user.password_set": _("Password set"),
        "user.password_changed": _("Password changed"),
        "user.profile_changed": _("Profile changed"),
        "user.two_factor_backup_codes_renewed": _("New backup codes made"),
        "user.two_factor_disabled": _("Two-step sign-in turned off"),
        "user.invited": _("Person invited"),
        "user.invitation_resent": _("Invitation sent again"),
    }
)
register(
    actions={
        "user.two_factor_enrolled": _("Two-step sign-in turned on"),
        "user.two_factor_backup_code_used": _("Backup code used to sign in"),
        "user.two_factor_reset": _("Authenticator reset"),
    },
    fields={
        "replaced": Flag(_("an earlier authenticator replaced")),
        "backup_codes": Number(_("backup codes"), places=0),
        "backup_codes_left": Number(_("backup codes left"), places=0),
        "authenticators": Number(_("authenticators"), places=0),
    },
)
