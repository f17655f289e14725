"""Data migrations of the instruments, run on the rows an earlier release wrote."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("frameworks", "0006_english_texts_and_met_options")]
AFTER = [("frameworks", "0007_cfci_in_both_languages")]


@pytest.fixture(autouse=True)
def _latest_schema_after():
    """Every later test needs the schema of the latest migrations, not the one a test here
    stopped at."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_english_only_cfci_speaks_both_languages_and_counts_met():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    executor.loader.build_graph()
    apps = executor.loader.project_state(BEFORE).apps
    Framework = apps.get_model("frameworks", "Framework")
    version = apps.get_model("frameworks", "InstrumentVersion").objects.create(
        framework=Framework.objects.create(
            code="unicef-cfci", name="UNICEF CFCI", has_points=False
        ),
        number=1,
        label="Goal areas and minimum recognition criteria (met or not)",
    )
    group = apps.get_model("frameworks", "Group").objects.create(
        version=version, code="G4", name="Safe, secure and clean environment"
    )
    indicator = apps.get_model("frameworks", "Indicator").objects.create(
        version=version, group=group, code="G4", name="Safe, secure and clean environment"
    )
    question = apps.get_model("frameworks", "Question").objects.create(
        version=version,
        indicator=indicator,
        code="G4.1",
        kind="yes_no",
        text="Results for children are demonstrated: Safe, secure and clean environment",
    )
    Option = apps.get_model("frameworks", "Option")
    Option.objects.create(question=question, order=0, label="Met")
    Option.objects.create(question=question, order=1, label="Not met")

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    apps = executor.loader.project_state(AFTER).apps
    q = apps.get_model("frameworks", "Question").objects.get(code="G4.1")
    assert q.text == "Hasil bagi anak terbukti: Lingkungan yang aman, terlindungi dan bersih"
    assert q.text_en.startswith("Results for children are demonstrated")
    g = apps.get_model("frameworks", "Group").objects.get(code="G4")
    assert (g.name, g.name_en) == (
        "Lingkungan yang aman, terlindungi dan bersih",
        "Safe, secure and clean environment",
    )
    options = apps.get_model("frameworks", "Option").objects.filter(question=q).order_by("order")
    assert [(o.label, o.label_en, o.meets) for o in options] == [
        ("Terpenuhi", "Met", True),
        ("Belum terpenuhi", "Not met", False),
    ]
