"""One append-only audit log for every change a person makes.

Each entry says who (actor), what (an action code such as ``membership.created``), on which
object, in which region, when, the values before and after, and the request it came from. It is
written in the same transaction as the change (``layak.audit.log.record``). Entries cannot be
changed or deleted: not through the model, not through a queryset, and not in the database,
where triggers refuse UPDATE and DELETE.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layak import authz
from layak.core.shapes import Shapes

if TYPE_CHECKING:
    from layak.accounts.models import User


class AppendOnlyError(Exception):
    pass


_SHAPES = Shapes()
# The entries of a person's invitation to an organisation (``for_organisation``).
INVITATIONS = ("user.invited", "user.invitation_resent")


def _of(model: type[models.Model], rows: models.QuerySet[Any]) -> Q:
    """The entries about any of ``rows`` (of ``model``)."""
    ids = rows.order_by().annotate(as_text=Cast("pk", models.CharField())).values("as_text")
    return Q(object_type=ContentType.objects.get_for_model(model), object_id__in=ids)


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def for_user(self, user: User, action: authz.Action = authz.Action.AUDIT) -> AuditQuerySet:
        return self.filter(authz.scope_q(user, action, region="region"))

    def newest_for_user(self, user: User, limit: int) -> list[AuditEntry]:
        """The ``limit`` newest entries ``user`` may read, with their actor, newest first.

        A person reaching regions (not the whole country) reads, on PostgreSQL, each region's
        newest entries on the (region, time) index and keeps the newest of those: the same
        entries as ``for_user`` sorted, without reading every entry of a district's hundreds
        of villages to sort them (a district's home page)."""
        from django.core.exceptions import EmptyResultSet
        from django.db import connection
        from django.db.models import Q
        from django.db.models.expressions import RawSQL

        from layak.regions.models import Region

        def build() -> Any:
            newest = self.for_user(user).select_related("actor").order_by("-at", "-pk")
            scope = authz.scope_q(user, authz.Action.AUDIT, region="")
            if connection.vendor != "postgresql" or scope == Q():
                return newest[:limit]
            try:
                regions, params = (
                    Region.objects.filter(scope).order_by().values("id").query.sql_with_params()
                )
            except EmptyResultSet:  # the person reaches no region
                return self.none()
            table = self.model._meta.db_table
            ids = RawSQL(  # noqa: S611 - the models' SQL, the values parameters
                f"SELECT e.id FROM ({regions}) r CROSS JOIN LATERAL ("  # noqa: S608
                f"SELECT a.id, a.at FROM {table} a WHERE a.region_id = r.id "
                "ORDER BY a.at DESC, a.id DESC LIMIT %s) e ORDER BY e.at DESC, e.id DESC LIMIT %s",
                (*params, limit, limit),
            )
            return self.filter(pk__in=ids).select_related("actor").order_by("-at", "-pk")[:limit]

        # Compiled once per set of grants and limit (``layak.core.shapes``).
        found: list[AuditEntry] = _SHAPES.fetch(("newest", authz.scope_key(user), limit), build)
        return found

    def for_object(self, obj: models.Model) -> AuditQuerySet:
        return self.filter(
            object_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
        )

    def for_person(self, person: models.Model) -> AuditQuerySet:
        """The changes to the person's account and to their API tokens: what their account's
        history shows."""
        from layak.api.models import ApiToken

        return self.filter(
            Q(object_type=ContentType.objects.get_for_model(person), object_id=str(person.pk))
            | _of(ApiToken, ApiToken.objects.filter(user_id=person.pk))
        )

    def for_organisation(self, organisation: models.Model) -> AuditQuerySet:
        """The organisation's own changes, its memberships' (given, changed, ended) and the
        invitations of its members: what its page's history shows."""
        from layak.accounts.models import User
        from layak.organisations.models import Membership

        members = Membership.objects.filter(organisation_id=organisation.pk)
        invited = _of(User, User.objects.filter(memberships__organisation_id=organisation.pk)) & Q(
            action__in=INVITATIONS
        )
        return self.filter(
            Q(
                object_type=ContentType.objects.get_for_model(organisation),
                object_id=str(organisation.pk),
            )
            | _of(Membership, members)
            | invited
        )

    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit entries cannot be changed.")

    def delete(self) -> NoReturn:
        raise AppendOnlyError("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    # The composite indexes below start with object_type and region: no separate ones.
    object_type = models.ForeignKey(
        ContentType,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("object type"),
        db_index=False,
    )
    object_id = models.CharField(_("object id"), max_length=64)
    object_repr = models.CharField(_("object"), max_length=200)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("region"),
        db_index=False,
    )
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True)
    # A change made on a phone without a connection: when it was made there (``at`` is when it
    # arrived).
    made_at = models.DateTimeField(_("made on the device"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["object_type", "object_id", "at"], name="audit_object"),
            models.Index(fields=["region", "at"], name="audit_region"),
            # The newest national entry (no region) for every data stamp
            # (``layak.reports.versions``): ``audit_region`` holds them first, but PostgreSQL
            # does not take "region IS NULL" as fixing the order by time, so it walked the
            # time index backwards past every district's entries instead.
            models.Index(
                fields=["at"], condition=models.Q(region__isnull=True), name="audit_national_at"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnlyError("Audit entries cannot be deleted.")

    def changes(self) -> list[tuple[str, Any, Any]]:
        """(field, before, after) for every field that differs, for display."""
        before = self.before if isinstance(self.before, dict) else {}
        after = self.after if isinstance(self.after, dict) else {}
        keys = sorted(set(before) | set(after))
        return [(k, before.get(k), after.get(k)) for k in keys if before.get(k) != after.get(k)]
