"""DHIS2-style identifiers and periods for Layak's indicator data.

DHIS2 names every object by an 11-character UID (a letter, then ten letters or digits). Layak
derives them from what already identifies each object, so they never change while that does
not, are the same on every Layak installation, and need no column of their own:

- a region (organisation unit): ``r`` + its official code, packed (``32.16`` → ``r0000000sKl``,
  read back without a look-up);
- an organisation (a government office, also an organisation unit): ``o`` + its id, packed;
- a data element: ``e`` + a digest of its code; a data set: ``s`` + a digest of its code
  (``K3_YEARLY``: the elements of a cluster collected at one period type);
- a category option combo: ``c`` + a digest of its disaggregation key (``age=1-5;sex=F``); the
  total of an element that is not broken down is DHIS2's own ``default`` combo, ``HllvX50cXC0``,
  as in every DHIS2 instance;
- an asynchronous import: ``j`` + the job's id, packed.

Periods are written the DHIS2 way: ``2025`` (yearly), ``2025Q1`` (quarterly), ``202501``
(monthly); Layak's own monthly form ``2025-01`` is read too. Weekly periods (``2025W05``) are
understood and refused: no Layak element is collected weekly.
"""

from __future__ import annotations

import hashlib
import re

from layak.indicators.models import PeriodType

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
UID = re.compile(r"^[A-Za-z][A-Za-z0-9]{10}$")
DEFAULT_COMBO = "HllvX50cXC0"
DEFAULT_CODE = "default"
DEFAULT_CATEGORY_COMBO = "bjDvmb4bfuf"
_BODY = 10
_REGION_DIGITS = "0123456789."


def _pack(number: int) -> str:
    if number < 0 or number >= len(ALPHABET) ** _BODY:
        raise ValueError("out of range")
    text = ""
    while number:
        number, rest = divmod(number, len(ALPHABET))
        text = ALPHABET[rest] + text
    return text.rjust(_BODY, "0")


def _unpack(text: str) -> int:
    number = 0
    for char in text:
        number = number * len(ALPHABET) + ALPHABET.index(char)
    return number


def _digest(kind: str, key: str) -> str:
    raw = int.from_bytes(hashlib.sha256(f"{kind}:{key}".encode()).digest()[:8], "big")
    return kind + _pack(raw % len(ALPHABET) ** _BODY)


def region_uid(code: str) -> str:
    """``r`` + the code read as a number in base 11 (digits and dots) after a leading 1."""
    number = 1
    for char in code:
        number = number * 11 + _REGION_DIGITS.index(char)
    return "r" + _pack(number)


def region_code(uid: str) -> str | None:
    """The region code a region UID stands for; None for anything else."""
    if not UID.match(uid) or uid[0] != "r":
        return None
    number = _unpack(uid[1:])
    chars = ""
    while number > 1:
        number, rest = divmod(number, 11)
        chars = _REGION_DIGITS[rest] + chars
    return chars if number == 1 and chars else None


def organisation_uid(pk: int) -> str:
    return "o" + _pack(pk)


def organisation_pk(uid: str) -> int | None:
    if not UID.match(uid) or uid[0] != "o":
        return None
    return _unpack(uid[1:])


def job_uid(pk: int) -> str:
    return "j" + _pack(pk)


def job_pk(uid: str) -> int | None:
    if not UID.match(uid) or uid[0] != "j":
        return None
    return _unpack(uid[1:])


def element_uid(code: str) -> str:
    return _digest("e", code)


def user_uid(pk: int) -> str:
    return "u" + _pack(pk)


def category_combo_uid(codes: str) -> str:
    """A category combo (the categories an element is broken down by, ``age;sex``); DHIS2's
    ``default`` combo, ``bjDvmb4bfuf``, for none."""
    return DEFAULT_CATEGORY_COMBO if codes == "" else _digest("k", codes)


def combo_uid(key: str) -> str:
    return DEFAULT_COMBO if key == "" else _digest("c", key)


def combo_code(key: str) -> str:
    return DEFAULT_CODE if key == "" else key


def data_set_code(cluster: str, period_type: str) -> str:
    return f"{cluster}_{PERIOD_NAMES[period_type].upper()}"


def data_set_uid(code: str) -> str:
    return _digest("s", code)


# ---- periods ------------------------------------------------------------------------------

# DHIS2's names of the period types Layak's elements use.
PERIOD_NAMES: dict[str, str] = {
    PeriodType.YEAR: "Yearly",
    PeriodType.QUARTER: "Quarterly",
    PeriodType.MONTH: "Monthly",
}
_YEAR = re.compile(r"^(\d{4})$")
_QUARTER = re.compile(r"^(\d{4})Q([1-4])$")
_MONTH = re.compile(r"^(\d{4})-?(0[1-9]|1[0-2])$")
_WEEK = re.compile(r"^(\d{4})W(0?[1-9]|[1-4]\d|5[0-3])$")


def period_type_of(period: str) -> str | None:
    """The period type a DHIS2 (or Layak) period is written in; ``week`` for a weekly period;
    None when it is no period."""
    if _YEAR.match(period):
        return PeriodType.YEAR
    if _QUARTER.match(period):
        return PeriodType.QUARTER
    if _MONTH.match(period):
        return PeriodType.MONTH
    if _WEEK.match(period):
        return "week"
    return None


def to_layak(period: str) -> str:
    """The period as Layak stores it (``202501`` → ``2025-01``); others unchanged."""
    match = _MONTH.match(period)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    return period


def to_dhis2(period: str) -> str:
    """The period as DHIS2 writes it (``2025-01`` → ``202501``)."""
    match = _MONTH.match(period)
    if match:
        return f"{match.group(1)}{match.group(2)}"
    return period
