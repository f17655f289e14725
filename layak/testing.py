"""Test helpers: the region subset, personas and factories shared by every app's tests."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import count

from layak.accounts.models import User
from layak.core import demo
from layak.organisations.models import Membership, Organisation
from layak.regions.loading import load_regions, official_regions
from layak.regions.models import Region

BEKASI = "32.16"
GUNUNG_MAS = "62.10"


def ensure_regions() -> None:
    """The two demo districts' subtrees and their provinces (a few hundred rows)."""
    if not Region.objects.filter(code=GUNUNG_MAS).exists():
        load_regions(official_regions([BEKASI, GUNUNG_MAS]), deactivate_missing=False)


@dataclass
class Personas:
    """One person per role in Kabupaten Bekasi (Jawa Barat) and Kabupaten Gunung Mas
    (Kalimantan Tengah), the two province verifiers, the ministry and an assessor."""

    users: dict[str, User]

    def __getitem__(self, key: str) -> User:
        return self.users[key]

    @property
    def ministry(self) -> User:
        return self.users["ministry"]

    @property
    def bekasi_admin(self) -> User:
        return self.users["bekasi.admin"]

    @property
    def bekasi_dinkes(self) -> User:
        return self.users["bekasi.dinkes"]

    @property
    def bekasi_regent(self) -> User:
        return self.users["bekasi.regent"]

    @property
    def gm_admin(self) -> User:
        return self.users["gunungmas.admin"]

    @property
    def jabar(self) -> User:
        return self.users["verifier.jabar"]


def make_personas() -> Personas:
    ensure_regions()
    return Personas(demo.seed_demo())


# Role of each persona key, for the URL x role matrix.
PERSONA_ROLES = {
    "ministry": "ministry_admin",
    "verifier.jabar": "province_verifier",
    "assessor": "assessor",
    "bekasi.admin": "district_admin",
    "bekasi.dinkes": "office_operator",
    "bekasi.partner": "partner_contributor",
    "bekasi.forum": "forum_facilitator",
    "bekasi.regent": "reader",
}

_seq = count(1)


def make_organisation(region_code: str = BEKASI, **fields: object) -> Organisation:
    n = next(_seq)
    fields.setdefault("name", f"Organisasi Uji {n}")
    fields.setdefault("kind", Organisation.Kind.GOVERNMENT_OFFICE)
    return Organisation.objects.create(region=Region.objects.get(code=region_code), **fields)


def make_user(**fields: object) -> User:
    n = next(_seq)
    email = str(fields.pop("email", f"person{n}@example.org"))
    fields.setdefault("full_name", f"Orang Uji {n}")
    return User.objects.create_user(email=email, password="test-pass-123", **fields)


def make_membership(user: User, organisation: Organisation, role: str) -> Membership:
    return Membership.objects.create(user=user, organisation=organisation, role=role)
