from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.db.models import Exists, OuterRef, Q

from layak import authz

if TYPE_CHECKING:
    from layak.accounts.models import User
    from layak.evidence.models import EvidenceFile  # noqa: F401


def _owned_or_linked(organisation_id: int) -> Q:
    """An office's files: those it uploaded and those linked to answers assigned to it."""
    from layak.evaluation.models import Assignment
    from layak.evidence.models import EvidenceLink

    assigned = Assignment.objects.filter(organisation_id=organisation_id, is_active=True).values(
        "answer_id"
    )
    return Q(organisation_id=organisation_id) | Q(
        Exists(
            EvidenceLink.objects.filter(file=OuterRef("pk"), is_active=True, answer_id__in=assigned)
        )
    )


class EvidenceFileQuerySet(models.QuerySet["EvidenceFile"]):
    def for_user(self, user: User, action: authz.Action) -> EvidenceFileQuerySet:
        return self.filter(
            authz.scope_q(user, action, region="region", organisation=_owned_or_linked)
        )
