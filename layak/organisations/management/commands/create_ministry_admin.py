from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from layak.accounts.models import User
from layak.accounts.tasks import set_password_link
from layak.audit.log import record, snapshot
from layak.organisations.actions import MEMBERSHIP_FIELDS
from layak.organisations.models import Membership, Organisation
from layak.organisations.roles import OrganisationKind, Role

MINISTRY = "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak"


class Command(BaseCommand):
    help = (
        "Create the first ministry administrator of a new installation (and the ministry "
        "organisation if missing) and print a link to set the password. Everyone else is "
        "invited from the web interface."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", required=True)
        parser.add_argument("--name", required=True, help="Full name.")

    @transaction.atomic
    def handle(self, *args: Any, **options: Any) -> None:
        email = User.objects.normalize_email(options["email"]).strip().lower()
        if "@" not in email:
            raise CommandError("Give a valid email address.")
        ministry, created = Organisation.objects.get_or_create(
            region=None,
            name=MINISTRY,
            defaults={"kind": OrganisationKind.MINISTRY, "acronym": "KemenPPPA"},
        )
        if created:
            record(actor=None, action="organisation.created", obj=ministry, region=None)
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email=email, password=None, full_name=options["name"])
            record(actor=None, action="user.invited", obj=user, region=None)
        membership, created = Membership.objects.get_or_create(
            user=user, organisation=ministry, role=Role.MINISTRY_ADMIN
        )
        if not created and membership.is_active:
            raise CommandError(f"{email} is already a ministry administrator.")
        membership.is_active = True
        membership.save(update_fields=["is_active"])
        record(
            actor=None,
            action="membership.created",
            obj=membership,
            region=None,
            after=snapshot(membership, MEMBERSHIP_FIELDS),
        )
        self.stdout.write(f"{email} is a ministry administrator of {ministry.name}.")
        if not user.has_usable_password():
            self.stdout.write(f"Set the password here: {set_password_link(user)}")
