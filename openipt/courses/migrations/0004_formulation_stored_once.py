"""The formulation is stored once, in the assessment app's versions (see assessment 0003, which moves the text)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("courses", "0003_screening_answers"),
        ("assessment", "0003_formulation_stored_once"),
    ]

    operations = [
        migrations.RemoveField(model_name="course", name="formulation_text"),
        migrations.RemoveField(model_name="course", name="formulation_agreed_on"),
    ]
