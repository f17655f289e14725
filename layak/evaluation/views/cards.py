"""What the answer cards of one response share: their fixed words, translated once; their
addresses, each URL name reversed once per process and script prefix; the numbers they show,
each written once; and the CSRF field of their forms."""

from __future__ import annotations

import threading
from functools import cached_property
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.middleware.csrf import get_token
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import format_html
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from layak.core.numbers import format_points
from layak.evaluation.models import Answer
from layak.evidence.models import EvidenceLink

_MARK = 987654321


def csrf_input(request: HttpRequest) -> str:
    """``{% csrf_token %}`` written once for the forms of all the cards of a response."""
    return format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">', get_token(request)
    )


# The fixed words of a card by language, translated once per process.
_WORDS: dict[str, dict[str, str]] = {}


def card_words() -> dict[str, str]:
    """The fixed words of an answer card (``t`` in its template) in the active language,
    translated once per process (not to be changed by the caller)."""
    language = get_language() or settings.LANGUAGE_CODE
    words = _WORDS.get(language)
    if words is None:
        words = _WORDS[language] = _card_words()
    return words


def _card_words() -> dict[str, str]:
    return {
        "not_filled_in": _("Not filled in"),
        "points": _("points"),
        "history": _("History"),
        "see_the_meetings": _("see the meetings"),
        "see_the_totals_per_cluster_and_partner_k": _(
            "see the totals per cluster and partner kind"
        ),
        "see_the_source": _("See the source"),
        "use_this_value": _("Use this value"),
        "computed_from_the_kecamatan_and_village": _(
            "Computed from the kecamatan and village results"
        ),
        "see_the_results": _("see the results"),
        "your_unsaved_answer_was": _("Your unsaved answer was:"),
        "returned": _("Returned:"),
        "computed_returned": _(
            "Layak computes this item's value from the records named above: correct them "
            "there, or attach the documents the reason asks for, then submit the item again."
        ),
        "answer": _("Answer"),
        "percentage_0_100": _("Percentage (0–100)"),
        "number": _("Number"),
        "group": _("Group"),
        "total": _("Total"),
        "share": _("Share:"),
        "attach_the_documents_below": _("Attach the documents below."),
        "note_what_was_done_what_is_planned": _("Note (what was done, what is planned)"),
        "save_draft": _("Save draft"),
        "changes_are_saved_automatically": _("Changes are saved automatically."),
        "use_last_cycle_s_answer_and_evidence": _("Use last cycle's answer and evidence"),
        "evidence": _("Evidence"),
        "required": _("required"),
        "remove": _("Remove"),
        "no_document_attached": _("No document attached."),
        "still_required": _("Still required:"),
        "upload_a_document": _("Upload a document"),
        "which_document_is_it": _("Which document is it?"),
        "upload": _("Upload"),
        "or_attach_a_file_from_the_district_s_lib": _(
            "Or attach a file from the district's library"
        ),
        "attach": _("Attach"),
        "submit_to_the_district": _("Submit to the district"),
        "review_it_yourself": _(
            "You review this item yourself: once it is submitted, accept it to send it back "
            "to the verifier."
        ),
        "accept": _("Accept"),
        "accepting_sends_it_back": _(
            "Accepting sends it back to the verifier, who checks it again."
        ),
        "why_is_it_returned": _("Why is it returned?"),
        "return": _("Return"),
    }


# Each URL name's address around its id, by URL configuration and script prefix (what
# ``reverse`` depends on here): reversed once per process.
_ADDRESSES: dict[tuple[str, str, str], tuple[str, str]] = {}
_ADDRESSES_LOCK = threading.Lock()


def _address(name: str) -> tuple[str, str]:
    """The address of ``name`` as the text before and after its id (no id: all before)."""
    key = (str(get_urlconf() or settings.ROOT_URLCONF), get_script_prefix(), name)
    made = _ADDRESSES.get(key)
    if made is None:
        if name in ("evidence:upload", "evidence:attach"):
            made = (reverse(name), "")
        else:
            head, _mark, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
            made = (head, tail)
        with _ADDRESSES_LOCK:
            _ADDRESSES[key] = made
    return made


class CardShare:
    """What the cards of one response share: the addresses they link to, each name reversed
    once (the request's script prefix included) then formatted per answer, link or file; and
    the numbers they show, each value written once in the reader's language."""

    def __init__(self) -> None:
        self._made: dict[str, tuple[str, str]] = {}
        self._numbers: dict[tuple[Any, str], str] = {}

    @cached_property
    def words(self) -> dict[str, str]:
        return card_words()

    def points(self, value: Any) -> str:
        """Points as every page writes them (``format_points``): always two decimals."""
        key = (value, "points")
        if key not in self._numbers:
            self._numbers[key] = format_points(value)
        return self._numbers[key]

    def __call__(self, name: str, pk: int | None = None) -> str:
        made = self._made.get(name)
        if made is None:
            made = self._made[name] = _address(name)
        return made[0] if pk is None else f"{made[0]}{pk}{made[1]}"

    def card(self, answer: Answer, links: list[EvidenceLink]) -> dict[str, str]:
        """One card's addresses; each evidence link gets its own download and detach."""
        for link in links:
            link.download_url = self("evidence:download", link.file_id)  # type: ignore[attr-defined]
            link.detach_url = self("evidence:detach", link.pk)  # type: ignore[attr-defined]
        return {
            "save": self("evaluation:answer_save", answer.pk),
            "submit": self("evaluation:answer_submit", answer.pk),
            "accept": self("evaluation:answer_accept", answer.pk),
            "return": self("evaluation:answer_return", answer.pk),
            "reuse": self("evaluation:answer_reuse", answer.pk),
            "history": self("evaluation:answer_history", answer.pk),
            "upload": self("evidence:upload"),
            "attach": self("evidence:attach"),
        }
