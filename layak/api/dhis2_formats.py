"""DHIS2's data value set formats: JSON, CSV and XML, read from a request body and written out
value by value (a read of any size streams, never truncated).

CSV columns, as DHIS2 writes them: ``dataelement, period, orgunit, categoryoptioncombo,
attributeoptioncombo, value, storedby, lastupdated, comment, followup, deleted``; a first row
naming the columns is recognised (any order), otherwise the columns are taken in that order.
XML: ``<dataValueSet xmlns="http://dhis2.org/schema/dxf/2.0" …><dataValue …/></dataValueSet>``.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any
from xml.etree import ElementTree
from xml.sax.saxutils import quoteattr

from django.utils.translation import gettext as _

from layak.dashboards.charts import csv_cell

NAMESPACE = "http://dhis2.org/schema/dxf/2.0"
CSV_COLUMNS = [
    "dataelement",
    "period",
    "orgunit",
    "categoryoptioncombo",
    "attributeoptioncombo",
    "value",
    "storedby",
    "lastupdated",
    "comment",
    "followup",
    "deleted",
]
_CSV_NAMES = {
    "dataelement": "dataElement",
    "period": "period",
    "orgunit": "orgUnit",
    "categoryoptioncombo": "categoryOptionCombo",
    "attributeoptioncombo": "attributeOptionCombo",
    "value": "value",
    "comment": "comment",
    "deleted": "deleted",
}
# The CSV columns by their JSON names.
CSV_FIELDS = (
    "dataElement",
    "period",
    "orgUnit",
    "categoryOptionCombo",
    "attributeOptionCombo",
    "value",
    "storedBy",
    "lastUpdated",
    "comment",
    "followup",
    "deleted",
)
SET_FIELDS = ("dataSet", "completeDate", "period", "orgUnit", "attributeOptionCombo")
VALUE_FIELDS = tuple(f for f in CSV_FIELDS if f not in ("storedBy", "lastUpdated", "followup"))


class Unreadable(ValueError):
    """A body that is not a data value set; ``str()`` is the message for the caller."""


def kind_of(content_type: str, suffix: str | None) -> str:
    """``json``, ``csv`` or ``xml`` from the path's suffix, else the Content-Type."""
    if suffix:
        return suffix
    media = content_type.split(";")[0].strip().lower()
    if media in ("application/csv", "text/csv"):
        return "csv"
    if media in ("application/xml", "text/xml", "application/adx+xml"):
        return "xml"
    return "json"


def read(body: bytes, kind: str) -> dict[str, Any]:
    """The data value set in ``body``: set-level fields and ``dataValues`` (dicts keyed by
    DHIS2's JSON names)."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Unreadable(_("The body is not UTF-8 text.")) from None
    if kind == "csv":
        return _read_csv(text)
    if kind == "xml":
        return _read_xml(text)
    return _read_json(text)


def _read_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError:
        raise Unreadable(_("The body is not readable JSON.")) from None
    if not isinstance(data, dict):
        raise Unreadable(_("The body must be a data value set object."))
    values = data.get("dataValues", [])
    if not isinstance(values, list) or not all(isinstance(v, dict) for v in values):
        raise Unreadable(_("dataValues must be a list of objects."))
    return data


def _read_csv(text: str) -> dict[str, Any]:
    rows = list(csv.reader(io.StringIO(text)))
    columns = CSV_COLUMNS
    if rows and rows[0] and rows[0][0].strip().lower() == "dataelement":
        columns = [c.strip().lower() for c in rows[0]]
        rows = rows[1:]
    values = []
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        values.append(
            {
                _CSV_NAMES[name]: cell
                for name, cell in zip(columns, row, strict=False)
                if name in _CSV_NAMES
            }
        )
    return {"dataValues": values}


def _read_xml(text: str) -> dict[str, Any]:
    # Expat 2.4.1 and later (Python 3.11 ships 2.5) refuses entity expansion attacks, and
    # ElementTree never fetches external entities; a document type is refused all the same.
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise Unreadable(_("XML with a document type declaration is not accepted."))
    try:
        root = ElementTree.fromstring(text)  # noqa: S314 - see above
    except ElementTree.ParseError:
        raise Unreadable(_("The body is not readable XML.")) from None
    if root.tag.split("}")[-1] != "dataValueSet":
        raise Unreadable(_("The XML must be a dataValueSet."))
    data: dict[str, Any] = {k: v for k, v in root.attrib.items() if k in SET_FIELDS}
    values = []
    for child in root:
        if child.tag.split("}")[-1] != "dataValue":
            continue
        value = {k: v for k, v in child.attrib.items() if k in VALUE_FIELDS}
        for part in child:  # <value>…</value> and <comment>…</comment> as elements
            name = part.tag.split("}")[-1]
            if name in VALUE_FIELDS:
                value[name] = part.text or ""
        values.append(value)
    data["dataValues"] = values
    return data


# ---- writing --------------------------------------------------------------------------------

CONTENT_TYPES = {
    "json": "application/json",
    "csv": "application/csv; charset=utf-8",
    "xml": "application/xml; charset=utf-8",
}


def write(values: Iterable[dict[str, Any]], kind: str) -> Iterator[str]:
    """The values (dicts keyed by DHIS2's JSON names) as a data value set, in pieces."""
    if kind == "csv":
        yield from _write_csv(values)
    elif kind == "xml":
        yield from _write_xml(values)
    else:
        yield from _write_json(values)


def _write_json(values: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield '{"dataValues": ['
    first = True
    for value in values:
        yield ("" if first else ",") + json.dumps(value, ensure_ascii=False)
        first = False
    yield "]}"


def _cell(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return csv_cell(value)


def _write_csv(values: Iterable[dict[str, Any]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for value in values:
        writer.writerow([_cell(value.get(name)) for name in CSV_FIELDS])
        if buffer.tell() > 65536:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _write_xml(values: Iterable[dict[str, Any]]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<dataValueSet xmlns="{NAMESPACE}">'
    for value in values:
        attributes = " ".join(
            f"{name}={quoteattr(str(v).lower() if isinstance(v, bool) else str(v))}"
            for name, v in value.items()
            if v is not None
        )
        yield f"<dataValue {attributes}/>"
    yield "</dataValueSet>"
