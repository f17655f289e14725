"""The one number reader: Indonesian, English and plain formats, the form fields, the filters."""

from __future__ import annotations

import contextlib
from decimal import Decimal as D

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from layak.core.forms import CountField, NumberField
from layak.core.numbers import (
    PLAIN,
    NumberError,
    check_places,
    format_number,
    parse_number,
    to_cents,
)

amounts = st.decimals(
    min_value=D("-999999999999"), max_value=D("999999999999"), places=2, allow_nan=False
)
wholes = st.integers(min_value=0, max_value=10**15)


def _grouped(number: int, mark: str) -> str:
    return f"{number:,}".replace(",", mark)


@given(wholes)
def test_indonesian_thousands_are_read_as_thousands(number):
    assert parse_number(_grouped(number, "."), language="id") == number


@given(st.text(alphabet="0123456789.,-", min_size=1, max_size=9))
def test_text_read_in_two_conventions_never_gives_two_numbers(text):
    """Whatever the convention, a text that two of them read gives the same number, or one of
    them refuses it: "1.500" is never 1.5 here and 1500 there."""
    read = {}
    for language in ("id", PLAIN):
        with contextlib.suppress(NumberError):
            read[language] = parse_number(text, language=language)
    assert len(set(read.values())) <= 1, (text, read)


@given(wholes)
def test_plain_digits_mean_the_same_in_every_convention(number):
    for language in ("id", "en", PLAIN):
        assert parse_number(str(number), language=language) == number


@given(amounts)
def test_what_is_shown_reads_back_as_the_same_number(value):
    for language in ("id", "en", PLAIN):
        shown = format_number(value, language=language)
        assert parse_number(shown, language=language) == value


@given(amounts)
def test_indonesian_decimals_use_the_comma(value):
    whole, _, cents = f"{abs(value):f}".partition(".")
    text = ("-" if value < 0 else "") + _grouped(int(whole), ".") + "," + cents
    assert parse_number(text, language="id") == value


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=99))
def test_a_dot_that_cannot_group_thousands_is_refused_in_indonesian(whole, fraction):
    # "12.5" could be twelve and a half written the English way or a mistyped 125: refused.
    text = f"{whole}.{fraction:02d}"
    with pytest.raises(NumberError):
        parse_number(text, language="id")


@given(st.integers(min_value=1, max_value=999), st.integers(min_value=0, max_value=999))
def test_the_same_text_never_means_two_numbers(whole, group):
    # "1.200" is 1200 in Indonesian; in English it is 1.2; in plain format 1.2 as well. Read
    # with one convention it has exactly one meaning.
    text = f"{whole}.{group:03d}"
    assert parse_number(text, language="id") == whole * 1000 + group
    assert parse_number(text, language="en") == D(text)


@given(st.text(max_size=12))
def test_anything_else_is_a_number_or_a_clear_refusal(text):
    for language in ("id", "en", PLAIN):
        try:
            value = parse_number(text, language=language)
        except NumberError as exc:
            assert str(exc)
        else:
            assert value.is_finite()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("250.000", D(250000)),
        ("1.200", D(1200)),
        ("1,5", D("1.5")),
        ("1.234.567,89", D("1234567.89")),
        ("Rp 120.000.000", D(120000000)),
        ("Rp. 1.250.000,50", D("1250000.50")),
        ("1 200 000", D(1200000)),
        ("-3,25", D("-3.25")),
        ("95,16", D("95.16")),
    ],
)
def test_indonesian_examples(text, expected):
    assert parse_number(text, language="id") == expected


@pytest.mark.parametrize("text", ["1.2", "12.5", "100.000.00", "1,2,3", "1e5", "abc", "1 2", ""])
def test_indonesian_refusals_say_how_to_write_it(text):
    with translation.override("id"), pytest.raises(NumberError) as caught:
        parse_number(text, language="id")
    message = str(caught.value)
    assert message
    if text:
        assert "titik" in message and "koma" in message, message


def test_a_refusal_offers_both_readings():
    with translation.override("id"), pytest.raises(NumberError) as caught:
        parse_number("1.2", language="id")
    assert "12" in str(caught.value) and "1,2" in str(caught.value)


def test_plain_format_refuses_grouping_and_the_comma():
    assert parse_number("1200.5", language=PLAIN) == D("1200.5")
    assert parse_number("0.125", language=PLAIN) == D("0.125")
    for text in ("1,200", "1.200,5", "1 200.5", "1.500", "-250.000"):
        with pytest.raises(NumberError):
            parse_number(text, language=PLAIN)


def test_numbers_pass_as_they_are():
    assert parse_number(1200, language="id") == 1200
    assert parse_number(12.5, language="id") == D("12.5")
    assert parse_number(D("0.1"), language="id") == D("0.1")
    for bad in (float("nan"), float("inf"), True):
        with pytest.raises(NumberError):
            parse_number(bad, language="id")


def test_more_decimals_than_kept_are_refused_not_rounded():
    check_places(D("1.25"), 2)
    with pytest.raises(NumberError):
        check_places(D("1.255"), 2)
    with pytest.raises(NumberError):
        check_places(D("1.5"), 0)


def test_the_active_language_is_the_default():
    with translation.override("id"):
        assert parse_number("1.200") == 1200
    with translation.override("en"):
        assert parse_number("1.200") == D("1.2")
        assert parse_number("1,200") == 1200


