"""Form fields shared by every app: numbers read and shown in the person's language."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from layak.core.numbers import NumberError, convention_lazy, format_number, parse_number


class NumberField(forms.DecimalField):
    """A decimal typed the way the person's language writes numbers (``layak.core.numbers``):
    in Indonesian ``1.200`` is one thousand two hundred and ``1,5`` one and a half. A text input
    (a browser's number input reads the browser's language, not the person's); more decimals
    than the field keeps are refused, never rounded."""

    widget = forms.TextInput

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 18)
        help_text = kwargs.get("help_text")
        kwargs["help_text"] = (
            format_lazy("{} {}", help_text, convention_lazy()) if help_text else convention_lazy()
        )
        super().__init__(**kwargs)

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("step", None)
        attrs.pop("min", None)
        attrs.pop("max", None)
        attrs["inputmode"] = "decimal" if self.decimal_places else "numeric"
        return attrs

    def to_python(self, value: Any) -> Decimal | None:  # type: ignore[override]
        if value in self.empty_values:
            return None
        try:
            return parse_number(value)
        except NumberError as exc:
            raise ValidationError(str(exc), code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            return format_number(value, places=self.decimal_places or 0)
        return value


class CountField(NumberField):
    """A whole number (people, schools, children), read like any number: ``1.200`` in
    Indonesian is 1200."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["decimal_places"] = 0
        kwargs.setdefault("max_digits", 12)
        super().__init__(**kwargs)
        self.error_messages["max_decimal_places"] = _("Write a whole number.")

    def clean(self, value: Any) -> int | None:
        number = super().clean(value)
        return None if number is None else int(number)


def number_formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """``formfield_callback`` of model forms: decimals and plain integers are read as numbers
    in the person's language."""
    if not db_field.choices:
        if isinstance(db_field, models.DecimalField):
            kwargs["form_class"] = NumberField
        elif isinstance(db_field, models.IntegerField) and not isinstance(
            db_field, models.AutoField
        ):
            kwargs["form_class"] = CountField
    return db_field.formfield(**kwargs)
