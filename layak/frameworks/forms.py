from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Instrument workbook (XLSX)"))
    dry_run = forms.BooleanField(
        label=_("Dry run: only check the workbook, change nothing"), required=False, initial=True
    )
