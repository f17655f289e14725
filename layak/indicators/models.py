"""Indicator data, in the manner of DHIS2: data elements, values, computed indicators.

A data element is a count a district collects (births, births with a birth certificate, child
marriages ...), optionally disaggregated by categories (sex, age band). Values are entered at one
region level only (the element's ``entry_level``: the district, its kecamatan or its villages) and
aggregated upwards from that level in the database, so a district total never double-counts a
kecamatan figure and the villages under it.

An indicator is computed: numerator / denominator × factor (e.g. births with a certificate per
100 births). The district sets targets per year and decides which indicator-years it publishes
on the public portal (the Konvensi Hak Anak data the KLA evaluation asks for, Permen PPPA 12/2022).
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.organisations.roles import Role

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.regions.models import Region

A = authz.Action


class Cluster(models.TextChoices):
    """The clusters of the KLA instrument: group codes of the current KLA instrument
    (``layak.frameworks.current``). KLA 2024's seventh group, KELANA/DEKELA (KD), is not a
    cluster of indicator data."""

    KL = "KL", _("Institutional strengthening")
    K1 = "K1", _("Civil rights and freedoms")
    K2 = "K2", _("Family environment and alternative care")
    K3 = "K3", _("Basic health and welfare")
    K4 = "K4", _("Education, leisure and culture")
    K5 = "K5", _("Special protection")


class PeriodType(models.TextChoices):
    YEAR = "year", _("Yearly")
    QUARTER = "quarter", _("Quarterly")
    MONTH = "month", _("Monthly")


class EntryLevel(models.IntegerChoices):
    DISTRICT = 2, _("District")
    SUBDISTRICT = 3, _("Kecamatan")
    VILLAGE = 4, _("Village")


_PERIOD_PATTERNS = {
    PeriodType.YEAR: re.compile(r"^(\d{4})$"),
    PeriodType.QUARTER: re.compile(r"^(\d{4})Q([1-4])$"),
    PeriodType.MONTH: re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$"),
}


def period_start(period: str, period_type: str) -> datetime.date | None:
    """The first day of ``period`` ("2025", "2025Q1", "2025-03") of ``period_type``; None when the
    period is not written the way its type requires."""
    match = _PERIOD_PATTERNS[PeriodType(period_type)].match(period.strip())
    if match is None:
        return None
    year = int(match.group(1))
    if not 1900 <= year <= 2100:
        return None
    if period_type == PeriodType.QUARTER:
        return datetime.date(year, 3 * (int(match.group(2)) - 1) + 1, 1)
    if period_type == PeriodType.MONTH:
        return datetime.date(year, int(match.group(2)), 1)
    return datetime.date(year, 1, 1)


def periods_of_year(year: int, period_type: str) -> list[str]:
    if period_type == PeriodType.QUARTER:
        return [f"{year}Q{q}" for q in range(1, 5)]
    if period_type == PeriodType.MONTH:
        return [f"{year}-{m:02d}" for m in range(1, 13)]
    return [str(year)]


class Category(models.Model):
    """A dimension values are broken down by (sex, age band)."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self) -> str:
        return self.name


class CategoryOption(models.Model):
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="options", verbose_name=_("category")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["category__order", "order", "code"]
        verbose_name = _("category option")
        verbose_name_plural = _("category options")
        constraints = [
            models.UniqueConstraint(fields=["category", "code"], name="category_option_unique")
        ]

    def __str__(self) -> str:
        return self.name


class DataElementQuerySet(models.QuerySet["DataElement"]):
    def active(self) -> DataElementQuerySet:
        return self.filter(is_active=True)


