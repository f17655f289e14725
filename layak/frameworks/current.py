"""Which instrument is "the current KLA instrument": the one the action plan (RAD KLA), the
partners' clusters, the AFSE events, the dashboards and the demo link to.

It is the latest published version of the national KLA 2024 instrument (``kla2024``, the default
for new cycles); a version the ministry imports later (the official workbook) replaces it by
being published with a higher number. Where no version of it is published (a database that only
holds the older example ``kla24``), the latest published version of that one stands in. Both
keep the indicator codes KL-1 … K5-20 of Perpres 25/2021, so records linked to an indicator by
its code carry over.
"""

from __future__ import annotations

from django.db.models import Case, IntegerField, QuerySet, Value, When

from layak.frameworks.models import InstrumentVersion

# In order of preference: the national instrument, then the older example of the 24 indicators.
KLA_FRAMEWORKS = ("kla2024", "kla24")


def current_kla_versions() -> QuerySet[InstrumentVersion]:
    """The published versions of the KLA instrument, the current one first (one query when
    sliced or iterated; usable as a subquery)."""
    preference = Case(
        *[When(framework__code=code, then=Value(i)) for i, code in enumerate(KLA_FRAMEWORKS)],
        output_field=IntegerField(),
    )
    return (
        InstrumentVersion.objects.filter(
            framework__code__in=KLA_FRAMEWORKS, status=InstrumentVersion.Status.PUBLISHED
        )
        .annotate(preference=preference)
        .order_by("preference", "-number")
    )


def current_kla_version() -> InstrumentVersion | None:
    """The current KLA instrument, or None when no KLA instrument is published."""
    return current_kla_versions().select_related("framework").first()
