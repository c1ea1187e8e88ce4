"""Mark the logins API clients act through as service logins (they were plain inactive admins)."""

from django.db import migrations


def mark(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    Membership = apps.get_model("accounts", "Membership")
    ids = ApiToken.objects.filter(kind="client").values_list("membership_id", flat=True)
    Membership.objects.filter(pk__in=list(ids)).update(is_service=True, is_active=False)


def unmark(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    Membership = apps.get_model("accounts", "Membership")
    ids = ApiToken.objects.filter(kind="client").values_list("membership_id", flat=True)
    Membership.objects.filter(pk__in=list(ids)).update(is_service=False)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_membership_is_service"),
        ("api", "0001_tokens_idempotency_rate_windows"),
    ]

    operations = [migrations.RunPython(mark, unmark)]
