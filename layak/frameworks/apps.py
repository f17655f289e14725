from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FrameworksConfig(AppConfig):
    name = "layak.frameworks"
    verbose_name = _("Indicator frameworks and instruments")
