"""Replies: a gateway's retry of the same message (same gateway id) is stored once; worrying words from an unknown
number are marked urgent. Replies stored twice before this (a retry) keep only the first's gateway id."""

from django.db import migrations, models


def forget_repeated_gateway_ids(apps, schema_editor):
    SmsReply = apps.get_model("sms", "SmsReply")
    seen = set()
    for pk, org, gid in SmsReply.objects.exclude(gateway_id="").order_by("pk").values_list(
            "pk", "organisation_id", "gateway_id"):
        if (org, gid) in seen:
            SmsReply.objects.filter(pk=pk).update(gateway_id="")
        seen.add((org, gid))


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0008_sites'),
        ('clients', '0006_client_site'),
        ('measures', '0003_administration_source_sms'),
        ('sms', '0001_initial'),
    ]

    operations = [
        migrations.RunPython(forget_repeated_gateway_ids, migrations.RunPython.noop),
        migrations.AddField(
            model_name='smsreply',
            name='urgent',
            field=models.BooleanField(default=False),
        ),
        migrations.AddConstraint(
            model_name='smsreply',
            constraint=models.UniqueConstraint(condition=models.Q(('gateway_id', ''), _negated=True), fields=('organisation', 'gateway_id'), name='sms_reply_gateway_id_once'),
        ),
    ]
