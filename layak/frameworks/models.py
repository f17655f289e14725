"""Indicator frameworks and their evaluation instruments, as versioned data.

Framework → instrument version → groups (Kelembagaan, clusters I–V) → indicators → questions →
answer options or score bands → evidence requirements. A published version is frozen; a change
makes a new version, whose questions can be mapped to the previous version's so that last
cycle's answers and evidence are offered for reuse. Predicate bands are data of the version
(Perpres 25/2021: Pratama 500–600 … KLA 901–1000), never code.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def bilingual(indonesian: str, english: str) -> str:
    """The English text for a reader in English when there is one, else the Indonesian."""
    if english and (get_language() or "id").split("-")[0] == "en":
        return english
    return indonesian


class Framework(models.Model):
    code = models.SlugField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    # The region level whose units answer it: 2 regency/city, 3 sub-district, 4 village.
    region_level = models.PositiveSmallIntegerField(_("answered by level"), default=2)
    has_points = models.BooleanField(
        _("scored with points"),
        default=True,
        help_text=_("Off for frameworks whose criteria are only met or not met."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("framework")
        verbose_name_plural = _("frameworks")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)

    @property
    def display_description(self) -> str:
        return bilingual(self.description, self.description_en)


class InstrumentVersion(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")

    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="versions", verbose_name=_("framework")
    )
    number = models.PositiveIntegerField(_("version"))
    label = models.CharField(_("label"), max_length=200)
    label_en = models.CharField(_("label in English"), max_length=200, blank=True)
    is_default_scheme = models.BooleanField(
        _("default scoring scheme"),
        default=False,
        help_text=_("Bundled example scores, to be replaced by the cycle's official instrument."),
    )
    # Answer levels and their points inferred from a district's recap of the national instrument
    # rather than taken from the ministry's workbook; the official workbook replaces the version.
    reconstructed = models.BooleanField(
        _("answer levels reconstructed"),
        default=False,
        help_text=_("The answer levels and their points are inferred, not the ministry's own."),
    )
    source = models.TextField(_("source"), blank=True)
    scale_max = models.DecimalField(_("maximum score"), max_digits=8, decimal_places=2, default=0)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    previous = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("previous version"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["framework__code", "-number"]
        verbose_name = _("instrument version")
        verbose_name_plural = _("instrument versions")
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="instrument_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.framework} · v{self.number} · {self.display_label}"

    @property
    def display_label(self) -> str:
        return bilingual(self.label, self.label_en)

    @property
    def is_frozen(self) -> bool:
        return self.status == self.Status.PUBLISHED


class PredicateBand(models.Model):
    """A predicate and its score range (inclusive), e.g. Pratama 500–600."""

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="bands", verbose_name=_("version")
    )
    code = models.CharField(_("code"), max_length=32)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name in English"), max_length=100, blank=True)
    min_score = models.DecimalField(_("from"), max_digits=8, decimal_places=2)
    max_score = models.DecimalField(_("to"), max_digits=8, decimal_places=2)
    # Rank 0 is "no predicate"; higher is better.
    rank = models.PositiveSmallIntegerField(_("rank"))

    class Meta:
        ordering = ["version", "rank"]
        verbose_name = _("predicate band")
        verbose_name_plural = _("predicate bands")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="band_unique_code"),
            models.UniqueConstraint(fields=["version", "rank"], name="band_unique_rank"),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)


class Group(models.Model):
    """Kelembagaan or one of the five clusters."""

    version = models.ForeignKey(
        InstrumentVersion,
        on_delete=models.CASCADE,
        related_name="groups",
        verbose_name=_("version"),
    )
    code = models.CharField(_("code"), max_length=16)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["version", "order", "code"]
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="group_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)


class Indicator(models.Model):
    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="indicators"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("group")
    )
    code = models.CharField(_("code"), max_length=32)
    number = models.PositiveSmallIntegerField(_("number"), default=0)
    name = models.CharField(_("name"), max_length=300)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    measure = models.TextField(_("measure (ukuran)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # The indicator's own maximum (the national instrument's indicator maxima add up to 1000).
    # Where its questions add up to more, the indicator's score is capped here; empty means the
    # sum of its questions' maxima.
    max_points = models.DecimalField(
        _("maximum points"), max_digits=8, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["version", "group__order", "order", "number"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="indicator_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.short_number}. {self.display_name}" if self.number else self.display_name

    @property
    def short_number(self) -> str:
        """The indicator's number as its code writes it: "21A" for K5-21A (parts A, B and C of
        one number are three indicators), else the number."""
        rest = self.code.rsplit("-", 1)[-1]
        return rest if rest.startswith(str(self.number)) else str(self.number)

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)


class Question(models.Model):
    class Kind(models.TextChoices):
        SINGLE = "single", _("Single choice")
        MULTIPLE = "multiple", _("Multiple choice")
        YES_NO = "yes_no", _("Yes or no")
        NUMBER = "number", _("Number")
        PERCENTAGE = "percentage", _("Percentage")
        TABLE = "table", _("Table")
        TEXT = "text", _("Text")
        EVIDENCE = "evidence", _("Evidence only")

    class Direction(models.TextChoices):
        HIGHER = "higher", _("Higher is better")
        LOWER = "lower", _("Lower is better")

    version = models.ForeignKey(
        InstrumentVersion, on_delete=models.CASCADE, related_name="questions"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="questions", verbose_name=_("indicator")
    )
    code = models.CharField(_("code"), max_length=40)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.TextField(_("question"))
    text_en = models.TextField(_("question in English"), blank=True)
    help_text = models.TextField(_("guidance"), blank=True)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    max_points = models.DecimalField(
        _("maximum points"), max_digits=8, decimal_places=2, default=Decimal(0)
    )
    direction = models.CharField(
        _("direction"), max_length=8, choices=Direction.choices, default=Direction.HIGHER
    )
    required = models.BooleanField(_("required"), default=True)
    # Table questions: {"rows": [...labels], "columns": [...labels], "ratio": [num_col, den_col]}
    table_spec = models.JSONField(_("table layout"), default=dict, blank=True)

    # Answered by Layak, never typed: the share of kecamatan (KELANA) or villages (DEKELA) of
    # the district that hold their status (Permen PPPA 12/2022, indicator 2).
    class Computed(models.TextChoices):
        NONE = "", _("typed by the district")
        KELANA = "kelana_share", _("share of Kecamatan Layak Anak")
        DEKELA = "dekela_share", _("share of Desa/Kelurahan Layak Anak")
        MEETINGS = "gt_meetings", _("task force coordination meetings in the year")
        PARTNERS = "partner_count", _("partners with accepted commitments in the year")
        KELANA_YES = "kelana_yes", _("share of kecamatan whose evaluation answers yes")
        DEKELA_YES = "dekela_yes", _("share of villages whose evaluation answers yes")

    computed = models.CharField(
        _("computed"), max_length=16, choices=Computed.choices, default="", blank=True
    )
    # The offices that supply the answer, as the instrument names them ("Dinkes", "Polres",
    # "Forum Anak Daerah (FAD)"); a district maps these names to its own organisations.
    offices = models.JSONField(_("supplying offices"), default=list, blank=True)
    # The question of the previous version this one continues (answers offered for reuse).
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("same question in the previous version"),
    )

    class Meta:
        ordering = ["version", "indicator__group__order", "indicator__order", "order"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        constraints = [
            models.UniqueConstraint(fields=["version", "code"], name="question_unique_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.display_text[:80]}"

    @property
    def display_text(self) -> str:
        return bilingual(self.text, self.text_en)


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=300)
    label_en = models.CharField(_("label in English"), max_length=300, blank=True)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2, default=Decimal(0))
    # Frameworks without points: choosing this option meets the criterion (UNICEF CFCI).
    meets = models.BooleanField(_("meets the criterion"), default=False)

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self) -> str:
        return self.display_label

    @property
    def display_label(self) -> str:
        return bilingual(self.label, self.label_en)


class ScoreBand(models.Model):
    """Points for a number or a percentage: lower ≤ value < upper (either end may be open)."""

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="score_bands")
    lower = models.DecimalField(_("from"), max_digits=14, decimal_places=4, null=True, blank=True)
    upper = models.DecimalField(_("below"), max_digits=14, decimal_places=4, null=True, blank=True)
    points = models.DecimalField(_("points"), max_digits=8, decimal_places=2)

    class Meta:
        ordering = ["question", "lower"]
        verbose_name = _("score band")
        verbose_name_plural = _("score bands")

    def __str__(self) -> str:
        return f"{self.lower}–{self.upper}: {self.points}"


class EvidenceRequirement(models.Model):
    class Kind(models.TextChoices):
        DOCUMENT = "document", _("Supporting document")
        MATRIX = "matrix", _("Matrix (template to fill in)")
        PHOTO = "photo", _("Photos")
        BUDGET = "budget", _("Budget data signed by Bappeda")
        CERTIFICATE = "certificate", _("Certificates")
        REGULATION = "regulation", _("The regulation or policy itself")

    question = models.ForeignKey(
        Question, on_delete=models.CASCADE, related_name="evidence_requirements"
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    name = models.CharField(_("document"), max_length=300)
    name_en = models.CharField(_("document in English"), max_length=300, blank=True)
    required = models.BooleanField(_("required"), default=False)
    kind = models.CharField(
        _("kind of evidence"), max_length=16, choices=Kind.choices, default=Kind.DOCUMENT
    )

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = _("evidence requirement")
        verbose_name_plural = _("evidence requirements")

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return bilingual(self.name, self.name_en)


def in_language(value: object) -> str:
    """An instrument object's text in the reader's language: a question's text, an option's or
    a version's label, the name of anything else (framework, group, indicator, predicate band,
    evidence requirement)."""
    for attribute in ("display_text", "display_label", "display_name"):
        if hasattr(value, attribute):
            return str(getattr(value, attribute))
    return "" if value is None else str(value)
