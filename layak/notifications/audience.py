"""Which kinds of notice can reach a person, by the roles they hold: the preferences page lists
only those (a kind none of their roles receives would be a choice about nothing).

The roles follow who each hand-off tells (``layak.evaluation.notices``, the apps' ``notices.py``
and daily checks). ``None``: anyone may receive it (background jobs, discussions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from layak.notifications.models import Notice
from layak.organisations.models import Membership
from layak.organisations.roles import Role

if TYPE_CHECKING:
    from layak.accounts.models import User

K = Notice.Kind
R = Role

# Who answers items: offices, and the kecamatan and village operators at the lower levels.
_ANSWERING = frozenset({R.OFFICE_OPERATOR, R.SUBDISTRICT_OPERATOR, R.VILLAGE_OPERATOR})
# Who verifies or reviews at a stage (the district administrator reviews offices' items and
# verifies kecamatan and villages).
_VERIFYING = frozenset({R.DISTRICT_ADMIN, R.PROVINCE_VERIFIER, R.ASSESSOR, R.MINISTRY_ADMIN})
# Everyone in an office (follow-ups and action plan reports go to the whole office).
_OFFICE = frozenset({R.OFFICE_OPERATOR, R.DISTRICT_ADMIN, R.READER})

KIND_ROLES: dict[str, frozenset[str] | None] = {
    K.ITEM_ASSIGNED: _ANSWERING,
    K.ITEM_SUBMITTED: frozenset({R.DISTRICT_ADMIN}),
    K.ITEM_ACCEPTED: _ANSWERING,
    K.ITEM_RETURNED: _ANSWERING,
    K.ITEM_RETURNED_BY_VERIFIER: _ANSWERING | {R.DISTRICT_ADMIN},
    K.ITEM_CORRECTED: _VERIFYING,
    K.SCORE_ADJUSTED: _ANSWERING | {R.DISTRICT_ADMIN},
    K.STAGE_OPENED: _VERIFYING,
    K.STAGE_CLOSING: _ANSWERING | _VERIFYING,
    K.RAD_REPORT_DUE: frozenset({R.OFFICE_OPERATOR}),
    K.RAD_REPORT_SUBMITTED: frozenset({R.DISTRICT_ADMIN}),
    K.RAD_REPORT_ACCEPTED: _OFFICE,
    K.RAD_REPORT_RETURNED: _OFFICE,
    K.FOLLOWUP_ASSIGNED: _OFFICE,
    K.FOLLOWUP_OVERDUE: _OFFICE,
    K.PARTNER_SUBMITTED: frozenset({R.DISTRICT_ADMIN}),
    K.PARTNER_VALIDATED: frozenset({R.PARTNER_CONTRIBUTOR}),
    K.PARTNER_RETURNED: frozenset({R.PARTNER_CONTRIBUTOR}),
    K.PROPOSAL_RECEIVED: frozenset({R.DISTRICT_ADMIN}),
    K.PROPOSAL_ANSWERED: frozenset({R.FORUM_FACILITATOR}),
    K.JOB_FINISHED: None,
    K.JOB_FAILED: None,
    K.MENTION: None,
    K.DISCUSSION_MESSAGE: None,
}


def kinds_for(user: User) -> list[str]:
    """The kinds this person's active roles can receive, in the kinds' order (one query). A
    person without any role (a site administrator) sees every kind."""
    roles = set(Membership.objects.active().filter(user=user).values_list("role", flat=True))
    if not roles:
        return list(Notice.Kind.values)
    return [
        kind for kind in Notice.Kind.values if (who := KIND_ROLES.get(kind)) is None or roles & who
    ]
