"""What a person types into an answer's form, shared by the load client and the in-process page
benchmark (no locust here: importing locust patches the standard library for gevent)."""

from __future__ import annotations

import re
from typing import Any


def form_fields(item: dict[str, Any], marker: str, n: int) -> dict[str, str]:
    """What the answer form posts for this question: a value of its kind and a note that
    carries ``marker`` (the fault run finds every acknowledged write by it)."""
    data = {"note": marker}
    kind = item["kind"]
    if kind in ("number", "percentage"):
        data["number"] = str(n % 101)
    elif kind == "text":
        data["text"] = f"Load test answer {marker}"
    elif kind in ("single", "yes_no") and item["options"]:
        data["option"] = str(item["options"][n % len(item["options"])])
    elif kind == "multiple" and item["options"]:
        data["options"] = str(item["options"][n % len(item["options"])])
    elif kind == "table" and item.get("table"):
        data["cell-0-0"] = str(n)
    return data


def revision_of(html: str, answer: int) -> str | None:
    """The revision field of one answer's form on the page (or in the card htmx returns)."""
    start = html.find(f'id="answer-{answer}"')
    if start < 0:
        return None
    found = re.search(r'name="revision" value="(\d+)"', html[start:])
    return found.group(1) if found else None
