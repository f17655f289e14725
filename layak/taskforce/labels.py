"""The words for the task force's audit actions (``layak.audit.display``)."""

from django.utils.translation import gettext_lazy as _

from layak.audit.display import Choice, Flag, Number, Parts, Ref, Text, register
from layak.taskforce.models import Decree, Sex

ATTENDANCE = {"present": Flag(_("present")), "sex": Choice(_("sex"), Sex)}

register(
    actions={
        "taskforce.decree_created": _("Task force decree recorded"),
        "taskforce.decree_updated": _("Task force decree changed"),
        "taskforce.decree_superseded": _("Task force decree superseded"),
        "taskforce.member_added": _("Member added"),
        "taskforce.member_updated": _("Member changed"),
        "taskforce.member_ended": _("Member's service ended"),
        "taskforce.meeting_created": _("Meeting scheduled"),
        "taskforce.meeting_updated": _("Meeting changed"),
        "taskforce.follow_up_added": _("Follow-up added"),
        "taskforce.follow_up_updated": _("Follow-up changed"),
        "taskforce.follow_up_done": _("Follow-up done"),
        "taskforce.follow_up_dropped": _("Follow-up dropped"),
        "taskforce.follow_up_reopened": _("Follow-up reopened"),
    }
)
register(
    actions={"taskforce.members_copied": _("Members copied from the previous decree")},
    fields={
        "from_decree": Ref(_("from the decree"), Decree),
        "members": Number(_("members"), places=0),
    },
)
register(
    actions={"taskforce.members_invited": _("Members invited")},
    fields={"invited": Text(_("people invited"))},
)
register(
    actions={"taskforce.attendee_added": _("Attendee added")},
    fields={"name": Text(_("name")), **ATTENDANCE},
)
register(
    actions={"taskforce.attendance_recorded": _("Attendance recorded")},
    # Each key is a person's name; its value whether they came, and their sex.
    fields={"*": Parts(None, ATTENDANCE)},
)
