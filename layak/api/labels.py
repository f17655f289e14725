"""The words for the API tokens' audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import register

register(
    actions={
        "api_token.created": _("API token created"),
        "api_token.revoked": _("API token revoked"),
    }
)
