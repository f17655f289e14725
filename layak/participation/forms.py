from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from layak.accounts.models import User
from layak.organisations.models import Organisation
from layak.organisations.roles import Role
from layak.participation.actions import (
    IdentifyingText,
    ParticipationError,
    ProposalData,
    check_proposer_name,
)
from layak.participation.models import AgeGroup, Proposal, Source, Status, district_of
from layak.plans.models import PlanItem
from layak.regions.forms import RegionField
from layak.regions.models import Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# Rows for children on the proposal form; a proposal of more children names a few of them.
PROPOSER_ROWS = 6


class DecreeForm(forms.Form):
    number = forms.CharField(label=_("Decree number"), max_length=120)
    issued_on = forms.DateField(label=_("Decree date"), widget=DATE)
    period_start = forms.DateField(label=_("Period from"), widget=DATE)
    period_end = forms.DateField(label=_("Period to"), widget=DATE, required=False)


class FacilitatorForm(forms.Form):
    user = forms.ModelChoiceField(
        label=_("Layak account"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— no account —"),
        help_text=_("Someone who holds the children's forum facilitator role in this forum."),
    )
    name = forms.CharField(
        label=_("Name"),
        max_length=150,
        required=False,
        help_text=_("Not needed when an account is chosen."),
    )
    affiliation = forms.CharField(label=_("Organisation"), max_length=200, required=False)

    def __init__(self, *args: Any, forum: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(
            memberships__organisation=forum,
            memberships__role=Role.FORUM_FACILITATOR,
            memberships__is_active=True,
            is_active=True,
        ).order_by("full_name")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("user") and not (data.get("name") or "").strip():
            raise forms.ValidationError(_("Give the facilitator's name or choose an account."))
        return data


class AnonymityForm(forms.Form):
    """A form with free text about children: when the text is flagged as possibly identifying
    a child (``actions.IdentifyingText``), each message stands beside its field and a box to
    confirm that it identifies no one appears; what the person typed stays in the form."""

    CONFIRM = "anonymity_confirmed"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.flagged = False
        if self.data.get(self.CONFIRM):
            self._add_confirm()

    def _add_confirm(self) -> None:
        self.fields[self.CONFIRM] = forms.BooleanField(
            label=_(
                "I have checked: this text names no child, gives no child's age and tells "
                "nothing that happened to a particular child."
            ),
            required=False,
        )

    def flag(self, exc: IdentifyingText) -> None:
        self.flagged = True
        if self.CONFIRM not in self.fields:
            self._add_confirm()
            self.cleaned_data[self.CONFIRM] = False
        for name, message in exc.messages.items():
            self.add_error(name, message)

    @property
    def confirm_field(self) -> forms.BoundField | None:
        return self[self.CONFIRM] if self.CONFIRM in self.fields else None


class ProposalForm(AnonymityForm):
    topic = forms.CharField(label=_("Topic"), max_length=200)
    description = forms.CharField(
        label=_("Description"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the children ask for and why. Do not write children's names here."),
    )
    region = RegionField(label=_("Addressed to"))
    proposed_on = forms.DateField(label=_("Date"), widget=DATE)
    source = forms.ChoiceField(label=_("Source"), choices=Source.choices)

    def __init__(
        self, *args: Any, forum: Organisation, proposal: Proposal | None = None, **kwargs: Any
    ) -> None:
        if proposal is not None and "initial" not in kwargs:
            initial: dict[str, Any] = {
                "topic": proposal.topic,
                "description": proposal.description,
                "region": proposal.region_id,
                "proposed_on": proposal.proposed_on,
                "source": proposal.source,
            }
            for i, p in enumerate(proposal.proposers.all()[:PROPOSER_ROWS]):
                initial[f"name_{i}"] = p.name
                initial[f"age_{i}"] = p.age_group
            kwargs["initial"] = initial
        super().__init__(*args, **kwargs)
        assert forum.region is not None
        district = district_of(forum.region)
        self.fields["region"] = RegionField(
            label=_("Addressed to"),
            queryset=Region.objects.filter(path__startswith=district.path),
            within=district.code,
            help_text=_("The district, kecamatan or village whose government should act."),
        )
        if proposal is None:
            self.initial.setdefault("region", forum.region_id)
        self.rows = []
        for i in range(PROPOSER_ROWS):
            self.fields[f"name_{i}"] = forms.CharField(
                label=_("First name or initials"), max_length=40, required=False
            )
            self.fields[f"age_{i}"] = forms.ChoiceField(
                label=_("Age group"),
                required=False,
                choices=[("", "—"), *AgeGroup.choices],
            )
            self.rows.append((self[f"name_{i}"], self[f"age_{i}"]))

    def main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("topic", "description", "region", "proposed_on", "source")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        proposers = []
        for i in range(PROPOSER_ROWS):
            name = (data.get(f"name_{i}") or "").strip()
            age = data.get(f"age_{i}") or ""
            if not name and not age:
                continue
            if not age:
                self.add_error(f"age_{i}", _("Choose the age group."))
                continue
            try:
                name = check_proposer_name(name)
            except ParticipationError as exc:
                self.add_error(f"name_{i}", str(exc))
                continue
            proposers.append((name, age))
        data["proposers"] = proposers
        return data

    def proposal_data(self) -> ProposalData:
        d = self.cleaned_data
        return ProposalData(
            topic=d["topic"],
            description=d["description"],
            region=d["region"],
            proposed_on=d["proposed_on"],
            source=d["source"],
            proposers=d["proposers"],
            anonymity_confirmed=bool(d.get(self.CONFIRM)),
        )


class PlanItemChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.plan.title} · {obj.ref} · {obj.name}"


class FollowUpForm(AnonymityForm):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(v, label) for v, label in Status.choices if v != Status.RECEIVED],
    )
    response = forms.CharField(
        label=_("Response"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Shown to the children on the public page. For a proposal not taken up, the reason."
        ),
    )
    plan_item = PlanItemChoice(
        label=_("RAD KLA activity"),
        queryset=PlanItem.objects.none(),
        required=False,
        empty_label=_("— none —"),
    )

    def __init__(self, *args: Any, proposal: Proposal, **kwargs: Any) -> None:
        if "initial" not in kwargs:
            kwargs["initial"] = {
                "status": proposal.status if proposal.status != Status.RECEIVED else "",
                "response": proposal.response,
                "plan_item": proposal.plan_item_id,
            }
        super().__init__(*args, **kwargs)
        district = district_of(proposal.region)
        field = self.fields["plan_item"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = (
            PlanItem.objects.filter(plan__region=district, plan__is_active=True, is_active=True)
            .select_related("plan")
            .order_by("plan__start_year", "plan_id", "order", "pk")
        )

    def follow_up_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "status": d["status"],
            "response": d["response"],
            "plan_item": d["plan_item"],
            "anonymity_confirmed": bool(d.get(self.CONFIRM)),
        }
