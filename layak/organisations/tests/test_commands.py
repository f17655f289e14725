from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from layak import authz
from layak.accounts.models import User
from layak.audit.models import AuditEntry
from layak.organisations.models import Organisation

pytestmark = pytest.mark.django_db


def test_create_ministry_admin_bootstraps_an_empty_installation(regions):
    out = StringIO()
    call_command("create_ministry_admin", email="Admin@KemenPPPA.go.id", name="Admin", stdout=out)
    user = User.objects.get(email="admin@kemenpppa.go.id")
    assert authz.roles(user) == {"ministry_admin"}
    # National reach: it can manage the organisations of every district.
    assert authz.reaches(user, authz.Action.MANAGE, None)
    assert Organisation.objects.filter(kind="ministry").count() == 1
    assert "/accounts/password/reset/" in out.getvalue()
    assert AuditEntry.objects.filter(action="membership.created").exists()
    with pytest.raises(CommandError):
        call_command("create_ministry_admin", email="admin@kemenpppa.go.id", name="Admin")
