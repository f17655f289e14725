from __future__ import annotations

from dataclasses import asdict
from decimal import Decimal
from io import BytesIO

import pytest
from django.db.models import Sum
from openpyxl import load_workbook

from layak.audit.models import AuditEntry
from layak.frameworks import actions
from layak.frameworks.bundled import kla24, kla31, unicef_cfci
from layak.frameworks.models import Framework, InstrumentVersion, Question
from layak.frameworks.spec import build_version, spec_of, validate
from layak.frameworks.workbook import export_workbook

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def canonical(spec):
    data = asdict(spec)

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k != "where"}
        if isinstance(value, list):
            return [strip(v) for v in value]
        if isinstance(value, Decimal):
            return value.normalize()
        return value

    return strip(data)


def test_bundled_frameworks_are_valid_and_the_default_scheme_adds_up_to_1000():
    for make in (kla24, kla31, unicef_cfci):
        assert validate(make()) == []
    actions.bundled_load()
    version = InstrumentVersion.objects.get(framework__code="kla24")
    assert version.is_frozen and version.is_default_scheme
    assert version.indicators.count() == 24
    assert list(version.groups.values_list("code", flat=True)) == [
        "KL",
        "K1",
        "K2",
        "K3",
        "K4",
        "K5",
    ]
    assert version.questions.aggregate(s=Sum("max_points"))["s"] == 1000
    kinds = set(version.questions.values_list("kind", flat=True))
    assert kinds == {k.value for k in Question.Kind}
    assert list(version.bands.values_list("code", "min_score", "max_score"))[1:3] == [
        ("PRATAMA", 500, 600),
        ("MADYA", 601, 700),
    ]
    assert InstrumentVersion.objects.get(framework__code="kla31").indicators.count() == 31
    assert Framework.objects.get(code="unicef-cfci").has_points is False
    # Loading again adds nothing.
    assert actions.bundled_load() == []


def test_workbook_export_then_import_gives_the_same_instrument(personas):
    actions.bundled_load()
    original = InstrumentVersion.objects.get(framework__code="kla24")
    data = export_workbook(spec_of(original))
    problems, imported, counts = actions.instrument_import(
        actor=personas.ministry, data=BytesIO(data), dry_run=False
    )
    assert problems == []
    assert imported.number == 2 and imported.status == "draft"
    assert counts["questions"] == original.questions.count()
    assert canonical(spec_of(imported)) == canonical(spec_of(original))
    # Questions of the new version continue those of the old one (same codes).
    assert imported.questions.filter(previous__isnull=False).count() == original.questions.count()
    assert AuditEntry.objects.filter(action="instrument.imported").exists()


def _broken_workbook(original):
    """Returns the workbook and the Options row it broke."""
    wb = load_workbook(BytesIO(export_workbook(spec_of(original))))
    questions = wb["Questions"]
    questions["D2"] = "dropdown"  # unknown kind
    questions["B3"] = "XX-9"  # unknown indicator
    questions["G4"] = "banyak"  # not a number
    options = wb["Options"]
    row = next(r for r in range(2, options.max_row + 1) if options[f"A{r}"].value == "KL-2.2")
    options[f"D{row}"] = 999  # more than the question's maximum
    del wb["Evidence"]
    out = BytesIO()
    wb.save(out)
    out.seek(0)
    return out, row


def test_dry_run_lists_every_problem_by_sheet_row_and_column_and_changes_nothing(personas):
    actions.bundled_load()
    original = InstrumentVersion.objects.get(framework__code="kla24")
    before = InstrumentVersion.objects.count()
    data, option_row = _broken_workbook(original)
    problems, version, _counts = actions.instrument_import(
        actor=personas.ministry, data=data, dry_run=False
    )
    assert version is None
    assert InstrumentVersion.objects.count() == before
    places = {(p.sheet, p.row, p.column) for p in problems}
    assert ("Questions", 2, "kind") in places
    assert ("Questions", 3, "indicator") in places
    assert ("Questions", 4, "max_points") in places
    assert ("Options", option_row, "points") in places
    assert ("Evidence", 0, "") in places
    assert any("add up to" in p.message for p in problems)
    assert all(str(p) for p in problems)


def test_a_file_that_is_not_a_workbook_is_refused_clearly(personas):
    problems, version, _ = actions.instrument_import(
        actor=personas.ministry, data=BytesIO(b"<html>not a workbook</html>"), dry_run=True
    )
    assert version is None and len(problems) == 1


def test_only_the_ministry_changes_instruments(personas):
    with pytest.raises(actions.InstrumentError):
        actions.instrument_import(actor=personas.bekasi_admin, data=BytesIO(b""), dry_run=True)


def test_published_versions_are_frozen_and_copies_map_their_questions(personas):
    version = build_version(kla24())
    actions.version_publish(actor=personas.ministry, version=version)
    with pytest.raises(actions.InstrumentError):
        actions.version_publish(actor=personas.ministry, version=version)
    with pytest.raises(actions.InstrumentError):
        actions.questions_map(actor=personas.ministry, version=version, mapping={})
    copy = actions.version_copy(actor=personas.ministry, version=version)
    assert copy.status == "draft" and copy.previous == version
    first = copy.questions.order_by("code").first()
    assert first.previous.version == version
    actions.questions_map(actor=personas.ministry, version=copy, mapping={first.pk: None})
    first.refresh_from_db()
    assert first.previous is None
    other = build_version(unicef_cfci())
    with pytest.raises(actions.InstrumentError):
        actions.questions_map(
            actor=personas.ministry, version=copy, mapping={first.pk: other.questions.first().pk}
        )


def test_a_version_whose_points_do_not_add_up_cannot_be_published(personas):
    spec = kla24()
    spec.questions[0].max_points += 1
    spec.questions[0].options[0].points += 1
    assert any("add up to 1001" in str(p) for p in validate(spec))
