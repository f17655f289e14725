"""Every edit form of the project, opened in Indonesian and saved unchanged, leaves every stored
field as it was.

The form is read back the way a browser submits it: a date, time or number input whose value
the browser cannot understand is submitted empty (that is how "12-02-2024" in a date input
erased a decree's period), unchecked boxes are left out, a select sends its selected options.
The rows are those of the URL matrix's world (``test_url_matrix``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.urls import reverse

from layak.core.tests.matrix import SIGNED_IN
from layak.core.tests.test_url_matrix import (  # noqa: F401 (fixtures)
    MATRIX,
    _media_root,
    shared_world,
    url_names,
    world,
)
from layak.testing import Personas

# Every page whose form changes a stored record; a new one must be added here.
EDIT_FORMS = [
    "accounts:profile",
    "afse:edit",
    "discussions:message_edit",
    "evaluation:cycle_windows",
    "indicators:category_edit",
    "indicators:element_edit",
    "indicators:indicator_edit",
    "indicators:rule_edit",
    "organisations:edit",
    "participation:proposal_edit",
    "partners:commitment_edit",
    "partners:contact_edit",
    "partners:contribution_edit",
    "partners:profile_edit",
    "plans:edit",
    "plans:item_edit",
    "taskforce:decree_edit",
    "taskforce:follow_up_edit",
    "taskforce:meeting_edit",
    "taskforce:member_edit",
]
# Who edits, in order of preference: the first role the matrix lets open the page.
EDITORS = ["bekasi.admin", "ministry", "bekasi.dinkes", "bekasi.partner", "bekasi.forum"]
# Fields a save may touch by design: the moment and the edit counter.
VOLATILE = {"updated_at", "changed_at", "revision", "last_login", "heartbeat_at"}
SKIPPED_MODELS = {"audit.auditentry", "jobs.job", "sessions.session", "axes.accessattempt"}

# What a browser accepts in typed inputs (the HTML standard's value sanitisation).
VALID = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "time": re.compile(r"\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "datetime-local": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?"),
    "month": re.compile(r"\d{4}-\d{2}"),
    "number": re.compile(r"-?(\d+|\d*\.\d+)([eE][-+]?\d+)?"),
}


class _Form(HTMLParser):
    """The post form with the most fields on a page, as a browser would submit it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict[str, Any]] = []
        self.current: dict[str, Any] | None = None
        self.select: tuple[str, bool] | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None
        self.text = ""
        self.typed: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            if a.get("method", "get").lower() == "post":
                self.current = {"action": a.get("action", ""), "data": [], "typed": []}
            return
        if self.current is None:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in a:
                    self.current["data"].append((name, a.get("value", "on")))
                return
            value = a.get("value", "")
            if kind in VALID and value and not VALID[kind].fullmatch(value):
                value = ""  # the browser shows the input empty and submits nothing
            if kind in VALID:
                self.current["typed"].append((name, kind, a.get("value", "")))
            self.current["data"].append((name, value))
        elif tag == "select" and name and "disabled" not in a:
            self.select = (name, "multiple" in a)
            self.options = []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))
            self.text = ""
        elif tag == "textarea" and name and "disabled" not in a:
            self.textarea = name
            self.text = ""

    def handle_data(self, data: str) -> None:
        if self.textarea is not None:
            self.text += data

    def handle_endtag(self, tag: str) -> None:
        if self.current is None:
            return
        if tag == "select" and self.select is not None:
            name, multiple = self.select
            chosen = [v for v, s in self.options if s]
            if not chosen and not multiple and self.options:
                chosen = [self.options[0][0]]
            self.current["data"].extend((name, v) for v in chosen)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            self.current["data"].append((self.textarea, self.text.removeprefix("\n")))
            self.textarea = None
        elif tag == "form":
            self.forms.append(self.current)
            self.current = None


def _form_of(html: str, url: str = "") -> dict[str, Any]:
    parser = _Form()
    parser.feed(html)
    forms = [f for f in parser.forms if f["action"] in ("", ".", url) or "?" in f["action"]]
    forms = forms or parser.forms
    assert forms, "no post form on the page"
    return max(forms, key=lambda f: len(f["data"]))