class DataElement(models.Model):
    """A count collected per region and period. Definitions are national (the same element in
    every district), so they are read by everyone signed in and changed in the admin."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, default="", blank=True)
    cluster = models.CharField(_("cluster"), max_length=2, choices=Cluster.choices)
    categories = models.ManyToManyField(
        Category, blank=True, related_name="elements", verbose_name=_("disaggregated by")
    )
    entry_level = models.PositiveSmallIntegerField(
        _("entered at"),
        choices=EntryLevel.choices,
        default=EntryLevel.DISTRICT,
        help_text=_("Values are entered at this level only and added up above it."),
    )
    period_type = models.CharField(
        _("period"), max_length=8, choices=PeriodType.choices, default=PeriodType.YEAR
    )
    min_value = models.DecimalField(
        _("lowest valid value"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("highest valid value"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Violence, child marriage, children in conflict with the law: small counts are "
            "suppressed on public pages."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = DataElementQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "name"]
        verbose_name = _("data element")
        verbose_name_plural = _("data elements")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:element", args=[self.code])


class DataValueQuerySet(models.QuerySet["DataValue"]):
    def active(self) -> DataValueQuerySet:
        return self.filter(is_active=True)

    def for_user(self, user: User, action: authz.Action) -> DataValueQuerySet:
        """Everyone with a reach over the region reads its values (an office reads its whole
        district's figures: they are the district's data, not the office's). To enter or change
        values one needs ``entry_q``: the secretariat or any office operator of the district."""
        if action == A.EDIT:
            return self.filter(entry_q(user, region="region"))
        return self.filter(authz.scope_q(user, action, region="region"))


def entry_q(user: User, *, region: str) -> Q:
    """Regions (through the lookup ``region``) where ``user`` may enter indicator data: where a
    region-wide grant carries EDIT (district administrator, ministry), and, for an office
    operator, anywhere in the district of their office. Partners and forum facilitators do not
    enter official statistics."""
    q = authz.scope_q(user, A.EDIT, region=region)
    for grant in authz.grants(user):
        if grant.role == Role.OFFICE_OPERATOR:
            for path in grant.paths:
                q |= Q(**{f"{region}__path__startswith": path})
    return q


def can_enter(user: User, region: Region) -> bool:
    if authz.reaches(user, A.EDIT, region):
        return True
    return any(
        grant.role == Role.OFFICE_OPERATOR and region.path.startswith(path)
        for grant in authz.grants(user)
        for path in grant.paths
    )


class ValueBatch(models.Model):
    """One write of values: a grid save, an API call or an applied file. It records who wrote
    and when; each value points at the batch that entered it, and the audit log has one entry
    per batch (``indicators.values_entered``) instead of one per new value. Changes to stored
    values keep an audit entry each, with their before and after."""

    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entered by"),
    )
    at = models.DateTimeField(_("entered"))
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("district"),
    )
    data_import = models.ForeignKey(
        "DataImport",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="batches",
        verbose_name=_("imported file"),
    )
    created = models.PositiveIntegerField(_("values added"), default=0)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("batch of values")
        verbose_name_plural = _("batches of values")

    def __str__(self) -> str:
        if self.data_import_id is not None:
            return str(self.data_import)
        return str(_("Values entered directly"))


class DataValue(models.Model):
    """One number: an element's value for a region, a period and a disaggregation.

    Its references are checked by PostgreSQL once per statement rather than once per row
    (``layak.indicators.triggers``): an import writes thousands of values in one ``COPY``, and
    five row-by-row foreign-key checks cost as much as writing the values."""

    # The unique constraint starts with the element: no separate index for it. Nothing looks
    # values up by who created or last changed them, by batch (the value points at them) or by
    # office alone (the DHIS2 export asks for an office's values with their elements, which
    # the element's indexes find), so none of them gets an index: every index is paid for by
    # each imported value. The cost: deleting an office (the app never does; offices are made
    # inactive) reads the whole value table, once for ``PROTECT`` and once in the database's
    # check that no value refers to it (``triggers``), instead of an index probe.
    element = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        related_name="values",
        verbose_name=_("element"),
        db_index=False,
        db_constraint=False,
    )
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("region"),
        db_constraint=False,
    )
    period = models.CharField(_("period"), max_length=10)
    period_start = models.DateField(_("period start"))
    # Canonical key "age=1-5;sex=F", sorted by category code; "" = the undisaggregated total.
    disaggregation = models.CharField(_("disaggregation"), max_length=200, blank=True, default="")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("source office"),
        db_index=False,
        db_constraint=False,
    )
    dataset = models.CharField(_("source dataset"), max_length=200, blank=True)
    source_date = models.DateField(_("source date"), null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    # A removed value is kept, inactive, with its history in the audit log.
    is_active = models.BooleanField(_("active"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    # The write that entered the value (empty for values entered before batches were kept).
    batch = models.ForeignKey(
        ValueBatch,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="values",
        verbose_name=_("entered in"),
        db_index=False,
        db_constraint=False,
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = DataValueQuerySet.as_manager()

    class Meta:
        ordering = ["element", "region__code", "period_start", "disaggregation"]
        verbose_name = _("data value")
        verbose_name_plural = _("data values")
        constraints = [
            models.UniqueConstraint(
                fields=["element", "region", "period", "disaggregation"],
                name="data_value_unique",
            )
        ]
        indexes = [models.Index(fields=["element", "period"], name="data_value_element_period")]

    def __str__(self) -> str:
        return f"{self.element} · {self.region} · {self.period}"

    def get_absolute_url(self) -> str:
        return reverse("indicators:value", args=[self.pk])

    def snapshot(self) -> dict[str, object]:
        """The audited fields."""
        return {
            "value": str(Decimal(self.value).quantize(Decimal("0.01"))),
            "is_active": self.is_active,
            "organisation": self.organisation_id,
            "dataset": self.dataset,
            "source_date": self.source_date.isoformat() if self.source_date else None,
            "comment": self.comment,
        }


class IndicatorQuerySet(models.QuerySet["Indicator"]):
    def active(self) -> IndicatorQuerySet:
        return self.filter(is_active=True)


class Indicator(models.Model):
    """A computed figure: numerator / denominator × factor, or the numerator alone when it has
    no denominator (a count such as cases of violence served)."""

    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    numerator = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="+", verbose_name=_("numerator")
    )
    denominator = models.ForeignKey(
        DataElement,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("denominator"),
    )
    factor = models.DecimalField(_("factor"), max_digits=12, decimal_places=2, default=Decimal(1))
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    cluster = models.CharField(_("cluster"), max_length=2, choices=Cluster.choices)
    higher_is_better = models.BooleanField(_("higher is better"), default=True)
    question_code = models.CharField(
        _("evaluation question"),
        max_length=40,
        blank=True,
        help_text=_("The code of the KLA evaluation question this indicator can prefill."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        ordering = ["cluster", "order", "name"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self) -> str:
        return self.name

    @property
    def sensitive(self) -> bool:
        return self.numerator.sensitive or bool(self.denominator and self.denominator.sensitive)

    @property
    def period_type(self) -> str:
        return self.numerator.period_type


class TargetQuerySet(models.QuerySet["IndicatorTarget"]):
    def for_user(self, user: User, action: authz.Action) -> TargetQuerySet:
        """Targets are the district's decisions: the secretariat sets them; everyone in reach
        reads them."""
        return self.filter(authz.scope_q(user, action, region="region"))


class PublicationQuerySet(models.QuerySet["Publication"]):
    def for_user(self, user: User, action: authz.Action) -> PublicationQuerySet:
        """The secretariat publishes; everyone in reach reads what is published."""
        return self.filter(authz.scope_q(user, action, region="region"))

    def active(self) -> PublicationQuerySet:
        return self.filter(is_active=True)


class IndicatorTarget(models.Model):
    """The district's target for an indicator in a year (from its RAD KLA or RPJMD)."""

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="targets", verbose_name=_("indicator")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), max_digits=18, decimal_places=2)

    objects = TargetQuerySet.as_manager()

    class Meta:
        ordering = ["indicator", "region", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "region", "year"], name="indicator_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.region} · {self.year}"


