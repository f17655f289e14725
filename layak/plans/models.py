"""RAD KLA: a district's five-year action plan for the child-friendly district programme.

Per indicator of the evaluation framework: programmes → activities → sub-activities, each with its
responsible office, partners, performance indicator, baseline, a target and a budget per year and
funding source. Offices report progress per period through the shared review workflow; the
secretariat (the district administrator) accepts or returns the reports.

Budgets are entered on the lowest level of each branch (a leaf); the totals of programmes and
activities, of clusters and of offices are sums computed in the database.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.core.concurrency import revision_field
from layak.workflow import EDITABLE, ReviewedModel

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.regions.models import Region

A = authz.Action
ZERO = Decimal(0)


class FundingSource(models.TextChoices):
    APBD = "apbd", _("APBD (regional budget)")
    APBN = "apbn", _("APBN / DAK (national budget)")
    VILLAGE = "village", _("Village funds")
    CSR = "csr", _("CSR")
    OTHER = "other", _("Other")


class PlanQuerySet(models.QuerySet["Plan"]):
    def for_user(self, user: User, action: authz.Action) -> PlanQuerySet:
        return self.filter(authz.scope_q(user, action, region="region"))


class Plan(models.Model):
    """A RAD KLA: one district, five years, adopted by a regulation."""

    attachable = True

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="plans", verbose_name=_("region")
    )
    version = models.ForeignKey(
        "frameworks.InstrumentVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("indicators of"),
    )
    title = models.CharField(_("title"), max_length=200)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    regulation_number = models.CharField(_("regulation number"), max_length=120, blank=True)
    regulation_date = models.DateField(_("regulation date"), null=True, blank=True)
    reports_per_year = models.PositiveSmallIntegerField(
        _("progress reports per year"),
        default=4,
        choices=[(4, _("Quarterly")), (2, _("Half-yearly")), (1, _("Yearly"))],
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "-start_year", "pk"]
        verbose_name = _("action plan (RAD KLA)")
        verbose_name_plural = _("action plans (RAD KLA)")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("plans:detail", args=[self.pk])

    @property
    def attachment_region(self) -> Region:
        return self.region

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class PlanItem(models.Model):
    class Level(models.TextChoices):
        PROGRAMME = "programme", _("Programme")
        ACTIVITY = "activity", _("Activity")
        SUB_ACTIVITY = "sub_activity", _("Sub-activity")

    class Combine(models.TextChoices):
        """How the periods of a year make the year's figure: counts and money add up; a rate
        or a percentage is the latest period's figure, or the average of the periods (never
        their sum: 25 % + 25 % + 24 % is not 74 %)."""

        SUM = "sum", _("Sum of the periods (counts, money)")
        LATEST = "latest", _("Latest period (rates, percentages)")
        AVERAGE = "average", _("Average of the periods (rates, percentages)")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="items")
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    # A reference unique within the plan ("P1", "P1.A2"): ties workbook rows to items.
    ref = models.CharField(_("reference"), max_length=40)
    indicator = models.ForeignKey(
        "frameworks.Indicator",
        on_delete=models.PROTECT,
        related_name="plan_items",
        verbose_name=_("indicator"),
    )
    budget_code = models.CharField(
        _("budget nomenclature code"),
        max_length=60,
        blank=True,
        help_text=_("The code of the programme, activity or sub-activity in Permendagri 90/2019."),
    )
    name = models.CharField(_("name"), max_length=300)
    responsible = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="plan_items",
        verbose_name=_("responsible office"),
    )
    partners = models.ManyToManyField(
        "organisations.Organisation", blank=True, related_name="+", verbose_name=_("partners")
    )
    performance_indicator = models.CharField(_("performance indicator"), max_length=300)
    unit = models.CharField(_("unit"), max_length=60)
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=2, null=True)
    combine = models.CharField(
        _("periods combine as"), max_length=8, choices=Combine.choices, default=Combine.SUM
    )
    order = models.PositiveIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["plan", "order", "pk"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [models.UniqueConstraint(fields=["plan", "ref"], name="plan_item_unique_ref")]

    def __str__(self) -> str:
        return self.name


class PlanYear(models.Model):
    """An item's target and budget (per funding source) for one year of the plan."""

    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=2, null=True)
    apbd = models.DecimalField(_("APBD"), default=ZERO, max_digits=18, decimal_places=2)
    apbn = models.DecimalField(_("APBN/DAK"), default=ZERO, max_digits=18, decimal_places=2)
    village = models.DecimalField(_("village funds"), default=ZERO, max_digits=18, decimal_places=2)
    csr = models.DecimalField(_("CSR"), default=ZERO, max_digits=18, decimal_places=2)
    other = models.DecimalField(_("other"), default=ZERO, max_digits=18, decimal_places=2)

    class Meta:
        ordering = ["item", "year"]
        constraints = [
            models.UniqueConstraint(fields=["item", "year"], name="plan_year_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item} · {self.year}"

    @property
    def budget(self) -> Decimal:
        return self.apbd + self.apbn + self.village + self.csr + self.other


class DistrictBudget(models.Model):
    """The district's total regional budget (APBD) of a year: the base of the child budget share."""

    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("year"))
    total = models.DecimalField(_("total APBD"), max_digits=18, decimal_places=2)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="district_budget_unique")
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.year}"


