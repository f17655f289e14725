"""One form per report. Fields are offered as choices within the person's reach; what is posted
is looked up again through ``scope`` (404 outside the reach, 403 without a region-wide grant),
and the form's ``target`` says which job to run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.accounts.models import User
from layak.regions.models import Region
from layak.reports import scope


@dataclass(frozen=True)
class Target:
    """What a report job is asked to cover: its parameters, the region whose data version
    decides reuse (None: the whole country), and the job's label."""

    params: dict[str, Any]
    region: Region | None
    label: str


def _year_choices() -> list[tuple[int, int]]:
    this = timezone.localdate().year
    return [(y, y) for y in range(this + 1, this - 6, -1)]


def _select(field: forms.Field, choices: list[tuple[Any, Any]]) -> None:
    field.widget = forms.Select(choices=choices)


class ReportForm(forms.Form):
    def __init__(self, user: User, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.target: Target | None = None
        self.offer()

    def offer(self) -> None:
        """Set the choices within the person's reach."""

    @property
    def available(self) -> bool:
        """Whether the person has anything to choose from."""
        return True


class SelfAssessmentForm(ReportForm):
    assessment = forms.IntegerField(label=_("District and evaluation"))

    def offer(self) -> None:
        self.choices = [
            (a.pk, f"{a.region.name} · {a.cycle.name}") for a in scope.assessments(self.user)
        ]
        _select(self.fields["assessment"], self.choices)

    @property
    def available(self) -> bool:
        return bool(self.choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "assessment" in data:
            a = scope.get_assessment(self.user, data["assessment"])
            self.target = Target(
                {"assessment": a.pk},
                a.region,
                gettext("Self-assessment report · %(region)s · %(cycle)s")
                % {"region": a.region.name, "cycle": a.cycle.name},
            )
        return data


class VerificationForm(ReportForm):
    province = forms.CharField(label=_("Province"))
    cycle = forms.IntegerField(label=_("Evaluation"))

    def offer(self) -> None:
        self.provinces = [(r.code, r.name) for r in scope.provinces(self.user)]
        _select(self.fields["province"], self.provinces)
        _select(self.fields["cycle"], [(c.pk, c.name) for c in scope.cycles(self.user)])

    @property
    def available(self) -> bool:
        return bool(self.provinces)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "province" in data and "cycle" in data:
            province = scope.get_region(self.user, data["province"], Region.Level.PROVINCE)
            cycle = scope.get_cycle(self.user, data["cycle"])
            self.target = Target(
                {"province": province.code, "cycle": cycle.pk},
                province,
                gettext("Verification report · %(region)s · %(cycle)s")
                % {"region": province.name, "cycle": cycle.name},
            )
        return data


class PlanYearForm(ReportForm):
    plan = forms.IntegerField(label=_("RAD KLA"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)

    def offer(self) -> None:
        plans = list(scope.plans(self.user))
        self.plans = [
            (p.pk, f"{p.region.name} · {p.title} ({p.start_year}–{p.end_year})") for p in plans
        ]
        _select(self.fields["plan"], self.plans)
        # The years of the plans in reach (a 2025–2029 plan offers 2025 to 2029).
        years = sorted({y for p in plans for y in p.years}, reverse=True)
        _select(self.fields["year"], [(y, y) for y in years] or _year_choices())
        self.fields["year"].initial = timezone.localdate().year

    @property
    def available(self) -> bool:
        return bool(self.plans)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "plan" in data and "year" in data:
            plan = scope.get_plan(self.user, data["plan"])
            if not plan.start_year <= data["year"] <= plan.end_year:
                self.add_error(
                    "year",
                    gettext("The plan runs from %(start)s to %(end)s.")
                    % {"start": plan.start_year, "end": plan.end_year},
                )
                return data
            self.target = Target(
                {"plan": plan.pk, "year": data["year"]},
                plan.region,
                gettext("RAD KLA progress report · %(region)s · %(year)s")
                % {"region": plan.region.name, "year": data["year"]},
            )
        return data


class PlanWorkbookForm(ReportForm):
    plan = forms.IntegerField(label=_("RAD KLA"))

    def offer(self) -> None:
        self.plans = [
            (p.pk, f"{p.region.name} · {p.title} ({p.start_year}–{p.end_year})")
            for p in scope.plans(self.user)
        ]
        _select(self.fields["plan"], self.plans)

    @property
    def available(self) -> bool:
        return bool(self.plans)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "plan" in data:
            plan = scope.get_plan(self.user, data["plan"])
            self.target = Target(
                {"plan": plan.pk},
                plan.region,
                gettext("RAD KLA with progress (XLSX) · %(region)s") % {"region": plan.region.name},
            )
        return data


class AnswersForm(ReportForm):
    cycle = forms.IntegerField(label=_("Evaluation"))
    area = forms.CharField(label=_("Districts"), required=False)

    def offer(self) -> None:
        self.cycles = [(c.pk, c.name) for c in scope.cycles(self.user)]
        _select(self.fields["cycle"], self.cycles)
        areas: list[tuple[str, str]] = []
        if scope.national(self.user):
            areas.append(("", gettext("All districts")))
        areas += [
            (r.code, gettext("Province: %(name)s") % {"name": r.name})
            for r in scope.provinces(self.user)
        ]
        areas += [(r.code, r.name) for r in scope.districts(self.user)]
        _select(self.fields["area"], areas)

    @property
    def available(self) -> bool:
        return bool(self.cycles)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "cycle" not in data:
            return data
        cycle = scope.get_cycle(self.user, data["cycle"])
        code = data.get("area") or ""
        if not code:
            # All districts: the ministry's alone.
            authz.require(self.user, authz.Action.VIEW, scope.national(self.user))
            region = None
            name = gettext("all districts")
        else:
            level = Region.Level.PROVINCE if "." not in code else Region.Level.REGENCY
            region = scope.get_region(self.user, code, level)
            name = region.name
        self.target = Target(
            {"cycle": cycle.pk, "area": code},
            region,
            gettext("Answers and scores (XLSX) · %(cycle)s · %(area)s")
            % {"cycle": cycle.name, "area": name},
        )
        return data


class DistrictYearForm(ReportForm):
    district = forms.CharField(label=_("District"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = _("Report")

    def offer(self) -> None:
        self.districts = [(r.code, r.name) for r in scope.districts(self.user)]
        _select(self.fields["district"], self.districts)
        _select(self.fields["year"], _year_choices())
        self.fields["year"].initial = timezone.localdate().year

    @property
    def available(self) -> bool:
        return bool(self.districts)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "district" in data and "year" in data:
            region = scope.get_region(self.user, data["district"], Region.Level.REGENCY)
            self.target = Target(
                {"district": region.code, "year": data["year"]},
                region,
                f"{self.title} · {region.name} · {data['year']}",
            )
        return data


class PartnersForm(DistrictYearForm):
    title = _("Partner contributions (XLSX)")


class IndicatorValuesForm(DistrictYearForm):
    title = _("Indicator data (XLSX)")
