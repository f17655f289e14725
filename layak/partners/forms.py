from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layak.core.concurrency import RevisionFormMixin
from layak.core.forms import number_formfield
from layak.frameworks.models import Group, Indicator
from layak.organisations.roles import PARTNER_KINDS, OrganisationKind
from layak.partners import clusters as kla
from layak.partners.models import Commitment, Contact, Contribution

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
PARTNER_KIND_CHOICES = [(k.value, k.label) for k in OrganisationKind if k in PARTNER_KINDS]


class IndicatorChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Indicator) -> str:
        return f"{obj.group.code} · {obj}"


class ClusterChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Group) -> str:
        return f"{obj.code} · {obj.name}"


def _cluster_choices() -> list[tuple[str, str]]:
    return [(g.code, f"{g.code} · {g.name}") for g in kla.clusters()]


class PartnerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    cluster = forms.ChoiceField(label=_("Cluster"), required=False)
    apsai = forms.ChoiceField(
        label=_("APSAI"),
        required=False,
        choices=[
            ("", _("Members and others")),
            ("yes", _("APSAI members")),
            ("no", _("Not members")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("All kinds")), *PARTNER_KIND_CHOICES]
        cluster = self.fields["cluster"]
        assert isinstance(cluster, forms.ChoiceField)
        cluster.choices = [("", _("All clusters")), *_cluster_choices()]


class ProfileForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the partner does for children."),
    )
    address = forms.CharField(label=_("Address"), required=False, max_length=300)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    apsai_member = forms.BooleanField(
        label=_("Member of APSAI (Asosiasi Perusahaan Sahabat Anak Indonesia)"), required=False
    )
    apsai_number = forms.CharField(label=_("APSAI member number"), required=False, max_length=40)
    apsai_year = forms.IntegerField(
        label=_("APSAI member since (year)"), required=False, min_value=1900, max_value=2100
    )
    clusters = forms.ModelMultipleChoiceField(
        label=_("Clusters served"),
        required=False,
        queryset=Group.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    indicators = IndicatorChoiceField(
        label=_("Indicators served"),
        required=False,
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The current instrument version, read when the form is made, not when it is imported.
        self.fields["clusters"].queryset = kla.clusters()  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = kla.indicators()  # type: ignore[attr-defined]


class ContactForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Contact
        formfield_callback = number_formfield
        fields = ["name", "position", "phone", "email"]


class CommitmentForm(forms.ModelForm):  # type: ignore[type-arg]
    indicators = IndicatorChoiceField(
        label=_("Indicators"),
        required=False,
        queryset=Indicator.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Indicators of the chosen cluster."),
    )

    cluster = ClusterChoiceField(label=_("Cluster"), queryset=Group.objects.none())

    class Meta:
        model = Commitment
        formfield_callback = number_formfield
        fields = [
            "title",
            "description",
            "cluster",
            "indicators",
            "starts_on",
            "ends_on",
            "funds",
            "people",
            "facilities",
            "methods",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
            "facilities": forms.Textarea(attrs={"rows": 2}),
            "methods": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cluster"].queryset = kla.clusters()  # type: ignore[attr-defined]
        self.fields["indicators"].queryset = kla.indicators()  # type: ignore[attr-defined]


class CommitmentEditForm(RevisionFormMixin, CommitmentForm):
    """Editing a commitment: carries the revision the person opened."""


class ContributionForm(forms.ModelForm):  # type: ignore[type-arg]
    class Meta:
        model = Contribution
        formfield_callback = number_formfield
        fields = ["date", "kind", "description", "amount", "people", "children_reached"]
        widgets = {"date": DATE, "description": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "amount": _("Only for a contribution of funds."),
            "children_reached": _("How many children benefited (a number, no names)."),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.instance.pk:
            self.initial.setdefault("date", timezone.localdate())


class ReturnForm(forms.Form):
    reason = forms.CharField(label=_("Why is it returned to the partner?"), max_length=2000)


class TotalsForm(forms.Form):
    region = forms.CharField(label=_("Regency/city code"), required=False, max_length=16)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
