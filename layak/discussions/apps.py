from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionsConfig(AppConfig):
    name = "layak.discussions"
    verbose_name = _("discussions")
    default_auto_field = "django.db.models.BigAutoField"
