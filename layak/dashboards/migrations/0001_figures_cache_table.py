"""The table of the database cache that keeps the dashboards' figures (settings ``CACHES``,
docs/caching.md). ``createcachetable`` creates the table of every database cache configured,
and leaves existing ones as they are."""

from django.core.management import call_command
from django.db import migrations


def create_cache_tables(apps, schema_editor):
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies: list[tuple[str, str]] = []

    operations = [migrations.RunPython(create_cache_tables, migrations.RunPython.noop)]
