"""The one number reader and writer of Layak.

Every number a person types into a form, a workbook or a CSV file is read by ``parse_number``
and every number shown is written by ``format_number`` (the ``number`` and ``percent`` template
filters), in the reader's language, with Babel's locale data (CLDR). One way for each kind of
figure, on every page:

- counts and amounts (``number``): grouped, decimals only where there are some — ``3.960``;
- points (``points``, ``format_points``): always two decimals — ``61,20``, ``1.000,00``;
- percentages (``percent``, ``format_percent``): the number then "%" with no space, as
  Indonesian writes it — ``78,14%``, ``100%``.

In the reader's language:

- Indonesian (the default): dots group thousands, a comma marks decimals — ``1.200`` is one
  thousand two hundred, ``1,5`` one and a half, ``1.234.567,89``.
- English: commas group thousands, a dot marks decimals — ``1,200``, ``1.5``.
- ``PLAIN`` (machine formats: the API): no grouping, a dot marks decimals — ``1200.5``; text
  such as ``1.500``, which an Indonesian reads as fifteen hundred, is refused (a JSON number is
  taken as it is).

Files (workbooks and CSV) follow the Indonesian convention whoever uploads them, so one file
means one thing. A number that is not written properly in its convention is refused with a
message saying how to write it (``1.2`` in Indonesian could be 12 or 1,2), never guessed.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from babel import Locale
from babel.numbers import NumberFormatError, NumberPattern, parse_decimal, parse_pattern
from django.utils.functional import lazy
from django.utils.translation import get_language
from django.utils.translation import gettext as _

PLAIN = "plain"
FILES = "id"
"""The convention of numbers written as text in uploaded workbooks and CSV files."""

_CHARACTERS = re.compile(r"[+-]?[0-9.,]+")
_PLAIN = re.compile(r"-?[0-9]+(\.[0-9]+)?")
# 1.500 as text: a machine's one and a half, or an Indonesian's fifteen hundred.
_PLAIN_OR_GROUPED = re.compile(r"-?[1-9][0-9]{0,2}\.[0-9]{3}")
_CURRENCY = re.compile(r"^(rp\.?|idr)\s*", re.IGNORECASE)
_SPACED = re.compile(r"[+-]?[0-9]{1,3}(\s[0-9]{3})+([.,][0-9]+)?")


class NumberError(ValueError):
    """A number that cannot be read for certain; ``str()`` is the message for the person."""


def _language(language: str | None) -> str:
    code = language or get_language() or "id"
    if code == PLAIN:
        return PLAIN
    return "en" if code.split("-")[0].lower() == "en" else "id"


def convention(language: str | None = None) -> str:
    """How numbers are written in ``language``, for help texts and messages."""
    lang = _language(language)
    if lang == PLAIN:
        return _("Write digits with a dot before the decimals and no grouping: 1200.5.")
    if lang == "en":
        return _("In English, commas group thousands and a dot marks decimals: 1,200.5.")
    return _("In Indonesian, dots group thousands and a comma marks decimals: 1.200,5.")


convention_lazy = lazy(convention, str)


def parse_number(value: object, *, language: str | None = None) -> Decimal:
    """The number ``value`` means, written as people of ``language`` write numbers (the active
    language when None; ``PLAIN`` for machine formats). Numbers (int, float, Decimal: an XLSX
    cell holding a number) are taken as they are. A leading "Rp" is allowed. Raises
    ``NumberError`` with a translated message for anything that is not certainly one number."""
    if isinstance(value, bool):
        raise NumberError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float | Decimal):
        number = Decimal(repr(value)) if isinstance(value, float) else value
        if not number.is_finite():
            raise NumberError(_("“%(value)s” is not a number.") % {"value": value})
        return number
    raw = "" if value is None else str(value)
    text = _CURRENCY.sub("", raw.strip())
    shown = raw.strip()[:40]
    if not text:
        raise NumberError(_("Write a number."))
    lang = _language(language)
    if lang != PLAIN and _SPACED.fullmatch(text):  # 1 200 000: spaces between groups of three
        text = re.sub(r"\s", "", text)
    if not _CHARACTERS.fullmatch(text):
        raise NumberError(
            _("“%(value)s” is not a number. %(convention)s")
            % {"value": shown, "convention": convention(lang)}
        )
    if lang == PLAIN:
        if not _PLAIN.fullmatch(text.removeprefix("+")):
            raise NumberError(
                _("“%(value)s” is not a number. %(convention)s")
                % {"value": shown, "convention": convention(lang)}
            )
        if _PLAIN_OR_GROUPED.fullmatch(text.removeprefix("+")):
            raise NumberError(
                _("“%(value)s” could mean %(options)s. %(convention)s")
                % {
                    "value": shown,
                    "options": _(" or ").join([text.replace(".", ""), text]),
                    "convention": convention(lang),
                }
            )
        return Decimal(text)
    try:
        number = parse_decimal(text, locale=lang, strict=True)
    except NumberFormatError as exc:
        suggestions = [s for s in (exc.suggestions or []) if s]
        if suggestions:
            raise NumberError(
                _("“%(value)s” could mean %(options)s. %(convention)s")
                % {
                    "value": shown,
                    "options": _(" or ").join(suggestions),
                    "convention": convention(lang),
                }
            ) from None
        raise NumberError(
            _("“%(value)s” is not a number. %(convention)s")
            % {"value": shown, "convention": convention(lang)}
        ) from None
    except (InvalidOperation, ValueError):
        raise NumberError(
            _("“%(value)s” is not a number. %(convention)s")
            % {"value": shown, "convention": convention(lang)}
        ) from None
    if not number.is_finite():
        raise NumberError(_("“%(value)s” is not a number.") % {"value": shown})
    return number


def check_places(value: Decimal, places: int) -> None:
    """Refuse more decimals than a column keeps, rather than rounding what was meant, and a
    number too long to be written at all."""
    try:
        rounded = value.quantize(Decimal(1).scaleb(-places))
    except InvalidOperation:
        raise NumberError(_("The value is too large.")) from None
    if value != rounded:
        if places == 0:
            raise NumberError(_("Write a whole number."))
        raise NumberError(_("Use at most %(places)d decimal places.") % {"places": places})


CENT = Decimal("0.01")


def to_cents(value: object) -> Decimal:
    """A stored or computed figure to the cent, a half cent rounded up (638.125 → 638.13), as
    people round; nothing counts as 0."""
    return Decimal(str(value or 0)).quantize(CENT, rounding=ROUND_HALF_UP)


def format_number(
    value: Decimal | int | float, *, places: int = 2, language: str | None = None
) -> str:
    """``value`` in the reader's language, grouped, with at most ``places`` decimals (trailing
    zeros dropped): 1234567.5 → "1.234.567,5" in Indonesian, "1,234,567.5" in English."""
    lang = _language(language)
    number = value if isinstance(value, Decimal) else Decimal(repr(value))
    if number.is_finite():
        # Babel would round a half to even (638.125 → "638,12"); people round it up.
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    if lang == PLAIN:
        return format(number.quantize(Decimal(1).scaleb(-places)).normalize(), "f")
    # ``babel.numbers.format_decimal``, its pattern and locale read once for every number.
    return str(_pattern(places).apply(number, _locale(lang), numbering_system="latn"))


@functools.cache
def _pattern(places: int) -> NumberPattern:
    return parse_pattern("#,##0" + ("." + "#" * places if places else ""))


@functools.cache
def _locale(language: str) -> Locale:
    return Locale.parse(language)


_SWAP = str.maketrans(",.", ".,")


def format_points(value: Decimal | int | float | None, *, language: str | None = None) -> str:
    """Points (a score, a total, a gap) always with two decimals, a half cent rounded up and
    grouped: 61.2 → "61,20", 1000 → "1.000,00" in Indonesian, "1,000.00" in English. Without
    Babel's general machinery: the gaps page writes hundreds of them."""
    lang = _language(language)
    number = to_cents(value)
    if not number:
        number = abs(number)  # -0.001 is "0,00", not "-0,00"
    if lang == PLAIN:
        return f"{number:.2f}"
    text = f"{number:,.2f}"
    return text.translate(_SWAP) if lang == "id" else text


def format_percent(
    value: Decimal | int | float, *, places: int = 2, language: str | None = None
) -> str:
    """A percentage (78.14 means 78.14 %) as the reader writes it: "78,14%" in Indonesian,
    "78.14%" in English, no space before the sign; at most ``places`` decimals."""
    return f"{format_number(value, places=places, language=language)}%"
