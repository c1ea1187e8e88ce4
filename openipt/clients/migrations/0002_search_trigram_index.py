"""On PostgreSQL, index client search text by trigrams so "contains" searches stay fast.

Skipped on SQLite, and skipped (with a warning) where the database user may not
create the pg_trgm extension; search still works there, only slower.
"""

import warnings

from django.db import migrations, transaction


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as exc:  # noqa: BLE001 - an optional speed-up must not stop the migration
        warnings.warn(f"client search index skipped: cannot create pg_trgm ({exc})", stacklevel=1)
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE INDEX IF NOT EXISTS clients_client_search_trgm ON clients_client USING gin (search_text gin_trgm_ops)"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS clients_client_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
