from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layak.core.forms import NumberField
from layak.frameworks.models import Indicator
from layak.organisations.models import Organisation
from layak.plans import actions
from layak.plans.models import Plan, PlanItem

AMOUNT = {"max_digits": 18, "decimal_places": 2, "min_value": Decimal(0), "required": False}


class PlanForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    start_year = forms.IntegerField(label=_("First year"), min_value=2000, max_value=2100)
    regulation_number = forms.CharField(
        label=_("Regulation number"),
        max_length=120,
        required=False,
        help_text=_("E.g. Peraturan Bupati Nomor 12 Tahun 2025."),
    )
    regulation_date = forms.DateField(
        label=_("Regulation date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reports_per_year = forms.TypedChoiceField(
        label=_("Progress reports"),
        coerce=int,
        choices=[(4, _("Quarterly")), (2, _("Half-yearly")), (1, _("Yearly"))],
        initial=4,
    )


class ParentChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A programme or activity named by its reference, so that items of the same name (one
    programme per indicator) can be told apart."""

    def label_from_instance(self, obj: PlanItem) -> str:
        return f"{obj.ref} · {obj.name} ({obj.get_level_display()})"


class IndicatorChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """An indicator named by its code (KL-1, K2-7), as every other page names it."""

    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.code} {obj.display_name}"


class ItemForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=PlanItem.Level.choices)
    parent = ParentChoiceField(label=_("Part of"), queryset=PlanItem.objects.none(), required=False)
    indicator = IndicatorChoiceField(
        label=_("Indicator"),
        queryset=Indicator.objects.none(),
        required=False,
        help_text=_("For a programme; its activities count for the same indicator."),
    )
    ref = forms.CharField(label=_("Reference"), max_length=40, help_text=_("E.g. P1.A2."))
    name = forms.CharField(label=_("Name"), max_length=300)
    budget_code = forms.CharField(
        label=_("Budget nomenclature code"),
        max_length=60,
        required=False,
        help_text=_("The code in Permendagri 90/2019 (as in SIPD), if any."),
    )
    responsible = forms.ModelChoiceField(
        label=_("Responsible office"), queryset=Organisation.objects.none()
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partners"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    performance_indicator = forms.CharField(label=_("Performance indicator"), max_length=300)
    unit = forms.CharField(label=_("Unit"), max_length=60)
    combine = forms.ChoiceField(
        label=_("The year's figure is"),
        choices=PlanItem.Combine.choices,
        initial=PlanItem.Combine.SUM,
        help_text=_(
            "How the progress reports of a year make its figure: a count or an amount adds "
            "up; a rate or a percentage is the latest period's or the average."
        ),
    )
    baseline = NumberField(label=_("Baseline"), **AMOUNT)

    def __init__(self, *args: Any, plan: Plan, item: PlanItem | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        parents = plan.items.filter(is_active=True).exclude(level=PlanItem.Level.SUB_ACTIVITY)
        if item is not None:
            parents = parents.exclude(pk=item.pk)
        self.fields["parent"].queryset = parents.order_by("order", "ref")  # type: ignore[attr-defined]
        self.fields["indicator"].queryset = Indicator.objects.filter(  # type: ignore[attr-defined]
            version=plan.version
        ).select_related("group")
        self.fields["responsible"].queryset = actions.district_offices(plan.region)  # type: ignore[attr-defined]
        self.fields["partners"].queryset = actions.district_partners(plan.region)  # type: ignore[attr-defined]
        self.year_rows: list[tuple[int, list[str]]] = []
        for year in plan.years:
            names = []
            for key in ("target", *actions.SOURCES):
                name = f"{key}_{year}"
                label = {
                    "target": _("Target %(year)s"),
                    "apbd": _("APBD %(year)s"),
                    "apbn": _("APBN/DAK %(year)s"),
                    "village": _("Village funds %(year)s"),
                    "csr": _("CSR %(year)s"),
                    "other": _("Other %(year)s"),
                }[key]
                self.fields[name] = NumberField(label=label % {"year": year}, **AMOUNT)
                names.append(name)
            self.year_rows.append((year, names))

    def year_values(self) -> dict[int, dict[str, Decimal | None]]:
        return {
            year: {
                key: self.cleaned_data.get(f"{key}_{year}") for key in ("target", *actions.SOURCES)
            }
            for year in self.plan.years
        }

    def main_fields(self) -> list[forms.BoundField]:
        years = {name for _year, names in self.year_rows for name in names}
        return [self[name] for name in self.fields if name not in years]

    def year_fields(self) -> list[tuple[int, list[forms.BoundField]]]:
        return [(year, [self[name] for name in names]) for year, names in self.year_rows]


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class BudgetTotalForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    total = NumberField(
        label=_("Total APBD of the district"), max_digits=18, decimal_places=2, min_value=1
    )
