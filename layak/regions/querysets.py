from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Q

if TYPE_CHECKING:
    from layak.regions.models import Region


class RegionQuerySet(models.QuerySet["Region"]):
    def within(self, region: Region) -> RegionQuerySet:
        """The region and everything below it (its subtree), through the indexed path prefix."""
        return self.filter(path__startswith=region.path)

    def below(self, region: Region) -> RegionQuerySet:
        return self.within(region).exclude(pk=region.pk)

    def search(self, text: str) -> RegionQuerySet:
        """Regions whose name contains ``text`` or whose code starts with it (dots optional)."""
        text = text.strip()
        if not text:
            return self.none()
        digits = text.replace(".", "")
        if digits.isdigit():
            return self.filter(code__startswith=_dotted(digits))
        return self.filter(Q(name__icontains=text))

    def active(self) -> RegionQuerySet:
        return self.filter(is_active=True)


def _dotted(digits: str) -> str:
    """``3216`` → ``32.16``; Kemendagri codes are 2-2-2-4 digits."""
    parts = [digits[0:2], digits[2:4], digits[4:6], digits[6:10]]
    return ".".join(p for p in parts if p)
