from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.accounts.models import User
from layak.audit import display
from layak.audit.models import AuditEntry
from layak.core.http import HtmxHttpRequest
from layak.regions.models import Region

PAGE_SIZE = 50


class AuditFilterForm(forms.Form):
    district = forms.ModelChoiceField(
        label=_("Regency/city"), queryset=Region.objects.none(), required=False
    )
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Person"), required=False, max_length=100)
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: object, user: User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        action = self.fields["action"]
        assert isinstance(action, forms.ChoiceField)
        labels = display.action_labels()
        named = sorted(((code, str(label)) for code, label in labels.items()), key=lambda c: c[1])
        action.choices = [("", "—"), *named]
        district = self.fields["district"]
        assert isinstance(district, forms.ModelChoiceField)
        district.queryset = Region.objects.filter(
            authz.scope_q(user, authz.Action.AUDIT, region=""), level=Region.Level.REGENCY
        ).order_by("name")


@login_required
def audit_list(request: HtmxHttpRequest) -> HttpResponse:
    """The audit log of the regions the administrator manages, filterable per district."""
    user = request.user
    assert isinstance(user, User)
    authz.require(user, authz.Action.AUDIT)
    form = AuditFilterForm(request.GET, user=user)
    entries = AuditEntry.objects.for_user(user).select_related("actor", "region", "object_type")
    if form.is_valid():
        data = form.cleaned_data
        if data["district"]:
            entries = entries.filter(region__path__startswith=data["district"].path)
        if data["action"]:
            entries = entries.filter(action=data["action"])
        if data["actor"]:
            entries = entries.filter(actor__email__icontains=data["actor"])
        if data["since"]:
            entries = entries.filter(at__date__gte=data["since"])
        if data["until"]:
            entries = entries.filter(at__date__lte=data["until"])
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    template = "audit/_rows.html" if request.htmx else "audit/list.html"
    return render(request, template, {"form": form, "page": page})
