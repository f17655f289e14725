"""Audit entries in words: the one place that turns an entry into what a person reads.

Every app declares, in its ``labels.py``, the words for the action codes it writes and for the
keys of their before/after values that are not plain fields of the changed object::

    register(
        actions={"cycle.created": _("Cycle created")},
        fields={"instrument": Ref(_("Instrument"), InstrumentVersion)},
    )

A key is read, in this order, through the fields declared with the entry's action, the field of
the same name on the changed object's model (its verbose name, choices, related object's name,
date or number), then the fields declared for every action. Ids become names with one query per
kind of object for a whole page of entries, so a panel costs the same whatever it shows.
"""

from __future__ import annotations

import datetime
import decimal
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils import formats, timezone
from django.utils.functional import Promise
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layak import workflow
from layak.audit.models import AuditEntry
from layak.core.shapes import Shapes

Label = str | Promise
EMPTY = "—"
NOTHING: tuple[Any, ...] = (None, "", [], {})

_actions: dict[str, Label] = {}
_action_fields: dict[str, dict[str, Field]] = {}
_common_fields: dict[str, Field] = {}
_names: dict[type[models.Model], Naming] = {}
_SHAPES = Shapes(size=256)


@dataclass(frozen=True)
class Naming:
    """How the rows of one model are named in an audit panel (and what to load for it)."""

    name: Callable[[Any], str] = str
    related: tuple[str, ...] = ()
    prefetch: tuple[Any, ...] = ()  # lookups or ``Prefetch`` objects


def register(
    *,
    actions: Mapping[str, Label] | None = None,
    fields: Mapping[str, Field] | None = None,
    names: Mapping[type[models.Model], Naming] | None = None,
) -> None:
    """Declare action labels, with the fields their values use; ``fields`` without ``actions``
    apply to every action. ``"*"`` stands for any key of those actions not named otherwise."""
    for code, label in (actions or {}).items():
        _actions[code] = label
        if fields:
            _action_fields.setdefault(code, {}).update(fields)
    if fields and not actions:
        _common_fields.update(fields)
    _names.update(names or {})


def action_labels() -> dict[str, Label]:
    return dict(_actions)


def action_label(code: str) -> str:
    """An action in words; an action nobody declared shows as itself (a test forbids that)."""
    label = _actions.get(code)
    return str(label) if label is not None else code


def is_known(code: str) -> bool:
    return code in _actions


# ---- values ------------------------------------------------------------------------------


class Lookup:
    """Rows wanted by the fields of a page of entries, loaded with one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[tuple[type[models.Model], str], set[str]] = defaultdict(set)
        self.rows: dict[tuple[type[models.Model], str], dict[str, Any]] = {}

    def want(self, model: type[models.Model], value: object, by: str = "pk") -> None:
        if value is not None and value != "":
            self.wanted[(model, by)].add(str(value))

    def load(self) -> None:
        for (model, by), values in self.wanted.items():
            naming = _names.get(model, Naming())
            wanted: list[int | str] = (
                [int(v) for v in values if v.isdigit()] if by == "pk" else sorted(values)
            )

            def build(
                *given: int | str, model: Any = model, by: str = by, naming: Naming = naming
            ) -> Any:
                qs = model._default_manager.filter(**{f"{by}__in": given})
                if naming.related:
                    qs = qs.select_related(*naming.related)
                if naming.prefetch:
                    qs = qs.prefetch_related(*naming.prefetch)
                return qs

            # Compiled once per model, column and number of values (``layak.core.shapes``).
            found = _SHAPES.fetch((model, by, len(wanted)), build, *wanted)
            self.rows[(model, by)] = {str(getattr(obj, by)): obj for obj in found}

    def get(self, model: type[models.Model], value: object, by: str = "pk") -> Any:
        return self.rows.get((model, by), {}).get(str(value))

    def name(self, model: type[models.Model], value: object, by: str = "pk") -> str:
        obj = self.get(model, value, by)
        if obj is None:
            return str(value) if by != "pk" else _("(no longer available)")
        return _names.get(model, Naming()).name(obj)


class Field:
    """One key of an entry's values: its label and how its values read."""

    def __init__(self, label: Label | None) -> None:
        # None: the key itself names what changed (a person's name, a question's code).
        self.label = label

    def want(self, value: Any, entry: AuditEntry, lookup: Lookup) -> None:
        """Ask for the rows ``render`` will need."""

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        return plain(value)


