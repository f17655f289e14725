from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "layak.core"
    verbose_name = _("Layak")

    def ready(self) -> None:
        from layak.core import checks, lookups  # noqa: F401 - checks register themselves

        lookups.register()
