from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "layak.organisations"
    verbose_name = _("Organisations and members")

    def ready(self) -> None:
        from layak import authz

        # A person's grants are cached on their user object; any change to memberships or
        # organisations makes those caches stale.
        authz.watch_memberships()
