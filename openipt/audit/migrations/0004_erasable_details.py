"""Let the append-only triggers allow one change: an event's details replaced by the erasure marker.

Every other column must stay as it was, so the keyed link (which covers the digest of the details, not the
details) still verifies; see openipt/audit/db.py. Going back puts the stricter triggers of 0002 back.
"""

from django.db import migrations

from openipt.audit.db import drop_triggers, install_triggers


def forwards(apps, schema_editor):
    drop_triggers(schema_editor.connection)
    install_triggers(schema_editor.connection)


def backwards(apps, schema_editor):
    drop_triggers(schema_editor.connection)
    install_triggers(schema_editor.connection, erasable=False)


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_keyed_chain")]
    operations = [migrations.RunPython(forwards, backwards)]
