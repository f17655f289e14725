# The staged values are keyed by their upload and line (no sequence, one index). Staged rows
# are rebuilt from their upload when lost, so the table is made again rather than altered
# (Django does not alter a primary key into a composite one): an upload checked before this
# migration finds its staged values gone and is checked again from its file when applied.

import django.db.models.deletion
from django.db import migrations, models


def unlogged(apps, schema_editor):
    # Staged rows are rebuilt from their upload when lost: they need not be written to the
    # write-ahead log (PostgreSQL empties an unlogged table after a crash).
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE indicators_stagedvalue SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [
        ("indicators", "0007_staged_values"),
    ]

    operations = [
        migrations.DeleteModel(name="StagedValue"),
        migrations.CreateModel(
            name="StagedValue",
            fields=[
                ("pk", models.CompositePrimaryKey("data_import", "line", serialize=False)),
                (
                    "data_import",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="indicators.dataimport",
                    ),
                ),
                ("line", models.IntegerField()),
                ("element_id", models.BigIntegerField()),
                ("region_id", models.BigIntegerField()),
                ("period", models.CharField(max_length=10)),
                ("period_start", models.DateField()),
                ("disaggregation", models.CharField(max_length=200)),
                ("value", models.DecimalField(decimal_places=2, max_digits=18)),
                ("organisation_id", models.BigIntegerField(null=True)),
                ("dataset", models.TextField()),
                ("source_date", models.DateField(null=True)),
                ("comment", models.TextField()),
            ],
        ),
        migrations.RunPython(unlogged, migrations.RunPython.noop),
    ]
