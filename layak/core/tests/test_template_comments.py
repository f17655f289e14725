"""A template comment written ``{# … #}`` ends on its own line: Django shows one that spans
lines as text on the page. Longer comments are ``{% comment %}`` blocks."""

from __future__ import annotations

import re
from pathlib import Path

import layak

ROOT = Path(layak.__file__).resolve().parent
OPEN = re.compile(r"\{#(?!.*?#\})")


def test_no_template_comment_spans_lines() -> None:
    found = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted(ROOT.rglob("*.html"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if OPEN.search(line)
    ]
    assert not found, found
