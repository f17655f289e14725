from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layak.core.concurrency import RevisionFormMixin
from layak.organisations.models import Organisation
from layak.regions.models import Region
from layak.taskforce.actions import (
    FOLLOW_UP_OWNER_KINDS,
    MEMBER_ORGANISATION_KINDS,
    district_path,
)
from layak.taskforce.models import Decree, Member, Sex, SubTeam, TaskForceRole


def _date(label: Any, required: bool = True, **kwargs: Any) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=forms.DateInput(attrs={"type": "date"}), **kwargs
    )


def district_organisations(region: Region) -> Any:
    """Active organisations that can sit in ``region``'s task force: those of its district
    subtree, and for a province those of the province."""
    return (
        Organisation.objects.filter(is_active=True, kind__in=MEMBER_ORGANISATION_KINDS)
        .filter(
            Q(region__path__startswith=district_path(region))
            if region.level >= Region.Level.REGENCY
            else Q(region=region)
        )
        .select_related("region")
        .order_by("name")
    )


class OrganisationChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Organisation) -> str:
        return obj.label


class DecreeForm(forms.Form):
    number = forms.CharField(label=_("Decree number"), max_length=120)
    title = forms.CharField(
        label=_("Title"),
        max_length=300,
        required=False,
        help_text=_("For example: Pembentukan Gugus Tugas Kabupaten Layak Anak."),
    )
    signed_on = _date(_("Date of the decree"))
    signatory = forms.CharField(
        label=_("Signed by"), max_length=200, help_text=_("For example: Bupati Bekasi.")
    )
    period_start = _date(_("In force from"))
    period_end = _date(_("In force until"), required=False)
    decree_file = forms.FileField(
        label=_("Decree file"), required=False, help_text=_("The signed decree (PDF or a scan).")
    )
    copy_members = forms.BooleanField(
        label=_("Copy the people serving under the decree in force to the new decree"),
        required=False,
        initial=True,
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_start"), data.get("period_end")
        if start and end and end < start:
            self.add_error("period_end", _("The decree cannot end before it starts."))
        return data


class DecreeEditForm(forms.Form):
    number = forms.CharField(label=_("Decree number"), max_length=120)
    title = forms.CharField(label=_("Title"), max_length=300, required=False)
    signed_on = _date(_("Date of the decree"))
    signatory = forms.CharField(label=_("Signed by"), max_length=200)
    period_end = _date(_("In force until"), required=False)


class MemberForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    position = forms.CharField(
        label=_("Title or position"),
        max_length=200,
        required=False,
        help_text=_("For example: Kepala Dinas Kesehatan."),
    )
    organisation = OrganisationChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        help_text=_("Leave empty for a person from outside the registered organisations."),
    )
    role = forms.ChoiceField(
        label=_("Role in the task force"),
        choices=[("", _("— choose the role —")), *TaskForceRole.choices],
    )
    sub_team = forms.ChoiceField(
        label=_("Sub-team"),
        choices=[("", _("— none (chair, vice chair, secretary) —")), *SubTeam.choices],
        required=False,
    )
    served_from = _date(_("Serving from"))
    served_until = _date(_("Serving until"), required=False)
    sex = forms.ChoiceField(
        label=_("Sex"),
        choices=[("", "—"), *Sex.choices],
        required=False,
        help_text=_("Carried to every meeting's attendance list, which is reported by sex."),
    )

    def __init__(self, *args: Any, decree: Decree, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = district_organisations(decree.region)
        if not self.is_bound and "served_from" not in self.initial:
            self.initial["served_from"] = decree.period_start


class MemberEndForm(forms.Form):
    served_until = _date(_("Last day of service"))
    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        help_text=_("For example: moved to another office, retired, replaced."),
    )


class MeetingForm(RevisionFormMixin):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        help_text=_("For example: Rapat Koordinasi Gugus Tugas KLA Triwulan I."),
    )
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}))
    date = _date(_("Date"))
    start_time = forms.TimeField(
        label=_("Start time"), widget=forms.TimeInput(attrs={"type": "time"})
    )
    place = forms.CharField(label=_("Place"), max_length=200)
    chair_member = forms.ModelChoiceField(
        label=_("Chaired by (task force member)"),
        queryset=Member.objects.none(),
        required=False,
    )
    chair_name = forms.CharField(
        label=_("Chaired by (name)"),
        max_length=200,
        required=False,
        help_text=_("When the chair is not a member of the task force."),
    )
    minutes = forms.CharField(
        label=_("Minutes"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One decision per line."),
    )
    invite_members = forms.BooleanField(
        label=_("Invite everyone serving in the task force on that date"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, region: Region, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["chair_member"]
        assert isinstance(field, forms.ModelChoiceField)
        # People serving under the region's latest decree, and the chair already chosen
        # (who may have served under an older decree, for a past meeting).
        chair = self.initial.get("chair_member")
        field.queryset = (
            Member.objects.filter(decree__region=region)
            .filter(
                Q(served_until__isnull=True, decree__superseded_on__isnull=True)
                | Q(pk=getattr(chair, "pk", None))
            )
            .order_by("role", "name")
        )
        if editing:
            del self.fields["invite_members"]

    def clean_decisions(self) -> list[str]:
        raw: str = self.cleaned_data.get("decisions") or ""
        return [line.strip() for line in raw.splitlines() if line.strip()]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("chair_member") and not (data.get("chair_name") or "").strip():
            self.add_error("chair_name", _("Choose a task force member or give a name."))
        return data


class InviteForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Task force members"),
        queryset=Member.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, queryset: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["members"]
        assert isinstance(field, forms.ModelMultipleChoiceField)
        field.queryset = queryset


class AttendeeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    position = forms.CharField(label=_("Title or position"), max_length=200, required=False)
    organisation = OrganisationChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none(), required=False
    )
    organisation_name = forms.CharField(
        label=_("Organisation (if not listed)"), max_length=200, required=False
    )
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, widget=forms.RadioSelect)
    present = forms.BooleanField(label=_("Present"), required=False, initial=True)

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = district_organisations(region)


class FollowUpForm(forms.Form):
    description = forms.CharField(
        label=_("What is to be done"), widget=forms.Textarea(attrs={"rows": 2})
    )
    owner = OrganisationChoiceField(label=_("Responsible office"), queryset=Organisation.objects)
    due_date = _date(_("Due date"))

    def __init__(self, *args: Any, region: Region, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = district_organisations(region).filter(kind__in=FOLLOW_UP_OWNER_KINDS)


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    evidence = forms.FileField(
        label=_("Evidence of completion"),
        required=False,
        help_text=_("A report, a letter, photos (PDF, JPEG, PNG, office documents)."),
    )


class DropForm(forms.Form):
    reason = forms.CharField(label=_("Why is it dropped?"), max_length=2000)


class MeetingFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("Region"), required=False)
    year = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = [("", _("All regions")), *regions]
        this_year = timezone.localdate().year
        year_field = self.fields["year"]
        assert isinstance(year_field, forms.ChoiceField)
        year_field.choices = [("", _("All years"))] + [
            (str(y), str(y)) for y in range(this_year + 1, this_year - 8, -1)
        ]


class AsOfForm(forms.Form):
    on = _date(_("As it stood on"), required=False)
