from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.accounts.models import User
from layak.afse.actions import EventData
from layak.afse.models import Event, Kind, TargetGroup, current_indicators
from layak.core.forms import CountField
from layak.frameworks.models import Indicator
from layak.organisations.models import Organisation
from layak.regions.forms import RegionField
from layak.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def district_paths(user: User) -> list[str] | None:
    """Paths of the districts the user's grants lie in (None: national, every district)."""
    paths: set[str] = set()
    for grant in authz.grants(user):
        if grant.national:
            return None
        for path in grant.paths:
            parts = path.rstrip(".").split(".")
            if len(parts) >= 2:
                paths.add(".".join(parts[:2]) + ".")
    return sorted(paths)


def _in_paths(queryset: QuerySet[Any], lookup: str, paths: list[str] | None) -> QuerySet[Any]:
    if paths is None:
        return queryset
    q = Q(pk__in=[])
    for path in paths:
        q |= Q(**{f"{lookup}__startswith": path})
    return queryset.filter(q)


class OrganiserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class IndicatorChoices(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.group.code} · {obj}"


class EventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea)
    organiser = OrganiserChoice(label=_("Organiser"), queryset=Organisation.objects.none())
    partners = forms.ModelMultipleChoiceField(
        label=_("Partner organisations"),
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    target_groups = forms.MultipleChoiceField(
        label=_("Target groups"),
        choices=TargetGroup.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    starts_on = forms.DateField(label=_("Date"), widget=DATE)
    ends_on = forms.DateField(
        label=_("End date"),
        required=False,
        widget=DATE,
        help_text=_("Only for an event of several days."),
    )
    place = RegionField(label=_("Place (kecamatan or village)"), required=False)
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    boys = CountField(label=_("Boys"), min_value=0, initial=0)
    girls = CountField(label=_("Girls"), min_value=0, initial=0)
    men = CountField(label=_("Men"), min_value=0, initial=0)
    women = CountField(label=_("Women"), min_value=0, initial=0)
    materials = forms.CharField(
        label=_("Materials"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was presented or handed out; attach the files after saving."),
    )
    indicators = IndicatorChoices(
        label=_("Linked KLA indicators"),
        queryset=Indicator.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, user: User, event: Event | None = None, **kwargs: Any) -> None:
        if event is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                **{
                    name: getattr(event, name)
                    for name in (
                        "kind",
                        "topic",
                        "description",
                        "starts_on",
                        "ends_on",
                        "venue",
                        "boys",
                        "girls",
                        "men",
                        "women",
                        "materials",
                    )
                },
                "organiser": event.organiser_id,
                "place": event.place_id,
                "partners": [o.pk for o in event.partners.all()],
                "indicators": [i.pk for i in event.indicators.all()],
                "target_groups": [t.group for t in event.targets.all()],
            }
        super().__init__(*args, **kwargs)
        paths = [event.region.path] if event is not None else district_paths(user)
        organisers = (
            Organisation.objects.for_user(user, authz.Action.EDIT)
            .filter(is_active=True, region__level__gte=Region.Level.REGENCY)
            .select_related("region")
            .order_by("region__code", "name")
        )
        self._set_queryset("organiser", organisers)
        if not self.is_bound and event is None:
            only = list(organisers[:2])
            if len(only) == 1:  # an office, partner or forum records for itself
                self.initial["organiser"] = only[0].pk
        partners = Organisation.objects.filter(
            is_active=True, region__level__gte=Region.Level.REGENCY
        ).order_by("name")
        self._set_queryset("partners", _in_paths(partners, "region__path", paths))
        places = Region.objects.filter(
            level__in=[Region.Level.SUBDISTRICT, Region.Level.VILLAGE], is_active=True
        )
        within = paths[0].rstrip(".") if paths and len(paths) == 1 else ""
        self.fields["place"] = RegionField(
            label=_("Place (kecamatan or village)"),
            required=False,
            queryset=_in_paths(places, "path", paths),
            within=within,
            help_text=_("Leave empty for an event of the whole district."),
        )
        self._set_queryset("indicators", current_indicators())

    def _set_queryset(self, name: str, queryset: QuerySet[Any]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = queryset

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date cannot be before the start date."))
        return data

    def event_data(self) -> EventData:
        d = self.cleaned_data
        return EventData(
            kind=d["kind"],
            topic=d["topic"],
            description=d["description"],
            organiser=d["organiser"],
            partners=list(d["partners"]),
            target_groups=list(d["target_groups"]),
            starts_on=d["starts_on"],
            ends_on=d["ends_on"],
            place=d["place"],
            venue=d["venue"],
            boys=d["boys"],
            girls=d["girls"],
            men=d["men"],
            women=d["women"],
            materials=d["materials"],
            indicators=list(d["indicators"]),
        )


class EventFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    target = forms.ChoiceField(
        label=_("Target group"),
        required=False,
        choices=[("", _("All target groups")), *TargetGroup.choices],
    )
    organiser = forms.ModelChoiceField(
        label=_("Organiser"),
        required=False,
        queryset=Organisation.objects.none(),
        empty_label=_("All organisers"),
    )
    region = RegionField(label=_("Region"), required=False)
    indicator = forms.ModelChoiceField(
        label=_("Indicator"),
        required=False,
        queryset=Indicator.objects.none(),
        empty_label=_("All indicators"),
    )
    date_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("To"), required=False, widget=DATE)
    cancelled = forms.BooleanField(label=_("Show cancelled events"), required=False)

    def __init__(self, *args: Any, user: User, events: QuerySet[Event], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organiser = self.fields["organiser"]
        assert isinstance(organiser, forms.ModelChoiceField)
        organiser.queryset = Organisation.objects.filter(
            pk__in=events.values("organiser")
        ).order_by("name")
        indicator = self.fields["indicator"]
        assert isinstance(indicator, forms.ModelChoiceField)
        indicator.queryset = current_indicators()
        paths = district_paths(user)
        self.fields["region"] = RegionField(
            label=_("Region"),
            required=False,
            within=paths[0].rstrip(".") if paths and len(paths) == 1 else "",
        )
