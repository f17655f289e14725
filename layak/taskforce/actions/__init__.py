"""Every change to the task force, its meetings and their follow-ups goes through these
functions, each in one transaction with its audit entry.

Only a region-wide editor (the district administrator for its district, kecamatan and villages;
the ministry everywhere) changes decrees, members and meetings. The office that owns a
follow-up action may close it as done, with a note and evidence.
"""

from layak.taskforce.actions.common import (
    DECREE_FIELDS,
    FOLLOW_UP_FIELDS,
    FOLLOW_UP_OWNER_KINDS,
    MEETING_FIELDS,
    MEMBER_FIELDS,
    MEMBER_ORGANISATION_KINDS,
    SINGLE_ROLES,
    TaskForceError,
)
from layak.taskforce.actions.meetings import (
    AttendanceError,
    attendance_record,
    attendee_add,
    district_path,
    follow_up_add,
    follow_up_complete,
    follow_up_drop,
    follow_up_reopen,
    follow_up_update,
    meeting_create,
    meeting_invite,
    meeting_update,
)
from layak.taskforce.actions.structure import (
    decree_create,
    decree_update,
    member_add,
    member_end,
    member_update,
)

__all__ = [
    "DECREE_FIELDS",
    "FOLLOW_UP_FIELDS",
    "FOLLOW_UP_OWNER_KINDS",
    "MEETING_FIELDS",
    "MEMBER_FIELDS",
    "MEMBER_ORGANISATION_KINDS",
    "SINGLE_ROLES",
    "AttendanceError",
    "TaskForceError",
    "attendance_record",
    "attendee_add",
    "decree_create",
    "decree_update",
    "district_path",
    "follow_up_add",
    "follow_up_complete",
    "follow_up_drop",
    "follow_up_reopen",
    "follow_up_update",
    "meeting_create",
    "meeting_invite",
    "meeting_update",
    "member_add",
    "member_end",
    "member_update",
]
