from django.db import migrations

from layak.indicators import triggers


def drop_sqlite_triggers(apps, schema_editor):
    # On SQLite a trigger naming other apps' tables breaks their table rebuilds (``triggers``).
    if schema_editor.connection.vendor == "sqlite":
        with schema_editor.connection.cursor() as cursor:
            for sql in triggers.SQLITE_REMOVE:
                cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_value_batches")]

    operations = [migrations.RunPython(drop_sqlite_triggers, migrations.RunPython.noop)]
