"""Finding Layak's objects from what a DHIS2 client names: data elements, category option
combos, organisation units and data sets by UID, code or name (DHIS2's ``idScheme``s), each in
a fixed number of queries for a whole data value set."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext as _

from layak.api import dhis2_ids as ids
from layak.indicators import disaggregation as dis
from layak.indicators.models import DataElement, PeriodType
from layak.organisations.models import Organisation
from layak.organisations.roles import OrganisationKind
from layak.regions.models import Region

SCHEMES = ("UID", "CODE", "NAME")


class Unknown(ValueError):
    """Something named that Layak does not know; ``str()`` is the message for the caller."""


def scheme(value: str | None, default: str = "UID") -> str:
    """A DHIS2 id scheme (``uid``, ``CODE`` …), upper-cased; refuses the ones Layak lacks
    (``ATTRIBUTE:…``)."""
    text = (value or default).strip().upper()
    if text not in SCHEMES:
        raise Unknown(
            _("The identifier scheme “%(scheme)s” is not supported; use UID, CODE or NAME.")
            % {"scheme": value}
        )
    return text


@dataclass(frozen=True)
class DataSet:
    """The elements of one cluster collected at one period type."""

    cluster: str
    cluster_name: str
    period_type: str

    @property
    def code(self) -> str:
        return ids.data_set_code(self.cluster, self.period_type)

    @property
    def uid(self) -> str:
        return ids.data_set_uid(self.code)

    @property
    def name(self) -> str:
        return f"KLA {self.cluster} – {self.cluster_name} ({ids.PERIOD_NAMES[self.period_type]})"

    def holds(self, element: DataElement) -> bool:
        return element.cluster == self.cluster and element.period_type == self.period_type


def data_sets(elements: Iterable[DataElement]) -> list[DataSet]:
    """The data sets the active elements make up, in cluster order."""
    found = {
        (e.cluster, e.period_type): DataSet(e.cluster, e.get_cluster_display(), e.period_type)
        for e in elements
    }
    order = {p: i for i, p in enumerate(PeriodType.values)}
    return [found[k] for k in sorted(found, key=lambda k: (k[0], order[k[1]]))]


def _key(text: str, how: str) -> str:
    return text.strip().casefold() if how == "NAME" else text.strip()


@dataclass
class Catalogue:
    """Every active element with its combos and the data sets, loaded once (national
    definitions: tens of rows)."""

    elements: list[DataElement] = field(default_factory=list)

    @classmethod
    def load(cls) -> Catalogue:
        return cls(
            list(
                DataElement.objects.active()
                .prefetch_related("categories__options")
                .order_by("code")
            )
        )

    def element(self, text: str, how: str) -> DataElement:
        wanted = _key(text, how)
        for element in self.elements:
            name = {
                "UID": ids.element_uid(element.code),
                "CODE": element.code,
                "NAME": element.name.casefold(),
            }[how]
            if name == wanted:
                return element
        raise Unknown(_("No active data element is identified by “%(id)s”.") % {"id": text})

    def combo(self, element: DataElement, text: str | None, how: str) -> str:
        """The disaggregation key of the combo ``text`` names for ``element`` (empty: its
        total, DHIS2's default combo)."""
        wanted = _key(text or "", how)
        if wanted in ("", ids.DEFAULT_COMBO.casefold(), ids.DEFAULT_COMBO, ids.DEFAULT_CODE):
            wanted = ""
        if how == "CODE" or wanted == "":
            try:
                return dis.normalise(element, wanted)
            except dis.DisaggregationError as exc:
                raise Unknown(str(exc)) from None
        for combo in dis.combos(element):
            name = {
                "UID": ids.combo_uid(combo.key),
                "CODE": combo.key,
                "NAME": "" if combo.key == "" else combo.label.casefold(),
            }[how]
            if name == wanted:
                return combo.key
        raise Unknown(
            _("“%(id)s” is not a category option combo of %(element)s.")
            % {"id": text, "element": element.name}
        )

    def combos(self) -> dict[str, str]:
        """Every combo of the active elements: key → label."""
        found: dict[str, str] = {}
        for element in self.elements:
            for combo in dis.combos(element):
                found.setdefault(combo.key, combo.label)
        return dict(sorted(found.items()))

    def data_sets(self) -> list[DataSet]:
        return data_sets(self.elements)

    def data_set(self, text: str, how: str) -> DataSet:
        wanted = _key(text, how)
        for data_set in self.data_sets():
            name = {
                "UID": data_set.uid,
                "CODE": data_set.code,
                "NAME": data_set.name.casefold(),
            }[how]
            if name == wanted:
                return data_set
        raise Unknown(_("No data set is identified by “%(id)s”.") % {"id": text})


@dataclass(frozen=True)
class OrgUnit:
    """Where a value belongs: a region, and the office it comes from when the organisation unit
    named is a government office (its values are its district's, from that office)."""

    region: Region
    office: Organisation | None = None


def org_units(texts: Iterable[str], how: str) -> dict[str, OrgUnit | str]:
    """Each identifier → its organisation unit, or the message why it is not one. Three
    queries at most, whatever the number of identifiers."""
    wanted = {t for t in texts if t}
    result: dict[str, OrgUnit | str] = {}
    codes: dict[str, str] = {}
    offices: dict[int, str] = {}
    names: dict[str, str] = {}
    for text in wanted:
        if how == "UID":
            code = ids.region_code(text)
            pk = ids.organisation_pk(text)
            if code is not None:
                codes[code] = text
            elif pk is not None:
                offices[pk] = text
        elif how == "CODE":
            codes[text.strip()] = text
        else:
            names[text.strip().casefold()] = text
    if codes:
        for region in Region.objects.filter(code__in=codes):
            result[codes[region.code]] = OrgUnit(region)
    if offices:
        for org in Organisation.objects.filter(
            pk__in=offices, kind=OrganisationKind.GOVERNMENT_OFFICE, is_active=True
        ).select_related("region"):
            if org.region is not None:
                result[offices[org.pk]] = OrgUnit(org.region, org)
    if names:
        q = Q()
        for name in names:
            q |= Q(name__iexact=name)
        found: dict[str, list[Region]] = {}
        for region in Region.objects.filter(q, is_active=True):
            found.setdefault(region.name.casefold(), []).append(region)
        for key, text in names.items():
            regions = found.get(key, [])
            if len(regions) > 1:
                result[text] = _(
                    "More than one region is called “%(name)s”; identify it by its code or UID."
                ) % {"name": text}
            elif regions:
                result[text] = OrgUnit(regions[0])
    for text in wanted - set(result):
        result[text] = _("No organisation unit is identified by “%(id)s”.") % {"id": text}
    return result