class Publication(models.Model):
    """An indicator-year the district has published on the public portal. Unpublishing keeps the
    row, inactive; every change is in the audit log."""

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="publications",
        verbose_name=_("indicator"),
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField(_("published"))
    is_active = models.BooleanField(_("published"), default=True)

    objects = PublicationQuerySet.as_manager()

    class Meta:
        ordering = ["region", "indicator", "-year"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator", "year"], name="publication_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.region} · {self.year}"


class ValidationRule(models.Model):
    """A consistency check between two elements for the same region, period and
    disaggregation, e.g. births with a birth certificate <= births."""

    class Operator(models.TextChoices):
        LE = "<=", _("at most")
        GE = ">=", _("at least")
        EQ = "==", _("equal to")

    name = models.CharField(_("name"), max_length=200)
    left = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="+", verbose_name=_("left")
    )
    operator = models.CharField(_("operator"), max_length=2, choices=Operator.choices)
    right = models.ForeignKey(
        DataElement, on_delete=models.PROTECT, related_name="+", verbose_name=_("right")
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return self.name

    def holds(self, left: Decimal, right: Decimal) -> bool:
        if self.operator == self.Operator.LE:
            return left <= right
        if self.operator == self.Operator.GE:
            return left >= right
        return left == right


class DataImportQuerySet(models.QuerySet["DataImport"]):
    def for_user(self, user: User, action: authz.Action) -> DataImportQuerySet:
        """An upload is read by whoever may enter data in its district."""
        if action == A.EDIT:
            return self.filter(entry_q(user, region="region"))
        return self.filter(authz.scope_q(user, action, region="region"))


class DataImport(models.Model):
    """An uploaded CSV/XLSX of values: checked first (dry run), then applied whole
    ("all-or-nothing") or row by row (valid rows saved, invalid ones listed). The file is kept."""

    class Mode(models.TextChoices):
        ALL_OR_NOTHING = "all", _("All or nothing: save nothing if any row has an error")
        ROW_BY_ROW = "rows", _("Row by row: save the valid rows, list the invalid ones")

    class Status(models.TextChoices):
        CHECKING = "checking", _("Being checked")
        CHECKED = "checked", _("Checked, ready to apply")
        REFUSED = "refused", _("Refused: has errors")
        APPLYING = "applying", _("Being applied")
        APPLIED = "applied", _("Applied")

    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("district")
    )
    file = models.FileField(upload_to="indicator-imports/", max_length=200)
    name = models.CharField(_("file"), max_length=200)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices)
    errors = models.JSONField(default=list)
    summary = models.JSONField(default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    applied_at = models.DateTimeField(_("applied"), null=True, blank=True)
    # The rows as the check left them (``importfile``): applying the file takes them instead
    # of reading and checking every row again when nothing they depend on changed since.
    # Emptied once the file is applied.
    checked = models.JSONField(null=True, blank=True, editable=False)

    objects = DataImportQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        verbose_name = _("data import")
        verbose_name_plural = _("data imports")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("indicators:import", args=[self.pk])


class StagedValue(models.Model):
    """A value a checked upload will add, resolved to the value table's columns
    (``layak.indicators.staged``, PostgreSQL only): applying the upload copies its rows into
    ``DataValue`` in one statement. Kept only while the upload waits to be applied, like
    ``DataImport.checked``; the table is unlogged (``0008``): after a crash it is empty and
    the upload is checked again from its file. A row is its upload and its place among the
    upload's staged values (``line``, counted from 0 in the file's order): one index, no
    sequence."""

    pk = models.CompositePrimaryKey("data_import", "line")
    data_import = models.ForeignKey(
        DataImport, on_delete=models.CASCADE, related_name="+", db_constraint=False, db_index=False
    )
    line = models.IntegerField()
    element_id = models.BigIntegerField()
    region_id = models.BigIntegerField()
    period = models.CharField(max_length=10)
    period_start = models.DateField()
    disaggregation = models.CharField(max_length=200)
    value = models.DecimalField(max_digits=18, decimal_places=2)
    organisation_id = models.BigIntegerField(null=True)
    dataset = models.TextField()
    source_date = models.DateField(null=True)
    comment = models.TextField()

    def __str__(self) -> str:
        return f"{self.data_import_id} · {self.element_id} · {self.region_id} · {self.period}"
