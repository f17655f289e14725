"""Roles and organisation kinds, and which role fits which kind of organisation.

Roles are data on a membership (user, organisation, role); a role applies to its organisation's
region subtree, except the three organisation-scoped roles, which reach only their own
organisation's records (see ``layak.authz``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    MINISTRY_ADMIN = "ministry_admin", _("Ministry administrator")
    PROVINCE_VERIFIER = "province_verifier", _("Province verifier")
    DISTRICT_ADMIN = "district_admin", _("District administrator")
    OFFICE_OPERATOR = "office_operator", _("Office operator")
    PARTNER_CONTRIBUTOR = "partner_contributor", _("Partner contributor")
    FORUM_FACILITATOR = "forum_facilitator", _("Children's forum facilitator")
    READER = "reader", _("Reader")
    ASSESSOR = "assessor", _("Independent assessor")
    SUBDISTRICT_OPERATOR = "subdistrict_operator", _("Kecamatan operator")
    VILLAGE_OPERATOR = "village_operator", _("Village operator")


class OrganisationKind(models.TextChoices):
    GOVERNMENT_OFFICE = "government_office", _("Government office (OPD)")
    COMMUNITY = "community", _("Community organisation")
    RELIGIOUS = "religious", _("Religious organisation")
    BUSINESS = "business", _("Business")
    MEDIA = "media", _("Media")
    UNIVERSITY = "university", _("University")
    FORUM_ANAK = "forum_anak", _("Children's forum (Forum Anak)")
    PROVINCE_OFFICE = "province_office", _("Province office")
    MINISTRY = "ministry", _("Ministry")
    SUBDISTRICT_OFFICE = "subdistrict_office", _("Kecamatan office")
    VILLAGE_GOVERNMENT = "village_government", _("Village government (desa/kelurahan)")


K = OrganisationKind
PARTNER_KINDS = frozenset({K.COMMUNITY, K.RELIGIOUS, K.BUSINESS, K.MEDIA, K.UNIVERSITY})

# Which organisations a role can be held in.
ROLE_ORGANISATION_KINDS: dict[str, frozenset[str]] = {
    Role.MINISTRY_ADMIN: frozenset({K.MINISTRY}),
    Role.PROVINCE_VERIFIER: frozenset({K.PROVINCE_OFFICE}),
    Role.DISTRICT_ADMIN: frozenset({K.GOVERNMENT_OFFICE}),
    Role.OFFICE_OPERATOR: frozenset({K.GOVERNMENT_OFFICE}),
    Role.PARTNER_CONTRIBUTOR: PARTNER_KINDS,
    Role.FORUM_FACILITATOR: frozenset({K.FORUM_ANAK}),
    Role.READER: frozenset({K.GOVERNMENT_OFFICE, K.PROVINCE_OFFICE, K.MINISTRY}),
    Role.ASSESSOR: frozenset({K.UNIVERSITY, K.COMMUNITY, K.MINISTRY}),
    Role.SUBDISTRICT_OPERATOR: frozenset({K.SUBDISTRICT_OFFICE}),
    Role.VILLAGE_OPERATOR: frozenset({K.VILLAGE_GOVERNMENT}),
}

# Organisations of these kinds sit at this region level (None: national, no region).
KIND_REGION_LEVELS: dict[str, frozenset[int | None]] = {
    K.MINISTRY: frozenset({None}),
    K.PROVINCE_OFFICE: frozenset({1}),
    K.SUBDISTRICT_OFFICE: frozenset({3}),
    K.VILLAGE_GOVERNMENT: frozenset({4}),
}
DEFAULT_REGION_LEVELS: frozenset[int | None] = frozenset({2, 3, 4})

# Roles a district administrator may give; the ministry administrator may give any.
DISTRICT_GRANTABLE_ROLES = frozenset(
    {
        Role.DISTRICT_ADMIN,
        Role.OFFICE_OPERATOR,
        Role.PARTNER_CONTRIBUTOR,
        Role.FORUM_FACILITATOR,
        Role.READER,
        Role.SUBDISTRICT_OPERATOR,
        Role.VILLAGE_OPERATOR,
    }
)

# Roles whose reach is their own organisation, not the region subtree.
ORGANISATION_SCOPED_ROLES = frozenset(
    {Role.OFFICE_OPERATOR, Role.PARTNER_CONTRIBUTOR, Role.FORUM_FACILITATOR}
)
