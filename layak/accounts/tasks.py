"""Background work of the accounts app (run by ``manage.py db_worker``)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_tasks import task

from layak.accounts.models import User
from layak.organisations.models import Membership


def set_password_link(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("accounts:password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    return f"{settings.SITE_URL}{path}"


@task()
def send_invitation(user_id: int, membership_id: int) -> str:
    """Email a person about a new role: with a set-password link when they have no password yet."""
    user = User.objects.get(pk=user_id)
    membership = Membership.objects.select_related("organisation", "created_by").get(
        pk=membership_id
    )
    with translation.override(user.language):
        context = {
            "user": user,
            "membership": membership,
            "link": None if user.has_usable_password() else set_password_link(user),
            "login_url": f"{settings.SITE_URL}{reverse('accounts:login')}",
            "site_url": settings.SITE_URL,
        }
        subject = render_to_string("accounts/email/invitation_subject.txt", context).strip()
        body = render_to_string("accounts/email/invitation.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [user.email])
    return user.email
