"""What the answer cards of a response share (``layak.evaluation.views.cards``): words kept
per language, addresses kept per script prefix."""

from __future__ import annotations

from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from layak.evaluation.views.cards import CardShare, card_words


def test_a_card_s_words_follow_the_reader_s_language_in_one_process() -> None:
    with translation.override("id"):
        indonesian = card_words()["save_draft"]
    with translation.override("en"):
        english = card_words()["save_draft"]
    with translation.override("id"):
        again = card_words()["save_draft"]
    assert english == "Save draft"
    assert indonesian == again == "Simpan draf"


def test_a_card_s_addresses_follow_the_script_prefix() -> None:
    before = get_script_prefix()
    try:
        set_script_prefix("/")
        plain = CardShare()("evaluation:answer_save", 42)
        set_script_prefix("/layak/")
        under = CardShare()("evaluation:answer_save", 42)
        expected = reverse("evaluation:answer_save", args=[42])
    finally:
        set_script_prefix(before)
    assert under == expected and under.startswith("/layak/")
    assert plain == under.removeprefix("/layak")
