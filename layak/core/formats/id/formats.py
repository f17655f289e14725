"""Indonesian: ISO first for the browser's date and time inputs (see ``layak.core.formats``);
then the ways Indonesians write dates (day first; Django's month-first ``%m/%d/%Y`` is left
out, it would read 02/13/2024 as a day that was never meant)."""

DATE_INPUT_FORMATS = [
    "%Y-%m-%d",  # 2024-02-12, what date inputs hold
    "%d-%m-%Y",  # 12-02-2024
    "%d/%m/%Y",  # 12/02/2024
    "%d-%m-%y",  # 12-02-24
    "%d/%m/%y",  # 12/02/24
    "%d %b %Y",  # 12 Feb 2024
    "%d %B %Y",  # 12 Februari 2024
]
TIME_INPUT_FORMATS = [
    "%H:%M",  # 09:00, what time inputs hold
    "%H:%M:%S",  # 09:00:00
    "%H.%M.%S",  # 09.00.00
    "%H.%M",  # 09.00
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # what datetime-local inputs hold
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%d-%m-%Y %H.%M.%S",
    "%d-%m-%Y %H.%M",
    "%d/%m/%Y %H.%M.%S",
    "%d/%m/%Y %H.%M",
]

# One way to show dates and times on every page, the same day-month-year as the reports:
# 6 Des 2026 and 6 Des 2026, 18.48.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H.i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H.i"
TIME_FORMAT = "H.i"
