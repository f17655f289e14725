"""A form field for picking a region by typing its name or code (htmx search)."""

from __future__ import annotations

from typing import Any

from django import forms

from layak.core.http import parse_id
from layak.regions.models import Region


class RegionPickerWidget(forms.Widget):
    template_name = "regions/picker_widget.html"

    def __init__(self, attrs: dict[str, Any] | None = None, within: str = "") -> None:
        super().__init__(attrs)
        self.within = within

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        selected = None
        # A re-shown form holds what was sent: only a well-formed id is looked up.
        pk = value if isinstance(value, int) else parse_id(str(value or ""))
        if pk is not None:
            selected = Region.objects.filter(pk=pk).select_related("parent").first()
        context["widget"]["selected"] = selected
        context["widget"]["within"] = self.within
        return context


class RegionField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """Chooses one region of ``queryset``; the picker searches the subtree of ``within``."""

    def __init__(self, *, queryset: Any = None, within: str = "", **kwargs: Any) -> None:
        kwargs.setdefault("widget", RegionPickerWidget(within=within))
        super().__init__(
            queryset=queryset if queryset is not None else Region.objects.all(), **kwargs
        )
