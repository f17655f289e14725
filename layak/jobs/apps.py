from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "layak.jobs"
    verbose_name = _("background jobs")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each app's job handlers register themselves when imported.
        from layak.jobs import handlers  # noqa: F401
