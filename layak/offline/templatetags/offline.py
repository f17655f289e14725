"""``{% offline_worker as show %}``: whether this person works on evaluation items from a phone
(office, kecamatan and village operators, and the independent assessors who verify on site),
for the link to the offline page."""

from __future__ import annotations

from django import template
from django.http import HttpRequest

from layak import authz
from layak.organisations.roles import Role

register = template.Library()

OFFLINE_ROLES = {
    Role.OFFICE_OPERATOR,
    Role.SUBDISTRICT_OPERATOR,
    Role.VILLAGE_OPERATOR,
    Role.ASSESSOR,
}


@register.simple_tag
def offline_worker(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_authenticated and authz.roles(user) & OFFLINE_ROLES)
