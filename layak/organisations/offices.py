"""Office kinds: what an office does (health, social affairs, civil registration, …), so that an
instrument's questions, which name the offices that supply them ("Dinkes", "Disdukcapil",
"UPPA Polres"), can be proposed to the district's own organisations.

The instrument's office names are mapped to kinds by a national default (``DEFAULT_KINDS``,
the names of the KLA 2024 instrument); a district may map a name differently once
(``OfficeNameMapping``), and the mapping serves every later cycle. Each organisation of the
district carries its kind (``Organisation.office_kind``); children's forums and businesses are
recognised by their organisation kind.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from layak.regions.models import Region


class OfficeKind(models.TextChoices):
    WOMEN_CHILDREN = "women_children", _("Women's empowerment and child protection (DP3A)")
    PPA_SERVICE = "ppa_service", _("Women and child protection service unit (UPTD PPA)")
    HEALTH = "health", _("Health (Dinkes)")
    SOCIAL = "social", _("Social affairs (Dinsos)")
    EDUCATION = "education", _("Education and culture (Disdikbud)")
    PLANNING = "planning", _("Development planning (Bappeda)")
    CIVIL_REGISTRY = "civil_registry", _("Population and civil registration (Disdukcapil)")
    LEGAL = "legal", _("Legal affairs and legal documentation (Bagian Hukum, JDIH)")
    COMMUNICATION = "communication", _("Communication and informatics (Kominfo)")
    LIBRARY = "library", _("Library (Perpustakaan)")
    DISASTER = "disaster", _("Disaster management (BPBD)")
    MANPOWER = "manpower", _("Manpower (Disnaker)")
    PUBLIC_WORKS = "public_works", _("Public works and housing (PUPR, Perkim)")
    TRANSPORT = "transport", _("Transport (Dishub)")
    ENVIRONMENT = "environment", _("Environment (DLH)")
    TOURISM_YOUTH_SPORT = "tourism_youth_sport", _("Tourism, youth and sport")
    PUBLIC_ORDER = "public_order", _("Civil service police (Satpol PP)")
    NATIONAL_UNITY = "national_unity", _("National unity and politics (Kesbangpol)")
    REVENUE = "revenue", _("Regional revenue (Bapenda)")
    RELIGION = "religion", _("Religious affairs (Kemenag)")
    RELIGIOUS_COURT = "religious_court", _("Religious court (Pengadilan Agama)")
    PROSECUTION = "prosecution", _("Prosecutor's office (Kejaksaan)")
    POLICE = "police", _("Police (Polres, UPPA)")
    NARCOTICS = "narcotics", _("National narcotics board (BNN)")
    CHILDREN_FORUM = "children_forum", _("Children's forum (Forum Anak)")
    BUSINESS = "business", _("Business (dunia usaha)")


K = OfficeKind

# The offices the KLA 2024 instrument names, and the kind each stands for. "PAN" (once, on
# child-marriage data) is taken for the religious court, which grants marriage dispensations.
DEFAULT_KINDS: dict[str, str] = {
    "DPPPAPPKB": K.WOMEN_CHILDREN,
    "UPTD PPA": K.PPA_SERVICE,
    "Dinkes": K.HEALTH,
    "Dinsos": K.SOCIAL,
    "Disdikbud": K.EDUCATION,
    "BAPPEDA": K.PLANNING,
    "Disdukcapil": K.CIVIL_REGISTRY,
    "Bagian Hukum": K.LEGAL,
    "JDIH": K.LEGAL,
    "Kominfo": K.COMMUNICATION,
    "Perpustakaan": K.LIBRARY,
    "BPBD": K.DISASTER,
    "Disnaker": K.MANPOWER,
    "Dinas PUPR": K.PUBLIC_WORKS,
    "Dinas PU": K.PUBLIC_WORKS,
    "Dinas PU Perkim": K.PUBLIC_WORKS,
    "Dishub": K.TRANSPORT,
    "DLH": K.ENVIRONMENT,
    "Dinas Pariwisata": K.TOURISM_YOUTH_SPORT,
    "Disparpor": K.TOURISM_YOUTH_SPORT,
    "Dispora": K.TOURISM_YOUTH_SPORT,
    "Satpol PP": K.PUBLIC_ORDER,
    "Kesbangpol": K.NATIONAL_UNITY,
    "Bapenda": K.REVENUE,
    "Kemenag": K.RELIGION,
    "PAN": K.RELIGIOUS_COURT,
    "Kejaksaan": K.PROSECUTION,
    "Polres": K.POLICE,
    "UPPA Polres": K.POLICE,
    "BNN": K.NARCOTICS,
    "Forum Anak Daerah (FAD)": K.CHILDREN_FORUM,
    "Dunia Usaha": K.BUSINESS,
}

# Organisation kinds that stand for an office kind without being tagged.
BY_ORGANISATION_KIND: dict[str, str] = {
    "forum_anak": K.CHILDREN_FORUM,
    "business": K.BUSINESS,
}

# Words in an office's name that say what it does, to suggest its kind on the mapping page.
NAME_WORDS: list[tuple[str, str]] = [
    ("perempuan dan perlindungan anak", K.WOMEN_CHILDREN),
    ("uptd ppa", K.PPA_SERVICE),
    ("kesehatan", K.HEALTH),
    ("sosial", K.SOCIAL),
    ("pendidikan", K.EDUCATION),
    ("perencanaan pembangunan", K.PLANNING),
    ("kependudukan", K.CIVIL_REGISTRY),
    ("hukum", K.LEGAL),
    ("komunikasi", K.COMMUNICATION),
    ("perpustakaan", K.LIBRARY),
    ("bencana", K.DISASTER),
    ("tenaga kerja", K.MANPOWER),
    ("pekerjaan umum", K.PUBLIC_WORKS),
    ("perumahan", K.PUBLIC_WORKS),
    ("perhubungan", K.TRANSPORT),
    ("lingkungan hidup", K.ENVIRONMENT),
    ("pariwisata", K.TOURISM_YOUTH_SPORT),
    ("pemuda", K.TOURISM_YOUTH_SPORT),
    ("polisi pamong praja", K.PUBLIC_ORDER),
    ("kesatuan bangsa", K.NATIONAL_UNITY),
    ("pendapatan", K.REVENUE),
    ("kementerian agama", K.RELIGION),
    ("pengadilan agama", K.RELIGIOUS_COURT),
    ("kejaksaan", K.PROSECUTION),
    ("kepolisian", K.POLICE),
    ("narkotika", K.NARCOTICS),
]


def suggested_kind(name: str) -> str:
    """The kind an office's name suggests ("Dinas Kesehatan Kabupaten Bekasi" → health), or
    "" when it says nothing; only a suggestion, saved when the administrator saves it."""
    lowered = name.casefold()
    return next((str(kind) for words, kind in NAME_WORDS if words in lowered), "")


def kinds_for(region: Region) -> dict[str, str]:
    """The district's reading of every office name: the national default, then its own rows
    (one query)."""
    from layak.organisations.models import OfficeNameMapping

    kinds: dict[str, str] = {name: str(kind) for name, kind in DEFAULT_KINDS.items()}
    kinds.update(OfficeNameMapping.objects.filter(region=region).values_list("name", "office_kind"))
    return kinds


def instrument_office_names() -> list[str]:
    """Every office name the published instruments use, and the defaults' (one query)."""
    from layak.frameworks.models import Question

    names = set(DEFAULT_KINDS)
    for offices in (
        Question.objects.filter(version__status="published")
        .exclude(offices=[])
        .values_list("offices", flat=True)
        .distinct()
    ):
        names.update(offices)
    return sorted(names, key=str.casefold)
