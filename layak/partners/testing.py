"""Test helpers of the partners app, shared by its tests, its URL cases and its demo."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.utils import timezone

from layak.accounts.models import User
from layak.frameworks.models import Group, Indicator, InstrumentVersion
from layak.organisations.models import Organisation
from layak.partners import actions, clusters
from layak.partners.models import Commitment, Contribution


def ensure_kla() -> InstrumentVersion:
    """The current KLA instrument (the bundled ``kla2024``, loaded and published when
    missing)."""
    version = clusters.current_version()
    if version is None:
        from layak.frameworks.kla2024 import kla2024
        from layak.frameworks.spec import build_version

        version = build_version(kla2024())
        version.status = InstrumentVersion.Status.PUBLISHED
        version.published_at = timezone.now()
        version.save(update_fields=["status", "published_at"])
    return version


def cluster(code: str) -> Group:
    return clusters.clusters().get(code=code)


def indicator(code: str) -> Indicator:
    return clusters.indicators().get(code=code)


def bekasi_business() -> Organisation:
    return Organisation.objects.get(name="PT Sinar Cikarang Sejahtera")


def make_commitment(
    actor: User, organisation: Organisation, *, code: str = "K3", **fields: Any
) -> Commitment:
    year = timezone.localdate().year
    values: dict[str, Any] = {
        "title": "Posyandu ramah anak",
        "description": "Pendampingan posyandu di desa sekitar pabrik.",
        "cluster": cluster(code),
        "indicators": [],
        "starts_on": datetime.date(year - 1, 1, 1),
        "ends_on": datetime.date(year + 1, 12, 31),
        "funds": Decimal(100_000_000),
        "people": 5,
        "facilities": "",
        "methods": "",
    }
    values.update(fields)
    return actions.commitment_create(actor=actor, organisation=organisation, **values)


def make_contribution(actor: User, commitment: Commitment, **fields: Any) -> Contribution:
    values: dict[str, Any] = {
        "date": timezone.localdate(),
        "description": "Bantuan dana CSR untuk makanan tambahan balita.",
        "kind": Contribution.Kind.FUNDS,
        "amount": Decimal(25_000_000),
        "people": 0,
        "children_reached": 120,
    }
    values.update(fields)
    return actions.contribution_create(actor=actor, commitment=commitment, **values)
