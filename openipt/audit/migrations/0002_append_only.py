"""Make the audit table append-only with database triggers, and start the chain."""

from django.db import migrations

from openipt.audit.db import drop_triggers, install_triggers


def forwards(apps, schema_editor):
    install_triggers(schema_editor.connection, erasable=False)  # 0004 lets an erasure through
    AuditHead = apps.get_model("audit", "AuditHead")
    AuditHead.objects.get_or_create(pk=1, defaults={"last_hash": "0" * 64, "last_event_id": 0})


def backwards(apps, schema_editor):
    drop_triggers(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
