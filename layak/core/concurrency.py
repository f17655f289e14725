"""Two people editing one record: an optimistic check, so neither loses work.

A record edited through a form has a ``revision`` number, raised by every saved edit. The form
carries the revision the person opened in a hidden field (``RevisionFormMixin``); the action
locks the row and calls ``check``: when the row has moved on, nothing is saved and
``EditConflict`` carries the row as it is now. The view then shows the other person's values
next to the person's own (``differences`` and ``conflict_table``), keeps the person's input in
the form, and moves the form's hidden revision to the current one, so saving again is a
deliberate choice made after seeing both versions. (Evaluation answers work the same way with
their own ``AnswerConflict``.)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.db import models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

REVISION = "revision"


def revision_field() -> models.PositiveIntegerField:  # type: ignore[type-arg]
    """The model field: raised by every saved edit."""
    from django.utils.translation import gettext_lazy

    return models.PositiveIntegerField(gettext_lazy("revision"), default=0, editable=False)


def conflict_message() -> str:
    return _(
        "Someone else saved this record after you opened it, so your changes were not saved. "
        "Their version and yours are shown below, and your changes are still in the form: "
        "check them and save again to keep yours."
    )


class EditConflict(Exception):
    """The record changed since the person opened it; nothing was saved. ``current`` is the row
    as it is now (locked and read in the refused transaction)."""

    def __init__(self, current: models.Model) -> None:
        self.current: Any = current
        super().__init__(conflict_message())


def check(obj: models.Model, revision: int | None) -> None:
    """Refuse the save when ``obj`` (locked) is not at ``revision``, the one the person opened.
    ``None`` skips the check: callers that are not a person's form (imports, scripts)."""
    if revision is not None and getattr(obj, REVISION) != revision:
        raise EditConflict(obj)


def bump(obj: models.Model) -> str:
    """Raise ``obj``'s revision for the save about to happen; returns the field's name for
    ``update_fields``."""
    setattr(obj, REVISION, getattr(obj, REVISION) + 1)
    return REVISION


class RevisionFormMixin(forms.Form):
    """Adds the hidden ``revision`` field. The edit view makes it required and fills it with the
    record's revision; a new record's form leaves it empty."""

    revision = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def expect_revision(self, obj: models.Model) -> None:
        """For an edit form: the revision is required and starts at the record's."""
        field = self.fields[REVISION]
        field.required = True
        field.initial = getattr(obj, REVISION)
        self.initial[REVISION] = getattr(obj, REVISION)

    def keep_after_conflict(self, conflict: EditConflict) -> None:
        """Keep what the person typed and move the hidden revision to the current one, so that
        saving again replaces the other person's version knowingly."""
        keep_revision(self, getattr(conflict.current, REVISION))
        self.add_error(None, str(conflict))


def keep_revision(form: forms.BaseForm, revision: int, prefix_name: str = REVISION) -> None:
    data = form.data.copy()  # type: ignore[attr-defined]
    data[form.add_prefix(prefix_name)] = str(revision)
    form.data = data


@dataclass(frozen=True)
class Difference:
    label: str
    theirs: str
    yours: str


def shown(value: Any) -> str:
    """A value as the conflict table shows it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, models.Model):
        return str(value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, list | tuple):
        return "\n".join(shown(v) for v in value)
    if isinstance(value, set | frozenset | models.QuerySet):
        return "; ".join(sorted(shown(v) for v in value))
    return str(value)


def differences(rows: Iterable[tuple[str, Any, Any]]) -> list[Difference]:
    """(label, their value, your value) → the rows where the two differ, as text."""
    found = []
    for label, theirs, yours in rows:
        a, b = shown(theirs), shown(yours)
        if a != b:
            found.append(Difference(str(label), a, b))
    return found


def conflict_table(found: Iterable[Difference]) -> SafeString:
    """The two versions side by side (an empty string when nothing differs)."""
    found = list(found)
    if not found:
        return SafeString("")
    body = format_html_join(
        "",
        '<tr><th scope="row">{}</th><td class="theirs">{}</td><td class="yours">{}</td></tr>',
        ((d.label, d.theirs, d.yours) for d in found),
    )
    return format_html(
        '<table class="conflict" data-testid="conflict"><caption>{}</caption>'
        '<thead><tr><th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr>'
        "</thead><tbody>{}</tbody></table>",
        _("Saved by the other person, and your unsaved version"),
        _("Field"),
        _("Saved now"),
        _("Yours (not saved)"),
        body,
    )