class ReportQuerySet(models.QuerySet["ProgressReport"]):
    def for_user(self, user: User, action: authz.Action) -> ReportQuerySet:
        """The secretariat and those above read every report of the district; an office only
        its own."""
        return self.filter(
            authz.scope_q(user, action, region="plan__region", organisation="organisation")
        )


class ProgressReport(ReviewedModel):
    """An office's report on its plan items for one period of a year."""

    attachable = True

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="reports")
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="plan_reports",
        verbose_name=_("office"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    period = models.PositiveSmallIntegerField(_("period"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # Raised by every save that changes an entry; a save naming an older one is a conflict.
    revision = revision_field()

    objects = ReportQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-period", "organisation__name"]
        verbose_name = _("progress report")
        verbose_name_plural = _("progress reports")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation", "year", "period"], name="report_unique_period"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} · {self.period_label}"

    def get_absolute_url(self) -> str:
        return reverse("plans:report", args=[self.pk])

    @property
    def attachment_region(self) -> Region:
        return self.plan.region

    @property
    def attachments_locked(self) -> bool:
        return self.status not in EDITABLE

    @property
    def period_label(self) -> str:
        return period_label(self.plan.reports_per_year, self.year, self.period)


def period_label(per_year: int, year: int, period: int) -> str:
    from django.utils.translation import gettext

    if per_year == 4:
        return gettext("Q%(n)s %(year)s") % {"n": period, "year": year}
    if per_year == 2:
        return gettext("H%(n)s %(year)s") % {"n": period, "year": year}
    return str(year)


class ProgressEntry(models.Model):
    """What an office realised on one item in one period."""

    report = models.ForeignKey(ProgressReport, on_delete=models.PROTECT, related_name="entries")
    item = models.ForeignKey(PlanItem, on_delete=models.PROTECT, related_name="entries")
    output = models.DecimalField(
        _("output realised"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    budget = models.DecimalField(
        _("budget realised"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    done = models.TextField(_("what was done"), blank=True)
    planned = models.TextField(_("what is planned next"), blank=True)
    obstacles = models.TextField(_("obstacles"), blank=True)

    class Meta:
        ordering = ["report", "item__order", "item__pk"]
        constraints = [models.UniqueConstraint(fields=["report", "item"], name="entry_unique_item")]

    def __str__(self) -> str:
        return f"{self.report} · {self.item}"


class PlanImport(models.Model):
    """An uploaded RAD workbook: checked first (dry run), applied on confirmation, whole or not
    at all."""

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked, ready to apply")
        REFUSED = "refused", _("Refused: has errors")
        APPLIED = "applied", _("Applied")

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="imports")
    file = models.FileField(upload_to="plan-imports/", max_length=200)
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=16, choices=Status.choices)
    errors = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self) -> str:
        return self.name
