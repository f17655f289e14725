from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OfflineConfig(AppConfig):
    """Installing Layak on a phone and working without a connection."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "layak.offline"
    verbose_name = _("Offline work")
