"""Every questionnaire language version names its organisation (filled in by 0005, in its own transaction)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("accounts", "0008_sites"),
        ("measures", "0005_instrument_version_per_organisation"),
    ]

    operations = [
        migrations.AlterField(
            model_name="instrumentversion",
            name="organisation",
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to="accounts.organisation"),
        ),
        migrations.AddConstraint(
            model_name="instrumentversion",
            constraint=models.UniqueConstraint(fields=("organisation", "instrument_code", "language"),
                                               name="one_version_per_language"),
        ),
    ]
