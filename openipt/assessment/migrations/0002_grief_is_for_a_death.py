"""Grief is for a death: split the old event kind "death or other loss", and weigh conflicts by mood.

IPT keeps grief for a death, including a pregnancy or infant loss; every other loss (a job, a
divorce, a move, health) is a role transition. Old "death_loss" events become "death",
"pregnancy_loss" or "role_change", read from their description by the same rule the suggester
applies to old case files (openipt.assessment.suggest.case.legacy_loss_kind). An event with no
telling words stays a death. Conflicts gain an effect on mood, "unknown" for existing entries.
"""

from django.db import migrations, models

# Frozen copy of the rule at the time of this migration, so that later edits cannot change it.
PREGNANCY = ("miscarr", "stillb", "still-b", "still b", "pregnan", "ectopic", "baby died", "lost the baby",
             "lost our baby", "lost my baby", "neonatal", "cot death", "infant")
DEATH = ("died", "death", "passed away", "passed on", "funeral", "suicide", "killed", "murder", "bereave",
         "overdose", "lost her life", "lost his life", "lost their life")
OTHER_LOSS = ("job", "redundan", "laid off", "fired", "sacked", "dismiss", "work", "divorce", "separat", "split",
              "broke up", "break-up", "breakup", "ended", "left me", "moved", "move", "home", "house", "diagnos",
              "illness", "ill health", "health", "injur", "disab", "retire", "money", "business", "visa", "country",
              "custody", "friendship", "relationship")


def new_kind(description):
    text = " ".join((description or "").lower().split())
    if any(w in text for w in PREGNANCY):
        return "pregnancy_loss"
    if any(w in text for w in DEATH):
        return "death"
    if any(w in text for w in OTHER_LOSS):
        return "role_change"
    return "death"


def split_losses(apps, schema_editor):
    LifeEvent = apps.get_model("assessment", "LifeEvent")
    for event in LifeEvent.objects.filter(kind="death_loss").only("pk", "description"):
        LifeEvent.objects.filter(pk=event.pk).update(kind=new_kind(event.description))


def join_losses(apps, schema_editor):
    LifeEvent = apps.get_model("assessment", "LifeEvent")
    LifeEvent.objects.filter(kind__in=["death", "pregnancy_loss"]).update(kind="death_loss")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0002_initial'),
        ('assessment', '0001_initial'),
        ('clients', '0003_clientsignal_client_attention_and_more'),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='lifeevent',
            name='life_event_kind_valid',
        ),
        migrations.AddField(
            model_name='inventoryperson',
            name='conflict_mood_effect',
            field=models.CharField(choices=[('unknown', 'Not sure'), ('much_worse', 'Much worse'), ('worse', 'Worse'), ('none', 'No change'), ('better', 'Better')], default='unknown', max_length=12),
        ),
        migrations.AlterField(
            model_name='inventoryperson',
            name='conflict_ending',
            field=models.CharField(choices=[('unknown', 'Not known'), ('no', 'No, neither wants to end it'), ('considering', 'One or both are thinking about ending it'), ('decided', 'One or both have decided to end it, or it has ended')], default='unknown', max_length=12),
        ),
        migrations.AlterField(
            model_name='inventoryperson',
            name='conflict_talking',
            field=models.CharField(choices=[('unknown', 'Not known'), ('open', 'Still negotiating: they talk it over or argue'), ('stopped', 'Talking has stopped: resentment smoulders')], default='unknown', max_length=8),
        ),
        migrations.AlterField(
            model_name='lifeevent',
            name='kind',
            field=models.CharField(choices=[('death', 'A death'), ('pregnancy_loss', 'Pregnancy loss, stillbirth or the death of a baby'), ('dispute', 'Dispute or disagreement'), ('role_change', 'Life change or a loss that is not a death (job, divorce or break-up, move, health, baby, retirement ...)'), ('isolation', 'Time of isolation or withdrawal'), ('other', 'Something else')], max_length=20),
        ),
        migrations.AddConstraint(
            model_name='inventoryperson',
            constraint=models.CheckConstraint(condition=models.Q(('conflict_mood_effect__in', ['unknown', 'much_worse', 'worse', 'none', 'better'])), name='inventory_conflict_mood_valid'),
        ),
        migrations.RunPython(split_losses, join_losses),
        migrations.AddConstraint(
            model_name='lifeevent',
            constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['death', 'pregnancy_loss', 'dispute', 'role_change', 'isolation', 'other'])), name='life_event_kind_valid'),
        ),
    ]
