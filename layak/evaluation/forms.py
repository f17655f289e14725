from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from layak.evaluation.models import Stage
from layak.frameworks.models import InstrumentVersion, PredicateBand, Question
from layak.frameworks.scoring import to_decimal


class CycleForm(forms.Form):
    """A cycle for one level: regencies/cities (2), kecamatan (3) or villages (4)."""

    name = forms.CharField(label=gettext_lazy("Name"), max_length=200, initial="Evaluasi KLA")
    instrument = forms.ModelChoiceField(
        label=gettext_lazy("Instrument"), queryset=InstrumentVersion.objects.none()
    )

    def __init__(self, *args: Any, level: int = 2, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.order = Stage.order_for(level)
        instrument = self.fields["instrument"]
        assert isinstance(instrument, forms.ModelChoiceField)
        instrument.queryset = InstrumentVersion.objects.filter(
            status=InstrumentVersion.Status.PUBLISHED,
            framework__has_points=True,
            framework__region_level=level,
        ).select_related("framework")
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
    codes = forms.CharField(
        label=gettext_lazy("Regency/city codes"),
        help_text=gettext_lazy(
            "Kemendagri codes separated by commas, e.g. 32.16, 62.10; "
            "or a province code for all its regencies and cities."
        ),
        max_length=4000,
    )


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
        q.queryset = Question.objects.filter(version_id=instrument_id, max_points__gt=0).order_by(
            "code"
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


def value_from_post(question: Question, data: Any) -> tuple[dict[str, Any], list[str]]:
    """The answer value a question's form posted, and what is wrong with it."""
    errors: list[str] = []
    kind = question.kind
    options = {str(o.pk) for o in question.options.all()}
    if kind in ("single", "yes_no"):
        option = data.get("option", "")
        if option and option not in options:
            errors.append(_("Choose one of the options."))
            return {}, errors
        return ({"option": option} if option else {}), errors
    if kind == "multiple":
        chosen = [o for o in data.getlist("options") if o in options]
        return ({"options": sorted(chosen)} if chosen else {}), errors
    if kind in ("number", "percentage"):
        raw = data.get("number", "").strip()
        if not raw:
            return {}, errors
        number = to_decimal(raw)
        if number is None:
            errors.append(_("“%(value)s” is not a number.") % {"value": raw})
            return {}, errors
        if number < 0:
            errors.append(_("The number cannot be negative."))
        if kind == "percentage" and number > 100:
            errors.append(_("A percentage is at most 100."))
        return ({"number": _plain(number)} if not errors else {}), errors
    if kind == "table":
        cells: dict[str, str] = {}
        for r, row in enumerate(question.table_spec.get("rows", [])):
            for c, column in enumerate(question.table_spec.get("columns", [])):
                raw = data.get(f"cell-{r}-{c}", "").strip()
                if not raw:
                    continue
                number = to_decimal(raw)
                if number is None or number < 0:
                    errors.append(
                        _("%(row)s / %(column)s: “%(value)s” is not a number of zero or more.")
                        % {"row": row, "column": column, "value": raw}
                    )
                    continue
                cells[f"{row}|{column}"] = _plain(number)
        return ({"cells": cells} if cells else {}), errors
    if kind == "text":
        text = data.get("text", "").strip()[:10000]
        return ({"text": text} if text else {}), errors
    return {}, errors


def _plain(number: Decimal) -> str:
    text = f"{number.normalize():f}"
    return text


def describe_value(question: Question, value: dict[str, Any] | None) -> str:
    """An answer in words, for conflicts and history."""
    value = value or {}
    labels = {str(o.pk): o.label for o in question.options.all()}
    if "option" in value:
        return labels.get(str(value["option"]), "?")
    if "options" in value:
        return ", ".join(labels.get(str(o), "?") for o in value["options"])
    if "number" in value:
        return str(value["number"]) + (" %" if question.kind == "percentage" else "")
    if "cells" in value:
        return "; ".join(f"{k.replace('|', ' / ')}: {v}" for k, v in value["cells"].items())
    if "text" in value:
        return str(value["text"])
    return "—"
