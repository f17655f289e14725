"""What the task force's actions share: the error, the audited fields, the checks."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from layak import authz
from layak.accounts.models import User
from layak.organisations.roles import OrganisationKind
from layak.regions.models import Region
from layak.taskforce.models import (
    TaskForceRole,
)

A = authz.Action


class TaskForceError(Exception):
    """A change the rules refuse; the message is shown to the user."""


DECREE_FIELDS = (
    "number",
    "title",
    "signed_on",
    "signatory",
    "period_start",
    "period_end",
    "superseded_by",
    "superseded_on",
)
MEMBER_FIELDS = (
    "name",
    "position",
    "organisation",
    "role",
    "sub_team",
    "served_from",
    "served_until",
    "end_reason",
    "sex",
)
MEETING_FIELDS = (
    "title",
    "agenda",
    "date",
    "start_time",
    "place",
    "chair_member",
    "chair_name",
    "minutes",
    "decisions",
    "is_active",
)
FOLLOW_UP_FIELDS = ("description", "owner", "due_date", "status", "completion_note")

# Organisations that may sit in a task force (offices, community, business, media, the forum).
MEMBER_ORGANISATION_KINDS = frozenset(
    {
        OrganisationKind.GOVERNMENT_OFFICE,
        OrganisationKind.COMMUNITY,
        OrganisationKind.RELIGIOUS,
        OrganisationKind.BUSINESS,
        OrganisationKind.MEDIA,
        OrganisationKind.UNIVERSITY,
        OrganisationKind.FORUM_ANAK,
        OrganisationKind.PROVINCE_OFFICE,
        OrganisationKind.SUBDISTRICT_OFFICE,
        OrganisationKind.VILLAGE_GOVERNMENT,
    }
)
# Organisations that can be responsible for a follow-up: the government's own offices (a
# decision of the task force is carried out by the government, not by a partner company).
FOLLOW_UP_OWNER_KINDS = frozenset(
    {
        OrganisationKind.GOVERNMENT_OFFICE,
        OrganisationKind.SUBDISTRICT_OFFICE,
        OrganisationKind.VILLAGE_GOVERNMENT,
    }
)
# Roles that one person holds at a time (a coordinator: one per sub-team).
SINGLE_ROLES = frozenset({TaskForceRole.CHAIR, TaskForceRole.SECRETARY, TaskForceRole.COORDINATOR})


def check_edits(actor: User, region: Region) -> None:
    if not authz.reaches(actor, A.EDIT, region):
        raise TaskForceError(_("Only the secretariat of this region can change its task force."))


def lock(model: Any, pk: int) -> Any:
    return model.objects.select_for_update(of=("self",)).get(pk=pk)
