"""Disaggregation keys: ``"age=1-5;sex=F"``, the category codes sorted, ``""`` for a total.

An element broken down by categories takes its values per full combination of their options
(every category named once); its total is the sum over the combinations. An element without
categories takes one value per region and period under the key ``""``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext as _

from layak.indicators.models import Category, CategoryOption, DataElement


class DisaggregationError(ValueError):
    """A disaggregation that does not fit the element."""


@dataclass(frozen=True)
class Combo:
    key: str
    label: str


def parse(text: str) -> dict[str, str]:
    """``"sex=F; age=1-5"`` → ``{"age": "1-5", "sex": "F"}`` (spaces and order do not matter)."""
    result: dict[str, str] = {}
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        if "=" not in part:
            raise DisaggregationError(
                _("“%(part)s” is not written as category=option.") % {"part": part}
            )
        code, option = (s.strip() for s in part.split("=", 1))
        if not code or not option:
            raise DisaggregationError(
                _("“%(part)s” is not written as category=option.") % {"part": part}
            )
        if code in result:
            raise DisaggregationError(_("The category “%(code)s” is named twice.") % {"code": code})
        result[code] = option
    return result


def canonical(parts: dict[str, str]) -> str:
    return ";".join(f"{code}={parts[code]}" for code in sorted(parts))


def categories_of(element: DataElement) -> list[Category]:
    """The element's categories with their options (use a prefetch of
    ``categories__options`` to keep this query-free)."""
    return sorted(element.categories.all(), key=lambda c: c.code)


def normalise(element: DataElement, text: str) -> str:
    """The canonical key of ``text`` for ``element``; raises ``DisaggregationError`` unless it
    names exactly the element's categories with known options."""
    parts = parse(text)
    categories = {c.code: c for c in categories_of(element)}
    if not categories:
        if parts:
            raise DisaggregationError(
                _("This element is not broken down; leave the disaggregation empty.")
            )
        return ""
    missing = [c for c in _in_order(categories.values()) if c.code not in parts]
    if missing:
        raise DisaggregationError(
            _("The disaggregation must name %(categories)s.")
            % {"categories": "; ".join(_how_to_name(c) for c in missing)}
        )
    unknown = sorted(set(parts) - set(categories))
    if unknown:
        raise DisaggregationError(
            _("This element is not broken down by %(codes)s.") % {"codes": ", ".join(unknown)}
        )
    for code, option in parts.items():
        category = categories[code]
        if option not in {o.code for o in category.options.all()}:
            raise DisaggregationError(
                _("“%(option)s” is not an option of %(category)s; the options: %(options)s.")
                % {
                    "option": option,
                    "category": category.name,
                    "options": ", ".join(f"{o.code} ({o.name})" for o in _options(category)),
                }
            )
    return canonical(parts)


def _in_order(categories: Iterable[Category]) -> list[Category]:
    return sorted(categories, key=lambda c: (c.order, c.code))


def _options(category: Category) -> list[CategoryOption]:
    return sorted(category.options.all(), key=lambda o: (o.order, o.code))


def _how_to_name(category: Category) -> str:
    """``Jenis kelamin (sex=M for Laki-laki, sex=F for Perempuan)``: a category by its name,
    with each of its options as a disaggregation names it."""
    written = ", ".join(
        _("%(code)s=%(option)s for %(name)s")
        % {"code": category.code, "option": o.code, "name": o.name}
        for o in _options(category)
    )
    return f"{category.name} ({written})"


def combos(element: DataElement) -> list[Combo]:
    """Every full combination of the element's category options, in display order; a single
    total combo for an element that is not broken down."""
    categories = sorted(element.categories.all(), key=lambda c: (c.order, c.code))
    if not categories:
        return [Combo("", _("Total"))]
    option_lists: list[Sequence[tuple[str, str, str]]] = [
        [(c.code, o.code, o.name) for o in sorted(c.options.all(), key=lambda o: o.order)]
        for c in categories
    ]
    result = []
    for product in itertools.product(*option_lists):
        key = canonical({code: option for code, option, _name in product})
        result.append(Combo(key, " · ".join(name for _c, _o, name in product)))
    return result


def labels(element: DataElement) -> dict[str, str]:
    """Each key of the element's values with the words a reader sees ("Perempuan · 1–5
    tahun" for ``"age=1-5;sex=F"``); a key no longer among the combinations is absent."""
    return {combo.key: combo.label for combo in combos(element)}


def component_q(parts: Iterable[tuple[str, str]], field: str = "disaggregation") -> Q:
    """Rows whose key contains every ``category=option`` in ``parts`` (a partial key such as
    ``sex=F`` selects every age band of the girls)."""
    q = Q()
    for code, option in parts:
        item = f"{code}={option}"
        q &= (
            Q(**{field: item})
            | Q(**{f"{field}__startswith": f"{item};"})
            | Q(**{f"{field}__endswith": f";{item}"})
            | Q(**{f"{field}__contains": f";{item};"})
        )
    return q