class Amounts(forms.Form):
    amount = NumberField(required=False, min_value=0)
    people = CountField(required=False, min_value=0)


def test_form_fields_read_and_show_numbers_in_the_persons_language():
    with translation.override("id"):
        form = Amounts({"amount": "250.000", "people": "1.200"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"amount": D(250000), "people": 1200}
        shown = Amounts(initial={"amount": D("120000000.50"), "people": 1200}).as_p()
        assert 'value="120.000.000,5"' in shown and 'value="1.200"' in shown
        assert 'inputmode="decimal"' in shown and 'type="text"' in shown
        assert "titik" in shown  # the convention is said beside the field
        refused = Amounts({"amount": "1.2", "people": "1,5"})
        assert not refused.is_valid()
        assert "1,2" in refused.errors["amount"][0]
        assert refused.errors["people"] == ["Tulis bilangan bulat."]
        assert Amounts({"amount": "1,234"}).errors["amount"]  # three decimals: never rounded
    with translation.override("en"):
        form = Amounts({"amount": "250,000.5", "people": "1,200"})
        assert form.is_valid(), form.errors
        assert form.cleaned_data == {"amount": D("250000.5"), "people": 1200}


def test_filters_follow_the_readers_language():
    template = Template(
        "{% load layak %}{{ v|number }}|{{ p|percent }}|{{ m|rupiah }}|{{ none|number }}"
    )
    context = Context({"v": D("1234.5"), "p": D("95.16"), "m": D("120000000"), "none": None})
    with translation.override("id"):
        assert template.render(context) == "1.234,5|95,16%|Rp 120.000.000|—"
    with translation.override("en"):
        assert template.render(context) == "1,234.5|95.16%|Rp 120,000,000|—"


def test_each_kind_of_figure_is_written_one_way():
    """Points always with two decimals (61,2 is "61,20" as on the gaps and scores pages),
    percentages with the sign right after the number ("100%", never "100 %"), counts grouped
    ("3.960")."""
    template = Template(
        "{% load layak %}{{ t|points }}|{{ whole|points }}|{{ big|points }}|{{ p|percent }}"
        "|{{ full|percent }}|{{ n|number }}|{{ none|points }}"
    )
    context = Context(
        {
            "t": D("61.2"),
            "whole": 45,
            "big": D("1000"),
            "p": D("78.14"),
            "full": D("100.00"),
            "n": D("3960"),
            "none": None,
        }
    )
    with translation.override("id"):
        assert template.render(context) == "61,20|45,00|1.000,00|78,14%|100%|3.960|—"
    with translation.override("en"):
        assert template.render(context) == "61.20|45.00|1,000.00|78.14%|100%|3,960|—"
    from layak.core.numbers import PLAIN, format_percent, format_points

    assert format_points(D("-0.001"), language="id") == "0,00"
    assert format_points(D("638.125"), language="id") == "638,13"  # a half cent rounded up
    assert format_points(D("61.2"), language=PLAIN) == "61.20"
    assert format_percent(D("12.5"), language="id") == "12,5%"


@pytest.mark.django_db
def test_the_instrument_workbook_reads_scale_max_with_the_same_reader(personas):
    from io import BytesIO

    from openpyxl import load_workbook

    from layak.frameworks import actions
    from layak.frameworks.models import InstrumentVersion
    from layak.frameworks.spec import spec_of
    from layak.frameworks.workbook import export_workbook, read_workbook

    actions.bundled_load()
    original = InstrumentVersion.objects.get(framework__code="kla24")
    wb = load_workbook(BytesIO(export_workbook(spec_of(original))))
    sheet = wb["Instrument"]
    row = next(r for r in range(1, sheet.max_row + 1) if sheet[f"A{r}"].value == "scale_max")

    def read(value: str):
        sheet[f"B{row}"] = value
        out = BytesIO()
        wb.save(out)
        return read_workbook(BytesIO(out.getvalue()))

    spec, problems = read("1.000")
    assert spec is not None and spec.scale_max == 1000
    with translation.override("id"):
        spec, problems = read("1.0")
    assert [(p.sheet, p.column) for p in problems] == [("Instrument", "scale_max")]
    assert "dapat berarti 10 atau 1" in problems[0].message


@pytest.mark.parametrize(
    ("language", "shown"), [("id", "638,13"), ("en", "638.13"), (PLAIN, "638.13")]
)
def test_a_half_cent_is_rounded_up_when_shown(language, shown):
    assert format_number(D("638.125"), language=language) == shown
    assert format_number(D("-0.125"), language=language) == shown.replace("638", "-0")


def test_a_figure_to_the_cent_rounds_a_half_up():
    assert to_cents(D("638.125")) == D("638.13")
    assert to_cents(638.115) == D("638.12")  # the float's own digits, not its binary error
    assert to_cents(None) == D("0.00")


def test_a_number_too_long_to_round_is_refused_in_words():
    """A number with more digits than any column holds cannot be rounded to the cent: it is
    refused with a message, never an error page."""
    from decimal import Decimal

    from django.utils import translation

    from layak.core.numbers import NumberError, check_places, parse_number

    huge = parse_number("9" * 40, language="id")
    with translation.override("id"), pytest.raises(NumberError, match=r"Nilai terlalu besar\."):
        check_places(huge, 2)
    check_places(Decimal("1250.5"), 2)  # an ordinary number passes
