"""The append-only triggers let the erasure marker replace the details only of an event about a client.

0004 let it replace the details of any event (sign-ins, settings, the erasure's own event); the triggers are
installed again from openipt/audit/db.py, which now also requires `client_id` to be set. Going back installs the
same triggers (the looser ones of 0004 are not put back).
"""

from django.db import migrations

from openipt.audit.db import drop_triggers, install_triggers


def forwards(apps, schema_editor):
    drop_triggers(schema_editor.connection)
    install_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0004_erasable_details")]
    operations = [migrations.RunPython(forwards, forwards)]
