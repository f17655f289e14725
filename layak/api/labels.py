"""The words for the API tokens' audit actions (``layak.audit.display``)."""

from typing import Any

from django.utils.translation import gettext_lazy as _

from layak.api.models import PREFIX
from layak.audit.display import Field, Lookup, register
from layak.audit.models import AuditEntry


class TokenStart(Field):
    """A token's key as its owner sees it on the tokens page (``lyk_61394aa0_…``)."""

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        return f"{PREFIX}_{value}_…"


register(
    actions={
        "api_token.created": _("API token created"),
        "api_token.revoked": _("API token revoked"),
    },
    fields={"key_id": TokenStart(_("Token begins with"))},
)
