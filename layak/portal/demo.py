"""Demo data: both demo districts publish their whole public page (idempotent)."""

from __future__ import annotations

from layak.accounts.models import User
from layak.core.demo import demo_email
from layak.portal.actions import section_set
from layak.portal.models import PortalSection, Section
from layak.regions.models import Region

DISTRICTS = {"32.16": "bekasi", "62.10": "gunungmas"}


def seed_demo() -> None:
    """Each district's administrator publishes every section not yet public."""
    for code, slug in DISTRICTS.items():
        region = Region.objects.filter(code=code).first()
        admin = User.objects.filter(email=demo_email(f"{slug}.admin")).first()
        if region is None or admin is None:
            continue
        public = set(
            PortalSection.objects.filter(region=region, is_published=True).values_list(
                "section", flat=True
            )
        )
        for section in Section.values:
            if section not in public:
                section_set(actor=admin, region=region, section=section, publish=True)
