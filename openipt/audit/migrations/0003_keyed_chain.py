"""Keyed audit chain: each event stores the id of the key that linked it and the digest of its details.

Both columns are nullable so that adding them is a plain ALTER TABLE ADD COLUMN on SQLite and
PostgreSQL: no stored event is rewritten (the triggers refuse UPDATE). Events written before keep
NULL in both and are checked with their original unkeyed link.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditevent',
            name='details_digest',
            field=models.CharField(blank=True, max_length=64, null=True),
        ),
        migrations.AddField(
            model_name='auditevent',
            name='key_id',
            field=models.CharField(blank=True, max_length=40, null=True),
        ),
    ]