def plain(value: Any) -> str:
    """A value without any declared meaning: text, a number or yes/no in the reader's
    language; never a dict or a list's brackets."""
    if value is None or value == "" or value == [] or value == {}:
        return EMPTY
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int | float | decimal.Decimal):
        return number(value)
    if isinstance(value, list | tuple):
        return ", ".join(plain(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {plain(v)}" for k, v in value.items())
    return str(value)


def number(value: Any, places: int | None = None) -> str:
    try:
        amount = decimal.Decimal(str(value))
    except decimal.InvalidOperation:
        return str(value)
    if places is None:
        amount = amount.normalize() if amount == amount.to_integral() else amount
        exponent = amount.as_tuple().exponent
        places = max(0, -exponent) if isinstance(exponent, int) else 0
    return formats.number_format(amount, places, use_l10n=True, force_grouping=True)


class Text(Field):
    pass


class Omitted(Field):
    """A key whose value the entry says otherwise (its subject, its action): not listed."""

    def __init__(self) -> None:
        super().__init__(None)

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        return EMPTY


class Number(Field):
    def __init__(self, label: Label | None, places: int | None = None) -> None:
        super().__init__(label)
        self.places = places

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if value is None or value == "":
            return EMPTY
        return number(value, self.places)


class Size(Field):
    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        return EMPTY if value is None else str(filesizeformat(value))


class Flag(Field):
    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if value is None:
            return EMPTY
        return _("yes") if value else _("no")


class Choice(Field):
    def __init__(
        self, label: Label | None, choices: Iterable[tuple[Any, Any]] | type[models.Choices]
    ) -> None:
        super().__init__(label)
        pairs = choices.choices if isinstance(choices, type) else choices
        self.choices = {str(k): v for k, v in pairs}

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if isinstance(value, list):
            return ", ".join(self.render(v, entry, lookup) for v in value) or EMPTY
        if value is None or value == "":
            return EMPTY
        return str(self.choices.get(str(value), value))


def _parse_datetime(value: Any) -> datetime.datetime | None:
    if isinstance(value, datetime.datetime):
        return value
    try:
        parsed = datetime.datetime.fromisoformat(str(value))
    except ValueError:
        return None
    return parsed if timezone.is_aware(parsed) else timezone.make_aware(parsed)


class Date(Field):
    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if not value:
            return EMPTY
        try:
            day = datetime.date.fromisoformat(str(value)[:10])
        except ValueError:
            return str(value)
        return formats.date_format(day, "DATE_FORMAT")


class DateTime(Field):
    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        moment = _parse_datetime(value) if value else None
        if moment is None:
            return plain(value)
        return formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT")


class Time(Field):
    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if not value:
            return EMPTY
        try:
            moment = datetime.time.fromisoformat(str(value))
        except ValueError:
            return str(value)
        return formats.time_format(moment, "TIME_FORMAT")


def last_day(value: Any) -> datetime.date | None:
    """A window's end is stored as the moment it closes (midnight after the last day people can
    work); people read the last day."""
    moment = _parse_datetime(value) if value else None
    if moment is None:
        return None
    return (timezone.localtime(moment) - datetime.timedelta(microseconds=1)).date()


class Deadline(Field):
    """The last day of a window or reopening, as entered."""

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        day = last_day(value)
        return formats.date_format(day, "DATE_FORMAT") if day else plain(value)


class Window(Field):
    """A stage window ``[opens, closes]``: its first and last day."""

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if not isinstance(value, list) or len(value) != 2:
            return plain(value)
        opens = _parse_datetime(value[0])
        closes = last_day(value[1])
        if opens is None or closes is None:
            return plain(value)
        return _("%(opens)s to %(closes)s") % {
            "opens": formats.date_format(timezone.localtime(opens).date(), "DATE_FORMAT"),
            "closes": formats.date_format(closes, "DATE_FORMAT"),
        }


class Ref(Field):
    """The id (or ids) of another row, shown by its name. ``by`` names the column the value
    holds when it is not the primary key (a code)."""

    def __init__(self, label: Label | None, model: type[models.Model], by: str = "pk") -> None:
        super().__init__(label)
        self.model = model
        self.by = by

    def want(self, value: Any, entry: AuditEntry, lookup: Lookup) -> None:
        for one in value if isinstance(value, list) else [value]:
            lookup.want(self.model, one, self.by)

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if isinstance(value, list):
            return ", ".join(self.render(v, entry, lookup) for v in value) or EMPTY
        if value is None or value == "":
            return EMPTY
        return lookup.name(self.model, value, self.by)


class Pairs(Field):
    """A list of ``[id, id]`` pairs (an item and the office it is assigned to), each read
    "item: office"; ``names`` may name a side its own way (an item by its code alone)."""

    def __init__(
        self,
        label: Label | None,
        models_: tuple[type[models.Model], type[models.Model]],
        names: tuple[Callable[[Any], str] | None, Callable[[Any], str] | None] = (None, None),
    ) -> None:
        super().__init__(label)
        self.models = models_
        self.names = names

    def want(self, value: Any, entry: AuditEntry, lookup: Lookup) -> None:
        for pair in value or []:
            for model, pk in zip(self.models, pair, strict=False):
                lookup.want(model, pk)

    def _name(self, side: int, pk: Any, lookup: Lookup) -> str:
        own = self.names[side]
        obj = lookup.get(self.models[side], pk)
        if own is not None and obj is not None:
            return own(obj)
        return lookup.name(self.models[side], pk)

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if not value:
            return EMPTY
        return "; ".join(
            ": ".join(self._name(i, pk, lookup) for i, pk in enumerate(pair[:2])) for pair in value
        )


class Parts(Field):
    """A dict value whose keys have their own fields: "present: yes; sex: female"."""

    def __init__(self, label: Label | None, parts: Mapping[str, Field]) -> None:
        super().__init__(label)
        self.parts = dict(parts)

    def want(self, value: Any, entry: AuditEntry, lookup: Lookup) -> None:
        if isinstance(value, dict):
            for key, part in value.items():
                if key in self.parts:
                    self.parts[key].want(part, entry, lookup)

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        if not isinstance(value, dict) or not value:
            return EMPTY if not value else plain(value)
        if all(part in NOTHING for part in value.values()):
            return EMPTY
        shown = []
        for key, part in value.items():
            spec = self.parts.get(key)
            label = str(spec.label) if spec and spec.label else key
            text = spec.render(part, entry, lookup) if spec else plain(part)
            shown.append(f"{capfirst(label)}: {text}")
        return "; ".join(shown)


class OfObject(Field):
    """A value read with the changed object itself (an answer's value with its question's
    options, a job's own title)."""

    def __init__(
        self, label: Label | None, model: type[models.Model], render: Callable[[Any, Any], object]
    ) -> None:
        super().__init__(label)
        self.model = model
        self._render = render

    def want(self, value: Any, entry: AuditEntry, lookup: Lookup) -> None:
        lookup.want(self.model, entry.object_id)

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        obj = lookup.get(self.model, entry.object_id)
        if obj is None:
            return plain(value)
        return str(self._render(obj, value))


def from_model_field(model_field: Any) -> Field:
    """The field of the changed object's model that a key names."""
    label = model_field.verbose_name
    if model_field.is_relation and model_field.related_model is not None:
        return Ref(label, model_field.related_model)
    if model_field.choices:
        return Choice(label, model_field.choices)
    if model_field.name == "year" or model_field.name.endswith("_year"):
        return Text(label)  # 2026, never "2.026"
    kinds: list[tuple[type, type[Field]]] = [
        (models.BooleanField, Flag),
        (models.DateTimeField, DateTime),
        (models.DateField, Date),
        (models.TimeField, Time),
        (models.DecimalField, Number),
        (models.IntegerField, Number),
        (models.FloatField, Number),
    ]
    for kind, cls in kinds:
        if isinstance(model_field, kind):
            return cls(label)
    return Text(label)


# ---- entries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    key: str
    label: str
    before: str | None
    after: str
    known: bool = True


@dataclass
class Described:
    """An entry as a person reads it."""

    entry: AuditEntry
    action: str
    subject: str
    changes: list[Change] = field(default_factory=list)

    @property
    def at(self) -> datetime.datetime:
        return self.entry.at

    @property
    def actor(self) -> Any:
        return self.entry.actor


def field_for(entry: AuditEntry, key: str) -> tuple[Field, bool]:
    """The field a key of the entry's values is read with, and whether anyone declared it."""
    declared = _action_fields.get(entry.action, {})
    if key in declared:
        return declared[key], True
    model = _model_of(entry)
    if model is not None:
        try:
            model_field = model._meta.get_field(key)
        except FieldDoesNotExist:
            model_field = None
        if model_field is not None and hasattr(model_field, "verbose_name"):
            return from_model_field(model_field), True
    if key in _common_fields:
        return _common_fields[key], True
    if "*" in declared:
        return declared["*"], True
    return Text(key), False


def _pairs(entry: AuditEntry) -> list[tuple[str, Any, Any]]:
    before = entry.before if isinstance(entry.before, dict) else {}
    after = entry.after if isinstance(entry.after, dict) else {}
    keys = list(dict.fromkeys([*after, *before]))
    return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]


def describe(entries: Iterable[AuditEntry]) -> list[Described]:
    """The entries in words, in their order: one query per kind of row their values name."""
    entries = list(entries)
    lookup = Lookup()
    planned: list[tuple[AuditEntry, list[tuple[str, Field, bool, Any, Any]]]] = []
    for entry in entries:
        rows = []
        for key, before, after in _pairs(entry):
            spec, known = field_for(entry, key)
            for value in (before, after):
                if value is not None:
                    spec.want(value, entry, lookup)
            rows.append((key, spec, known, before, after))
        planned.append((entry, rows))
    lookup.load()
    out = []
    for entry, rows in planned:
        changes = []
        for key, spec, known, before, after in rows:
            label = capfirst(str(spec.label)) if spec.label is not None else key
            # Nothing before (an empty list, text or record) reads as an addition.
            was = spec.render(before, entry, lookup) if before not in NOTHING else EMPTY
            now = spec.render(after, entry, lookup)
            if was == now:
                continue  # "" became None: nothing a person would see changed
            changes.append(
                Change(key, label, before=None if was == EMPTY else was, after=now, known=known)
            )
        out.append(
            Described(
                entry=entry,
                action=action_label(entry.action),
                subject=subject(entry),
                changes=changes,
            )
        )
    return out


def _model_of(entry: AuditEntry) -> type[models.Model] | None:
    # The content type cache answers without a query per entry.
    if not entry.object_type_id:
        return None
    return ContentType.objects.get_for_id(entry.object_type_id).model_class()


def subject(entry: AuditEntry) -> str:
    """What the entry is about: the kind of record and its name when it was changed."""
    model = _model_of(entry)
    kind = capfirst(str(model._meta.verbose_name)) if model is not None else ""
    if kind and entry.object_repr:
        return f"{kind}: {entry.object_repr}"
    return kind or entry.object_repr


# Words shared by many actions' values.
register(
    fields={
        "status": Choice(gettext_lazy("status"), workflow.Status),
        "reason": Text(gettext_lazy("reason")),
        "note": Text(gettext_lazy("note")),
        "name": Text(gettext_lazy("name")),
        "year": Text(gettext_lazy("year")),
        "is_active": Flag(gettext_lazy("active")),
    }
)


class Custom(Field):
    """A value read by a function of its own (a list of code and name pairs, a summary)."""

    def __init__(self, label: Label | None, render: Callable[[Any], str]) -> None:
        super().__init__(label)
        self._render = render

    def render(self, value: Any, entry: AuditEntry, lookup: Lookup) -> str:
        return EMPTY if value is None else self._render(value)


def fields_of(model: type[models.Model], *names: str) -> dict[str, Field]:
    """The fields of ``model`` named, for values that hold a related row's fields."""
    return {name: from_model_field(model._meta.get_field(name)) for name in names}
