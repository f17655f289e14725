"""English: ISO first for the browser's date and time inputs (see ``layak.core.formats``)."""

TIME_INPUT_FORMATS = [
    "%H:%M",  # 09:00, what time inputs hold
    "%H:%M:%S",
    "%H:%M:%S.%f",
]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%dT%H:%M",  # what datetime-local inputs hold
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
    "%Y-%m-%d %H:%M",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
]

# One way to show dates and times on every page: 6 Dec 2026 and 6 Dec 2026, 18:48.
DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