def _snapshot() -> dict[str, list[dict[str, Any]]]:
    """Every stored row of Layak's apps, without the fields a save touches by design."""
    rows: dict[str, list[dict[str, Any]]] = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if not model.__module__.startswith("layak.") or label in SKIPPED_MODELS:
            continue
        fields = [f.attname for f in model._meta.concrete_fields if f.attname not in VOLATILE]
        rows[label] = list(model._default_manager.order_by("pk").values(*fields))
    return rows


def _differences(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    found = []
    for label, rows in before.items():
        if rows != after[label]:
            old = {r.get("id"): r for r in rows}
            for row in after[label]:
                was = old.get(row.get("id"))
                if was is None:
                    found.append(f"{label}: a new row {row}")
                    continue
                for key, value in row.items():
                    if was[key] != value:
                        found.append(f"{label} {row.get('id')}.{key}: {was[key]!r} → {value!r}")
            if len(after[label]) < len(rows):
                found.append(f"{label}: rows removed")
    return found


def _draft_commitment(p: Personas) -> dict[str, object]:
    """The matrix's commitment is submitted (no longer editable): a draft one."""
    from layak.partners.testing import bekasi_business, make_commitment

    return {"pk": make_commitment(p["bekasi.partner"], bekasi_business(), title="Draf").pk}


# Pages whose matrix row cannot be edited: the row to edit instead.
PREPARE = {"partners:commitment_edit": _draft_commitment}


def _editor(name: str) -> str:
    case = MATRIX[name]
    if name in PREPARE:  # the matrix's row redirects; whoever may edit it opens the draft
        return next(role for role in EDITORS if case.expected(role) == 302)
    return next(role for role in EDITORS if case.expected(role) == 200)


def test_every_edit_page_is_in_the_round_trip():
    """A page with "edit" in its name is an edit form: it must be in EDIT_FORMS."""
    edit_like = {n for n in url_names() if re.search(r"(^|_|:)edit($|_)", n)}
    assert edit_like <= set(EDIT_FORMS), sorted(edit_like - set(EDIT_FORMS))


@pytest.mark.django_db
@pytest.mark.parametrize("name", EDIT_FORMS)
def test_an_edit_form_saved_unchanged_in_indonesian_changes_nothing(
    client,
    world: Personas,  # noqa: F811 (the matrix's fixture)
    name: str,
):
    role = _editor(name)
    user = world[role]
    assert role in SIGNED_IN
    user.language = "id"
    user.save(update_fields=["language"])
    client.force_login(user)
    kwargs = PREPARE[name](world) if name in PREPARE else MATRIX[name].kwargs(world)
    url = reverse(name, kwargs=kwargs)
    page = client.get(url)
    assert page.status_code == 200, (name, role, page.status_code)
    html = page.content.decode()
    assert '<html lang="id"' in html
    form = _form_of(html, url)
    for field, kind, value in form["typed"]:
        assert VALID[kind].fullmatch(value) or value == "", (
            f"{name}: the {kind} input {field} holds {value!r}, which a browser shows empty"
        )
    before = _snapshot()
    data: dict[str, list[str]] = {}
    for key, value in form["data"]:
        data.setdefault(key, []).append(value)
    response = client.post(url, data)
    assert response.status_code in (302, 303), f"{name} as {role} was refused: " + " ".join(
        re.findall(r'<p class="error"[^>]*>(.*?)</p>', response.content.decode())
    )
    assert _differences(before, _snapshot()) == [], name


@pytest.mark.parametrize("language", ["id", "en"])
def test_date_and_time_inputs_hold_what_browsers_read_in_every_language(language):
    import datetime

    from django import forms
    from django.utils import translation

    with translation.override(language):
        date = forms.DateInput(attrs={"type": "date"}).format_value(datetime.date(2024, 2, 12))
        time = forms.TimeInput(attrs={"type": "time"}).format_value(datetime.time(9, 0))
        assert (date, time) == ("2024-02-12", "09:00")
        assert forms.DateField().clean("2024-02-12") == datetime.date(2024, 2, 12)
        assert forms.TimeField().clean("09:00") == datetime.time(9, 0)


def test_indonesian_dates_typed_by_hand_are_read_day_first():
    import datetime

    from django import forms
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("id"):
        field = forms.DateField()
        assert field.clean("12-02-2024") == datetime.date(2024, 2, 12)
        assert field.clean("12/02/2024") == datetime.date(2024, 2, 12)
        assert forms.TimeField().clean("09.30") == datetime.time(9, 30)
        with pytest.raises(ValidationError):
            field.clean("02/13/2024")  # month first is not an Indonesian date
