from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layak.core.numbers import PLAIN, NumberError, format_number, parse_number
from layak.evaluation.models import Cycle, Stage
from layak.frameworks.models import InstrumentVersion, PredicateBand, Question
from layak.frameworks.scoring import OPTION_KINDS
from layak.regions.models import Region


class CycleForm(forms.Form):
    """A cycle for one level: regencies/cities (2), kecamatan (3) or villages (4)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, initial="Evaluasi KLA")
    instrument = forms.ModelChoiceField(
        label=gettext_lazy("Instrument"), queryset=InstrumentVersion.objects.none()
    )

    def __init__(
        self, *args: Any, level: int = 2, districts: QuerySet[Region] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.order = Stage.order_for(level)
        # A name that says what is evaluated and when, to be changed as the ministry names it.
        programme = {3: "KELANA", 4: "DEKELA"}.get(level, "KLA")
        year = timezone.localdate().year
        taken = set(
            Cycle.objects.filter(name__startswith=f"Evaluasi {programme} ").values_list(
                "name", flat=True
            )
        )
        while f"Evaluasi {programme} {year}" in taken:
            year += 1
        self.fields["name"].initial = f"Evaluasi {programme} {year}"
        if districts is not None:
            # A district administrator starts the evaluation of its own kecamatan or villages.
            self.fields["district"] = forms.ModelChoiceField(
                label=gettext_lazy("Regency/city"), queryset=districts, empty_label=None
            )
            self.order_fields(["district"])
        instrument = self.fields["instrument"]
        assert isinstance(instrument, forms.ModelChoiceField)
        instrument.queryset = InstrumentVersion.objects.filter(
            status=InstrumentVersion.Status.PUBLISHED,
            framework__region_level=level,
            pk__in=Question.objects.values("version_id"),  # with or without points
        ).select_related("framework")
        # The national instrument of the level is offered first (KLA 2024, or its KELANA and
        # DEKELA instruments), its latest published version.
        preferred = {2: "kla2024", 3: "kelana2024", 4: "dekela2024"}.get(level, "")
        default = (
            instrument.queryset.filter(framework__code=preferred).order_by("-number").first()
            or instrument.queryset.order_by("-published_at").first()
        )
        if default is not None:
            instrument.initial = default.pk
        for kind in self.order:
            label = Stage.Kind(kind).label
            self.fields[f"{kind}_opens"] = forms.DateField(
                label=_("%(stage)s opens") % {"stage": label},
                widget=forms.DateInput(attrs={"type": "date"}),
            )
            self.fields[f"{kind}_closes"] = forms.DateField(
                label=_("%(stage)s closes (deadline)") % {"stage": label},
                widget=forms.DateInput(attrs={"type": "date"}),
            )

    def clean(self) -> dict[str, Any]:
        """Each window's dates checked beside the field concerned, all at once (the action
        checks the same again: ``actions._check_windows``)."""
        data = super().clean() or {}
        changed = set(self.changed_data)
        previous: tuple[str, datetime.date] | None = None
        for kind in self.order:
            opens, closes = data.get(f"{kind}_opens"), data.get(f"{kind}_closes")
            label = Stage.Kind(kind).label
            # Dates left as they were keep their stored times (the windows page), which the
            # action checks itself; only what was typed is checked here.
            touched = {f"{kind}_opens", f"{kind}_closes"} & changed
            if previous:
                touched |= {f"{previous[0]}_closes"} & changed
            if not touched:
                previous = (kind, closes) if closes else previous
                continue
            if opens and closes and closes < opens:
                self.add_error(
                    f"{kind}_closes",
                    _("%(stage)s closes before it opens.") % {"stage": label},
                )
            if opens and previous and opens <= previous[1]:
                self.add_error(
                    f"{kind}_opens",
                    _("%(stage)s opens before the stage before it closes.") % {"stage": label}
                    + " "
                    + _("It can open from %(day)s.")
                    % {"day": formats.date_format(previous[1] + datetime.timedelta(days=1))},
                )
            if closes:
                previous = (kind, closes)
        return data

    def windows(self) -> dict[str, tuple[datetime.datetime, datetime.datetime]]:
        tz = timezone.get_current_timezone()
        out = {}
        for kind in self.order:
            opens = self.cleaned_data[f"{kind}_opens"]
            closes = self.cleaned_data[f"{kind}_closes"]
            # A deadline date means the end of that day.
            out[kind] = (
                datetime.datetime.combine(opens, datetime.time.min, tz),
                datetime.datetime.combine(
                    closes + datetime.timedelta(days=1), datetime.time.min, tz
                ),
            )
        return out


class WindowsForm(CycleForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["name"]
        del self.fields["instrument"]


class DistrictsForm(forms.Form):
    """The regions that take part, by their Kemendagri codes; the words follow the level the
    cycle's instrument is answered at."""

    codes = forms.CharField(label=gettext_lazy("Regency/city codes"), max_length=4000)

    def __init__(self, *args: Any, level: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = self.fields["codes"]
        if level == Region.Level.SUBDISTRICT:
            codes.label = _("Kecamatan codes")
            codes.help_text = _(
                "Kemendagri codes separated by commas, e.g. 32.16.01, 32.16.02; "
                "or a regency's or city's code for all its kecamatan."
            )
        elif level == Region.Level.VILLAGE:
            codes.label = _("Village codes")
            codes.help_text = _(
                "Kemendagri codes separated by commas, e.g. 32.16.01.2001; "
                "or a kecamatan's code for all its villages."
            )
        else:
            codes.help_text = _(
                "Kemendagri codes separated by commas, e.g. 32.16, 62.10; "
                "or a province code for all its regencies and cities."
            )

    def code_list(self) -> list[str]:
        raw = self.cleaned_data["codes"].replace(";", ",").replace("\n", ",")
        return list(dict.fromkeys(c.strip() for c in raw.split(",") if c.strip()))


class GateForm(forms.Form):
    question = forms.ModelChoiceField(
        label=gettext_lazy("Question that must be met"), queryset=Question.objects.none()
    )
    max_band = forms.ModelChoiceField(
        label=gettext_lazy("Highest predicate when it is not met"),
        queryset=PredicateBand.objects.none(),
    )
    reason = forms.CharField(label=gettext_lazy("Reason shown"), max_length=300)

    def __init__(self, *args: Any, instrument_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        q = self.fields["question"]
        b = self.fields["max_band"]
        assert isinstance(q, forms.ModelChoiceField) and isinstance(b, forms.ModelChoiceField)
        # In the instrument's own order (groups, indicators, questions), not by text.
        q.queryset = Question.objects.filter(version_id=instrument_id, max_points__gt=0).order_by(
            "indicator__group__order", "indicator__order", "order"
        )
        b.queryset = PredicateBand.objects.filter(version_id=instrument_id)


class ReopenForm(forms.Form):
    stage = forms.ChoiceField(label=gettext_lazy("Stage"), choices=Stage.Kind.choices)

    def __init__(self, *args: Any, level: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        stage = self.fields["stage"]
        assert isinstance(stage, forms.ChoiceField)
        stage.choices = [(k, Stage.Kind(k).label) for k in Stage.order_for(level)]

    until = forms.DateField(
        label=gettext_lazy("Open until"), widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), widget=forms.Textarea(attrs={"rows": 2}))

    def until_datetime(self) -> datetime.datetime:
        tz = timezone.get_current_timezone()
        return datetime.datetime.combine(
            self.cleaned_data["until"] + datetime.timedelta(days=1), datetime.time.min, tz
        )


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is it returned?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class ValueInvalid(Exception):
    """An answer value its question refuses: messages by field (``value.number``,
    ``value.option``, ``value.cells.<row>|<column>``...)."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        super().__init__(" ".join(m for messages in errors.values() for m in messages))
        self.errors = errors


def _number(raw: Any, language: str | None) -> Decimal:
    """A number as written in ``language`` (the project's one reader); ``NumberError``."""
    number = parse_number(raw, language=language)
    if number != 0 and not -12 <= number.adjusted() <= 15:
        raise NumberError(_("“%(value)s” is not a number.") % {"value": raw})
    return number


def validate_value(question: Question, raw: Any, *, language: str | None = PLAIN) -> dict[str, Any]:
    """The one check of an answer value, for the page, the API and imports: the value stored
    for ``raw`` (a JSON object shaped as in ``frameworks.scoring``), or ``ValueInvalid`` naming
    each field that is wrong. Nothing the question does not allow is stored or scored.
    Numbers are read as written in ``language`` (machine format for the API; the reader's
    language for a page's form)."""
    if not isinstance(raw, dict):
        raise ValueInvalid({"value": [_("The answer must be an object.")]})
    errors: dict[str, list[str]] = {}
    kind = question.kind
    options = {str(o.pk) for o in question.options.all()} if kind in OPTION_KINDS else set()
    known = {
        "single": {"option"},
        "yes_no": {"option"},
        "multiple": {"options"},
        "number": {"number"},
        "percentage": {"number"},
        "table": {"cells"},
        "text": {"text"},
    }.get(kind, set())
    for key in raw:
        if key not in known:
            errors.setdefault(f"value.{key}", []).append(
                _("This question does not take “%(field)s”.") % {"field": key}
            )
    value: dict[str, Any] = {}
    if kind in ("single", "yes_no"):
        option = raw.get("option")
        if option not in (None, ""):
            if str(option) not in options:
                errors.setdefault("value.option", []).append(_("Choose one of the options."))
            else:
                value = {"option": str(option)}
    elif kind == "multiple":
        chosen = raw.get("options") or []
        if not isinstance(chosen, list):
            chosen = [chosen]
        unknown = [str(o) for o in chosen if str(o) not in options]
        if unknown:
            errors.setdefault("value.options", []).append(_("Choose among the options."))
        elif chosen:
            value = {"options": sorted({str(o) for o in chosen})}
    elif kind in ("number", "percentage"):
        given = raw.get("number")
        text = "" if given is None else str(given).strip()
        if kind == "percentage" and isinstance(given, str):
            # A percentage may be written with its sign ("12,5%", "150 %").
            text = text.removesuffix("%").rstrip()
        if text:
            problems = []
            number: Decimal | None = None
            try:
                number = _number(given if not isinstance(given, str) else text, language)
            except NumberError as error:
                problems.append(str(error))
            if number is None:
                pass
            elif number < 0:
                problems.append(_("The number cannot be negative."))
            elif kind == "percentage" and number > 100:
                problems.append(_("A percentage is at most 100."))
            if problems:
                errors.setdefault("value.number", []).extend(problems)
            elif number is not None:
                value = {"number": _plain(number)}
    elif kind == "table":
        given = raw.get("cells") or {}
        if not isinstance(given, dict):
            given = {}
            errors.setdefault("value.cells", []).append(_("The table must be an object."))
        rows = question.table_spec.get("rows", [])
        columns = question.table_spec.get("columns", [])
        allowed = {f"{r}|{c}" for r in rows for c in columns}
        cells: dict[str, str] = {}
        for key, cell in given.items():
            text = "" if cell is None else str(cell).strip()
            if key not in allowed:
                errors.setdefault(f"value.cells.{key}", []).append(
                    _("The table has no such row and column.")
                )
                continue
            if not text:
                continue
            try:
                number = _number(cell if not isinstance(cell, str) else text, language)
            except NumberError:
                number = None
            if number is None or number < 0:
                row, _sep, column = key.partition("|")
                errors.setdefault(f"value.cells.{key}", []).append(
                    _("%(row)s / %(column)s: “%(value)s” is not a number of zero or more.")
                    % {"row": row, "column": column, "value": text}
                )
                continue
            cells[key] = _plain(number)
        if cells:
            value = {"cells": cells}
    elif kind == "text":
        text = str(raw.get("text") or "").strip()
        if len(text) > 10000:
            errors.setdefault("value.text", []).append(
                _("The answer is longer than %(n)s characters.") % {"n": "10.000"}
            )
        elif text:
            value = {"text": text}
    if errors:
        raise ValueInvalid(errors)
    return value


def raw_from_post(question: Question, data: Any) -> dict[str, Any]:
    """What the question's form posted, shaped as an answer value but not yet checked."""
    kind = question.kind
    if kind in ("single", "yes_no"):
        return {"option": data.get("option", "")}
    if kind == "multiple":
        return {"options": data.getlist("options")}
    if kind in ("number", "percentage"):
        return {"number": data.get("number", "")}
    if kind == "table":
        return {
            "cells": {
                f"{row}|{column}": data.get(f"cell-{r}-{c}", "")
                for r, row in enumerate(question.table_spec.get("rows", []))
                for c, column in enumerate(question.table_spec.get("columns", []))
            }
        }
    if kind == "text":
        return {"text": data.get("text", "")}
    return {}


def value_from_post(question: Question, data: Any) -> tuple[dict[str, Any], list[str]]:
    """The answer value a question's form posted, and what is wrong with it."""
    try:
        return validate_value(question, raw_from_post(question, data), language=None), []
    except ValueInvalid as invalid:
        return {}, [m for messages in invalid.errors.values() for m in messages]


def _plain(number: Decimal) -> str:
    text = f"{number.normalize():f}"
    return text


def shown_number(stored: Any) -> str:
    """A stored (plain) number as the reader writes numbers: 1200.5 → "1.200,5"."""
    try:
        return format_number(Decimal(str(stored)), places=6)
    except (ArithmeticError, ValueError):
        return str(stored)


def describe_value(question: Question, value: dict[str, Any] | None) -> str:
    """An answer in words, for conflicts and history."""
    value = value or {}
    labels = (
        {str(o.pk): o.display_label for o in question.options.all()}
        if "option" in value or "options" in value
        else {}
    )
    if "option" in value:
        return labels.get(str(value["option"]), "?")
    if "options" in value:
        return ", ".join(labels.get(str(o), "?") for o in value["options"])
    if "number" in value:
        return shown_number(value["number"]) + ("%" if question.kind == "percentage" else "")
    if "cells" in value:
        return "; ".join(
            f"{k.replace('|', ' / ')}: {shown_number(v)}" for k, v in value["cells"].items()
        )
    if "text" in value:
        return str(value["text"])
    return "—"
