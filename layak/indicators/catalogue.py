"""Changing the national definitions: categories, data elements, indicators, validation rules.

Definitions are the same for every district, so only a national administrator (the ministry)
changes them. What values already depend on stays fixed: an element with values keeps its code,
categories, entry level and period type (a new element is made instead), and a category keeps
its options (new ones may be added, names corrected). Nothing is deleted; an element, indicator
or rule is retired by making it inactive. Every change is audited.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from layak import authz
from layak.audit.log import record, snapshot
from layak.indicators.actions import IndicatorDataError
from layak.indicators.models import (
    Category,
    CategoryOption,
    DataElement,
    DataValue,
    Indicator,
    ValidationRule,
)

if TYPE_CHECKING:
    from layak.accounts.models import User

ELEMENT_FIELDS = [
    "code",
    "name",
    "description",
    "unit",
    "cluster",
    "entry_level",
    "period_type",
    "min_value",
    "max_value",
    "sensitive",
    "is_active",
]
FIXED_ONCE_USED = ["code", "entry_level", "period_type"]
INDICATOR_FIELDS = [
    "code",
    "name",
    "description",
    "numerator",
    "denominator",
    "factor",
    "unit",
    "cluster",
    "higher_is_better",
    "question_code",
    "order",
    "is_active",
]
RULE_FIELDS = ["name", "left", "operator", "right", "is_active"]


def can_define(user: User) -> bool:
    return any(g.national and g.allows(authz.Action.MANAGE) for g in authz.grants(user))


def _require(actor: User) -> None:
    if not can_define(actor):
        raise IndicatorDataError(_("Only the ministry changes the national definitions."))


@transaction.atomic
def category_save(
    *,
    actor: User,
    category: Category | None,
    code: str,
    name: str,
    order: int,
    options: list[tuple[str, str]],
) -> Category:
    """Create or change a category. ``options`` are (code, name) in display order; options
    already there must stay (values refer to them by code)."""
    _require(actor)
    codes = [c for c, _n in options]
    if not options:
        raise IndicatorDataError(_("A category needs at least one option."))
    if len(set(codes)) != len(codes):
        raise IndicatorDataError(_("Each option code may appear once."))
    for option_code, _name in options:
        if not option_code or any(ch in option_code for ch in "=;, "):
            raise IndicatorDataError(_("Option codes may not be empty or contain = ; , or spaces."))
    before = None
    if category is not None:
        category = Category.objects.select_for_update().get(pk=category.pk)
        existing = list(category.options.values_list("code", flat=True))
        before = {"code": category.code, "name": category.name, "options": existing}
        missing = sorted(set(existing) - set(codes))
        if missing:
            raise IndicatorDataError(
                _("Options cannot be removed (values refer to them): %(codes)s.")
                % {"codes": ", ".join(missing)}
            )
        if code != category.code and category.elements.exists():
            raise IndicatorDataError(_("The code of a category in use cannot change."))
    elif Category.objects.filter(code=code).exists():
        raise IndicatorDataError(_("A category with this code exists."))
    if category is None:
        category = Category(code=code)
    category.code = code
    category.name = name
    category.order = order
    category.save()
    current = {o.code: o for o in category.options.all()}
    for index, (option_code, option_name) in enumerate(options, start=1):
        option = current.get(option_code) or CategoryOption(category=category, code=option_code)
        option.name = option_name
        option.order = index
        option.save()
    record(
        actor=actor,
        action="indicators.category_saved",
        obj=category,
        region=None,
        before=before,
        after={"code": code, "name": name, "options": codes},
    )
    return category


@transaction.atomic
def element_save(
    *,
    actor: User,
    element: DataElement | None,
    fields: dict[str, Any],
    categories: list[Category],
) -> DataElement:
    _require(actor)
    before = None
    if element is not None:
        element = DataElement.objects.select_for_update().get(pk=element.pk)
        before = snapshot(element, [*ELEMENT_FIELDS, "categories"])
        if DataValue.objects.filter(element=element).exists():
            changed = [f for f in FIXED_ONCE_USED if fields[f] != getattr(element, f)]
            same_categories = {c.pk for c in categories} == set(before["categories"])
            if changed or not same_categories:
                raise IndicatorDataError(
                    _(
                        "This element has values: its code, categories, entry level and period "
                        "cannot change. Create a new element instead."
                    )
                )
    elif DataElement.objects.filter(code=fields["code"]).exists():
        raise IndicatorDataError(_("An element with this code exists."))
    low, high = fields.get("min_value"), fields.get("max_value")
    if low is not None and high is not None and low > high:
        raise IndicatorDataError(_("The lowest valid value is above the highest."))
    if element is None:
        element = DataElement()
    for name in ELEMENT_FIELDS:
        setattr(element, name, fields[name])
    element.save()
    element.categories.set(categories)
    record(
        actor=actor,
        action="indicators.element_saved",
        obj=element,
        region=None,
        before=before,
        after=snapshot(element, [*ELEMENT_FIELDS, "categories"]),
    )
    return element


@transaction.atomic
def indicator_save(
    *, actor: User, indicator: Indicator | None, fields: dict[str, Any]
) -> Indicator:
    _require(actor)
    before = None
    if indicator is not None:
        indicator = Indicator.objects.select_for_update().get(pk=indicator.pk)
        before = snapshot(indicator, INDICATOR_FIELDS)
    elif Indicator.objects.filter(code=fields["code"]).exists():
        raise IndicatorDataError(_("An indicator with this code exists."))
    numerator, denominator = fields["numerator"], fields["denominator"]
    if denominator is not None and denominator.pk == numerator.pk:
        raise IndicatorDataError(_("The numerator and the denominator must differ."))
    if denominator is not None and denominator.period_type != numerator.period_type:
        raise IndicatorDataError(
            _("The numerator and the denominator must have the same kind of period.")
        )
    if fields["factor"] is None or fields["factor"] <= 0:
        raise IndicatorDataError(_("The factor must be above zero."))
    if indicator is None:
        indicator = Indicator()
    for name in INDICATOR_FIELDS:
        setattr(indicator, name, fields[name])
    indicator.save()
    record(
        actor=actor,
        action="indicators.indicator_saved",
        obj=indicator,
        region=None,
        before=before,
        after=snapshot(indicator, INDICATOR_FIELDS),
    )
    return indicator


@transaction.atomic
def rule_save(
    *, actor: User, rule: ValidationRule | None, fields: dict[str, Any]
) -> ValidationRule:
    _require(actor)
    if fields["left"].pk == fields["right"].pk:
        raise IndicatorDataError(_("A rule compares two different elements."))
    before = None
    if rule is not None:
        rule = ValidationRule.objects.select_for_update().get(pk=rule.pk)
        before = snapshot(rule, RULE_FIELDS)
    else:
        rule = ValidationRule()
    for name in RULE_FIELDS:
        setattr(rule, name, fields[name])
    rule.save()
    record(
        actor=actor,
        action="indicators.rule_saved",
        obj=rule,
        region=None,
        before=before,
        after=snapshot(rule, RULE_FIELDS),
    )
    return rule
