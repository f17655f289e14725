from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "layak.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        # Each app declares the words for its audit actions in its ``labels`` module.
        autodiscover_modules("labels")
