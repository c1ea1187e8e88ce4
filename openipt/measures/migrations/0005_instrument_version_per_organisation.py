"""A questionnaire language version belongs to the organisation that installed it (it holds the licence)."""

import django.db.models.deletion
from django.db import migrations, models


def owner_from_installer(apps, schema_editor):
    InstrumentVersion = apps.get_model("measures", "InstrumentVersion")
    for row in InstrumentVersion.objects.select_related("installed_by"):
        row.organisation_id = row.installed_by.organisation_id
        row.save(update_fields=["organisation"])


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_sites"),
        ("measures", "0004_instrument_language_versions"),
    ]

    operations = [
        migrations.RemoveConstraint(model_name="instrumentversion", name="one_version_per_language"),
        migrations.AddField(
            model_name="instrumentversion",
            name="organisation",
            field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="accounts.organisation"),
        ),
        migrations.RunPython(owner_from_installer, migrations.RunPython.noop),
    ]
