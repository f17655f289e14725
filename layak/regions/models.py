"""The administrative region tree of Indonesia (Kepmendagri 300.2.2-2138/2025).

Province → kabupaten/kota → kecamatan → desa/kelurahan. The official dotted code is the natural
key: ``32`` province, ``32.16`` kabupaten/kota, ``32.16.01`` kecamatan, ``32.16.01.2001`` village.
``path`` is the code with a trailing dot, so ``path__startswith`` selects a whole subtree on an
index without matching ``32.1`` inside ``32.16``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from layak.regions.querysets import RegionQuerySet


class Region(models.Model):
    class Level(models.IntegerChoices):
        PROVINCE = 1, _("Province")
        REGENCY = 2, _("Regency/city")
        SUBDISTRICT = 3, _("Sub-district")
        VILLAGE = 4, _("Village")

    class Kind(models.TextChoices):
        PROVINSI = "provinsi", _("Province")
        KABUPATEN = "kabupaten", _("Regency (kabupaten)")
        KOTA = "kota", _("City (kota)")
        KECAMATAN = "kecamatan", _("Sub-district (kecamatan)")
        DISTRIK = "distrik", _("Sub-district (distrik)")
        DESA = "desa", _("Village (desa)")
        KELURAHAN = "kelurahan", _("Urban village (kelurahan)")
        DESA_ADAT = "desa_adat", _("Customary village (desa adat)")

    code = models.CharField(_("code"), max_length=16, unique=True)
    name = models.CharField(_("name"), max_length=150)
    level = models.PositiveSmallIntegerField(_("level"), choices=Level.choices)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    path = models.CharField(max_length=32, db_index=True, editable=False)
    # A region dropped from the official list stays (things refer to it), marked inactive.
    is_active = models.BooleanField(_("active"), default=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        indexes = [models.Index(fields=["level", "name"], name="region_level_name")]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: object, **kwargs: object) -> None:
        self.path = path_for(self.code)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def ancestor_codes(self) -> list[str]:
        """Codes of the ancestors, root first: ``32.16.01`` → ``["32", "32.16"]``."""
        parts = self.code.split(".")
        return [".".join(parts[:i]) for i in range(1, len(parts))]

    @property
    def province_code(self) -> str:
        return self.code.split(".")[0]

    @property
    def regency_code(self) -> str | None:
        parts = self.code.split(".")
        return ".".join(parts[:2]) if len(parts) >= 2 else None

    def contains(self, other: Region) -> bool:
        return other.path.startswith(self.path)


def path_for(code: str) -> str:
    return f"{code}."


def level_of(code: str) -> int:
    return len(code.split("."))
