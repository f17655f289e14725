"""The words for the notifications app's audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import register

register(actions={"notice_preference.changed": _("Notification preference changed")})
