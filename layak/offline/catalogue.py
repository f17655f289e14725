"""The words the phone page's script shows, in the reader's language (the page carries them,
so they hold without a connection)."""

from __future__ import annotations

from django.utils.translation import gettext as _


def catalogue() -> dict[str, str]:
    return {
        "online": _("Connected"),
        "offline": _("No connection: your work is kept on this phone."),
        "waiting": _("Waiting to be sent: %(n)s"),
        "needs_action": _("Needs your action: %(n)s"),
        "needs_action_heading": _("Needs your action"),
        "no_change": _("Nothing changed in this item."),
        "retry": _("Send again"),
        "answer_label": _("Answer:"),
        "photo_label": _("Photo:"),
        "nothing_waiting": _("Nothing waiting to be sent."),
        "sending": _("Sending…"),
        "sent_all": _("Everything has been sent."),
        "send_failed": _("The connection dropped; what is left waits on this phone."),
        "signed_out": _(
            "Your session has ended. Sign in again to send; your work stays on this phone."
        ),
        "not_found": _("This item is no longer yours to answer; the change stays on this phone."),
        "no_items": _(
            "No items to take along. Open this page while connected to take your open items."
        ),
        "never_loaded": _(
            "Your items have not been taken onto this phone yet. Connect once and open this page."
        ),
        "loaded_at": _("Items taken onto this phone: %(when)s"),
        "saved_on_phone": _("Kept on this phone; it will be sent when there is a connection."),
        "saved": _("Saved."),
        "conflict_mine": _("Your unsaved answer was:"),
        "conflict_theirs": _("Their version:"),
        "send_mine": _("Send my answer again"),
        "take_theirs": _("Keep their version"),
        "remove": _("Remove from this phone"),
        "remove_confirm": _("Remove this change from the phone? It has not been stored."),
        "refused": _("Refused:"),
        "state_waiting": _("waiting to be sent"),
        "state_conflict": _("conflict"),
        "state_refused": _("refused"),
        "photo_waiting": _("Photo waiting to be sent"),
        "photo_taken": _("Taken %(when)s"),
        "photo_place": _("at latitude %(lat)s, longitude %(lon)s"),
        "photo_too_big": _("The photo is larger than allowed."),
        "note": _("Note"),
        "note_inline": _("note"),
        "evidence": _("Evidence already attached"),
        "save": _("Keep on phone"),
        "next": _("Next item"),
        "previous": _("Previous item"),
        "back": _("All items"),
        "take_photo": _("Take a photo"),
        "answered": _("The region's answer:"),
        "points_before": _("Score of the previous level: %(points)s of %(max)s"),
        "agree": _("Agree with the previous level's score"),
        "adjust": _("Change the score"),
        "adjusted": _("Changed"),
        "points": _("Field verification score"),
        "reason": _("Reason for the change"),
    }
