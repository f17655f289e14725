"""Forms of the national definitions (changed by the ministry through ``catalogue``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layak.core.forms import number_formfield
from layak.indicators import catalogue
from layak.indicators.models import Category, DataElement, Indicator, ValidationRule


class ElementForm(forms.ModelForm[DataElement]):
    class Meta:
        model = DataElement
        formfield_callback = number_formfield
        fields = [*catalogue.ELEMENT_FIELDS, "categories"]
        widgets = {
            "categories": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class IndicatorForm(forms.ModelForm[Indicator]):
    class Meta:
        model = Indicator
        formfield_callback = number_formfield
        fields = catalogue.INDICATOR_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        elements = DataElement.objects.order_by("cluster", "name")
        for name in ("numerator", "denominator"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = elements


class RuleForm(forms.ModelForm[ValidationRule]):
    class Meta:
        model = ValidationRule
        formfield_callback = number_formfield
        fields = catalogue.RULE_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        elements = DataElement.objects.order_by("cluster", "name")
        for name in ("left", "right"):
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = elements


class CategoryForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=32, help_text=_("E.g. disability."))
    name = forms.CharField(label=_("Name"), max_length=100)
    order = forms.IntegerField(label=_("Order"), min_value=0, max_value=999, initial=10)
    options = forms.CharField(
        label=_("Options"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("One per line, as code = name, e.g. “Y = Penyandang disabilitas”."),
    )

    def clean_options(self) -> list[tuple[str, str]]:
        result = []
        for number, line in enumerate(self.cleaned_data["options"].splitlines(), start=1):
            line = line.strip()
            if not line:
                continue
            if "=" not in line:
                raise forms.ValidationError(
                    _("Line %(n)d is not written as code = name.") % {"n": number}
                )
            code, name = (part.strip() for part in line.split("=", 1))
            if not code or not name or len(code) > 32 or len(name) > 100:
                raise forms.ValidationError(
                    _("Line %(n)d is not written as code = name.") % {"n": number}
                )
            result.append((code, name))
        return result

    @staticmethod
    def initial_for(category: Category) -> dict[str, Any]:
        return {
            "code": category.code,
            "name": category.name,
            "order": category.order,
            "options": "\n".join(f"{o.code} = {o.name}" for o in category.options.all()),
        }
