"""A form field's help text is the one its input names for screen readers (Django's widget
points ``aria-describedby`` at ``<id>_helptext``)."""

from __future__ import annotations

import re

from django import forms
from django.template.loader import render_to_string


class _Form(forms.Form):
    code = forms.CharField(label="Kode", help_text="Enam angka dari aplikasi autentikator.")


def test_the_help_text_is_the_element_the_input_names() -> None:
    html = render_to_string("_field.html", {"field": _Form()["code"]})
    (described,) = re.findall(r'aria-describedby="([^"]+)"', html)
    assert f'id="{described}"' in html
    assert "Enam angka dari aplikasi autentikator." in html
