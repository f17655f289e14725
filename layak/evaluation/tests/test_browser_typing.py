"""What an office operator types survives the page redrawing an answer card: while an autosave
runs, before it has gone, when a file is uploaded at once, and when "Ajukan" is pressed right
after typing (in Chromium, in Indonesian)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from layak.evaluation.models import Answer
from layak.evaluation.tests.test_workflow import PDF
from layak.testing import make_cycle, make_personas, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NOTE = "Kematian ibu 2026 sebanyak 41 kasus, turun dari 47 kasus pada 2025 menurut Dinkes"


def card(page, code):
    return page.get_by_test_id(f"answer-{code}")


def fresh(answer: Answer) -> Answer:
    return Answer.objects.get(pk=answer.pk)


def open_t11_as_dinkes(page) -> Answer:
    """Dinkes of Bekasi signed in, on the indicator page of item T-1.1."""
    personas = make_personas()
    evaluation = make_cycle(personas)
    t11: Answer = evaluation.answers["T-1.1"]
    sign_in(page, personas.bekasi_dinkes.email)
    page.goto(
        f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/{t11.question.indicator_id}/"
    )
    return t11


def test_typing_goes_on_while_the_card_is_saved_and_redrawn(page, tmp_path):
    t11 = open_t11_as_dinkes(page)

    # A choice, then the note typed straight away, slower than the autosave's delay: the save
    # of the choice comes back mid-sentence and redraws the card.
    card(page, "T-1.1").get_by_label("SK").check()
    note = card(page, "T-1.1").locator("textarea[name=note]")
    note.press_sequentially(NOTE, delay=40)
    # The typing went on in the same field: focus and every character kept.
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_have_value(NOTE)
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_be_focused()
    # Leaving the field saves it; "Tersimpan." is said only once the save carrying the whole
    # note is back (not by an earlier save's card).
    page.keyboard.press("Tab")
    expect(card(page, "T-1.1").locator(".message.success")).to_have_text("Tersimpan.")
    assert fresh(t11).note == NOTE
    # A change after the save: the card no longer says "Tersimpan." until it is saved.
    card(page, "T-1.1").locator("textarea[name=note]").press("Control+End")
    card(page, "T-1.1").locator("textarea[name=note]").press_sequentially(".")
    expect(card(page, "T-1.1").locator(".message")).to_have_text(
        "Ada perubahan yang belum tersimpan…"
    )
    expect(card(page, "T-1.1").locator(".message.success")).to_have_count(0)
    page.keyboard.press("Tab")
    expect(card(page, "T-1.1").locator(".message.success")).to_have_text("Tersimpan.")
    assert fresh(t11).note == NOTE + "."
    card(page, "T-1.1").locator("textarea[name=note]").fill(NOTE)
    page.keyboard.press("Tab")
    expect(card(page, "T-1.1").locator(".message.success")).to_have_text("Tersimpan.")
    assert fresh(t11).note == NOTE
    page.reload()
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_have_value(NOTE)
    expect(card(page, "T-1.1").get_by_label("SK")).to_be_checked()

    # Another choice and more words, then a file uploaded at once, before the autosave went:
    # the upload's redraw keeps the choice and the note, and they are saved.
    doc = tmp_path / "Perda KLA.pdf"
    doc.write_bytes(PDF)
    card(page, "T-1.1").get_by_label("Perda").check()
    card(page, "T-1.1").locator("textarea[name=note]").press("Control+End")
    card(page, "T-1.1").locator("textarea[name=note]").press_sequentially(" (revisi)")
    card(page, "T-1.1").locator("input[type=file]").set_input_files(str(doc))
    card(page, "T-1.1").get_by_role("button", name="Unggah", exact=True).click()
    expect(card(page, "T-1.1").get_by_test_id("evidence-list")).to_contain_text("Perda KLA")
    # The redrawn card holds what was typed and saves it again.
    expect(card(page, "T-1.1").get_by_label("Perda")).to_be_checked()
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_have_value(NOTE + " (revisi)")
    expect(card(page, "T-1.1").locator(".message.success")).to_have_text("Tersimpan.")
    answer = fresh(t11)
    assert answer.note == NOTE + " (revisi)"
    perda = answer.question.options.get(label="Perda")
    assert str(answer.value["option"]) == str(perda.pk)
    page.reload()
    expect(card(page, "T-1.1").get_by_label("Perda")).to_be_checked()
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_have_value(NOTE + " (revisi)")


def test_a_save_sent_right_after_a_space_keeps_the_space(page):
    """The server saves the note without its trailing space; a save that leaves just after a
    space was typed and comes back before the next key must not glue the next word on."""
    t11 = open_t11_as_dinkes(page)
    note = card(page, "T-1.1").locator("textarea[name=note]")
    note.press_sequentially("Kematian ibu turun dari ")
    # The save goes while the person is still in the field (as the autosave does after a
    # redraw), and comes back before the next key.
    with page.expect_response(lambda r: "/save/" in r.url):
        page.evaluate(
            "() => htmx.trigger(document.querySelector("
            "'[data-testid=\"answer-T-1.1\"] form.answer-form'), 'submit')"
        )
    page.wait_for_load_state("networkidle")
    assert fresh(t11).note == "Kematian ibu turun dari"
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_be_focused()
    card(page, "T-1.1").locator("textarea[name=note]").press_sequentially("47 kasus")
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_have_value(
        "Kematian ibu turun dari 47 kasus"
    )


def test_ajukan_right_after_typing_submits_what_was_typed(page):
    personas = make_personas()
    evaluation = make_cycle(personas)
    t21 = evaluation.answers["T-2.1"]
    sign_in(page, personas["bekasi.disdukcapil"].email)
    page.goto(
        f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/{t21.question.indicator_id}/"
    )
    card(page, "T-2.1").locator("input[name=number]").fill("92,5")
    card(page, "T-2.1").get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(card(page, "T-2.1").get_by_test_id("status")).to_have_text("Diajukan")
    answer = fresh(t21)
    assert answer.status == Answer.Status.SUBMITTED
    assert D(answer.value["number"]) == D("92.5")

    # A value the question refuses is not submitted: it stays typed, with the message beside it.
    t22 = evaluation.answers["T-2.2"]
    page.goto(
        f"/evaluation/assessments/{evaluation.bekasi.pk}/indicators/{t22.question.indicator_id}/"
    )
    cells = card(page, "T-2.2").locator("input[type=text], input[type=number]")
    cells.first.fill("banyak")
    card(page, "T-2.2").get_by_role("button", name="Ajukan ke kabupaten/kota").click()
    expect(card(page, "T-2.2").get_by_test_id("field-error")).to_be_visible()
    expect(card(page, "T-2.2").locator("input[type=text], input[type=number]").first).to_have_value(
        "banyak"
    )
    assert fresh(t22).status == Answer.Status.DRAFT


def test_leaving_the_page_with_typing_not_yet_saved_asks_first(page):
    """A note typed and the page left without leaving the field: the browser asks before the
    page goes, and staying keeps the text, which is then saved."""
    t11 = open_t11_as_dinkes(page)
    note = card(page, "T-1.1").locator("textarea[name=note]")
    note.press_sequentially("Data Dinkes 2026")
    asked: list[str] = []

    def stay(dialog) -> None:
        asked.append(dialog.type)
        dialog.dismiss()

    page.once("dialog", stay)
    page.get_by_role("link", name="Tugas saya").first.click(no_wait_after=True)
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_have_value("Data Dinkes 2026")
    page.keyboard.press("Tab")
    expect(card(page, "T-1.1").locator(".message.success")).to_have_text("Tersimpan.")
    assert fresh(t11).note == "Data Dinkes 2026"
    # Saved: the page is left without a question.
    page.get_by_role("link", name="Tugas saya").first.click()
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()


def test_a_save_that_cannot_reach_the_server_says_so_and_is_sent_again(page):
    """No connection when the autosave goes: the card says the changes are not saved, keeps
    them, and sends them once the connection is back."""
    t11 = open_t11_as_dinkes(page)
    page.context.set_offline(True)
    note = card(page, "T-1.1").locator("textarea[name=note]")
    note.press_sequentially("Tanpa sinyal")
    page.keyboard.press("Tab")
    expect(card(page, "T-1.1").get_by_test_id("save-failed")).to_contain_text(
        "Server tidak dapat dihubungi: perubahan Anda belum tersimpan."
    )
    assert fresh(t11).note == ""
    page.context.set_offline(False)
    expect(card(page, "T-1.1").locator(".message.success")).to_have_text("Tersimpan.")
    expect(card(page, "T-1.1").get_by_test_id("save-failed")).to_have_count(0)
    assert fresh(t11).note == "Tanpa sinyal"
    expect(card(page, "T-1.1").locator("textarea[name=note]")).to_have_value("Tanpa sinyal")


def test_a_card_not_yet_saved_says_its_changes_are_not_saved(page):
    """On a card fresh from the page, typing turns the hint beside the save button from "saved
    automatically" to "not saved yet" until the save is back."""
    t11 = open_t11_as_dinkes(page)
    hint = card(page, "T-1.1").get_by_test_id("save-hint")
    expect(hint).to_have_text("Perubahan disimpan secara otomatis.")
    card(page, "T-1.1").locator("textarea[name=note]").press_sequentially("Data 2026")
    expect(hint).to_have_text("Ada perubahan yang belum tersimpan…")
    page.keyboard.press("Tab")
    expect(card(page, "T-1.1").locator(".message.success")).to_have_text("Tersimpan.")
    expect(card(page, "T-1.1").get_by_test_id("save-hint")).to_have_text(
        "Perubahan disimpan secara otomatis."
    )
    assert fresh(t11).note == "Data 2026"
