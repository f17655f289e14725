# The references of data values are checked with one scan of each statement's new rows and one
# query per referenced table (``triggers.CHECK``), instead of two scans per reference; what is
# refused, its message and the rows locked are the same.

from django.db import migrations

from layak.indicators import triggers


def one_scan(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(triggers.CHECK)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0008_staged_values_keyed_by_line")]

    # Going back keeps this check: it refuses and locks what the earlier one did.
    operations = [migrations.RunPython(one_scan, migrations.RunPython.noop)]
