"""The choice lists of the assessment, with words for people; the values are the suggester's own.

The values match openipt/assessment/suggest/case.py exactly, so an entry read from the database
goes into a case without translation. Labels are translatable; where a client reads a question
in the portal it has its own plainer wording (see forms.py).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from openipt.assessment.suggest import case as case_format


class Ring(models.TextChoices):
    INNER = "inner", _("Inner ring: very close")
    MIDDLE = "middle", _("Middle ring: close")
    OUTER = "outer", _("Outer ring: not so close")


RING_ORDER = ("inner", "middle", "outer")
RING_SHORT = {"inner": _("inner ring"), "middle": _("middle ring"), "outer": _("outer ring")}


class AgeBand(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    UNDER_13 = "under_13", _("Under 13")
    TEEN = "13_17", _("13 to 17")
    YOUNG = "18_29", _("18 to 29")
    ADULT = "30_44", _("30 to 44")
    MIDDLE = "45_64", _("45 to 64")
    OLDER = "65_plus", _("65 or older")


class Contact(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    DAILY = "daily", _("Every day")
    WEEKLY = "weekly", _("Every week")
    MONTHLY = "monthly", _("Every month")
    LESS_OFTEN = "less_often", _("Less than once a month")
    NEVER = "never", _("Never (or no longer possible)")


class Support(models.TextChoices):
    UNKNOWN = "", _("Not recorded")
    NONE = "none", _("None")
    LITTLE = "little", _("A little")
    SOME = "some", _("Some")
    A_LOT = "a_lot", _("A lot")


class Match(models.TextChoices):
    UNKNOWN = "unknown", _("Not known yet")
    YES = "yes", _("Yes, they match")
    PARTLY = "partly", _("Partly")
    NO = "no", _("No, they do not match")


class Talking(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    OPEN = "open", _("Still talking it over (or arguing)")
    STOPPED = "stopped", _("Talking has stopped")


class Hope(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    YES = "yes", _("Yes")
    UNSURE = "unsure", _("Not sure")
    NO = "no", _("No")


class Ending(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    NO = "no", _("No")
    CONSIDERING = "considering", _("Thinking about it")
    DECIDED = "decided", _("Yes, it is ending or has ended")


class EventKind(models.TextChoices):
    DEATH_LOSS = "death_loss", _("Death or other loss")
    DISPUTE = "dispute", _("Dispute or disagreement")
    ROLE_CHANGE = "role_change", _("Life change (job, baby, move, illness, retirement ...)")
    ISOLATION = "isolation", _("Time of isolation or withdrawal")
    OTHER = "other", _("Something else")


class MoodEffect(models.TextChoices):
    UNKNOWN = "unknown", _("Not sure")
    MUCH_WORSE = "much_worse", _("Much worse")
    WORSE = "worse", _("Worse")
    NONE = "none", _("No change")
    BETTER = "better", _("Better")


class SnapshotKind(models.TextChoices):
    START = "start", _("Start of treatment")
    END = "end", _("End of treatment")
    OTHER = "other", _("Another point in time")


MONTHS = [
    (1, _("January")), (2, _("February")), (3, _("March")), (4, _("April")), (5, _("May")), (6, _("June")),
    (7, _("July")), (8, _("August")), (9, _("September")), (10, _("October")), (11, _("November")),
    (12, _("December")),
]

# Person kinds drawn in the closeness circle (see core/charts: support, conflict, mixed, distant, loss).
PERSON_KINDS = {
    "loss": _("has died, or is lost"),
    "mixed": _("support and conflict"),
    "conflict": _("conflict"),
    "support": _("support"),
    "distant": _("distant"),
}

INTAKE_QUESTIONS = {
    "lives_alone": _("Does the client live alone?"),
    "close_confidants": _("How many people could the client talk to about something personal?"),
    "recent_move": _("Has the client moved home in the past 12 months?"),
    "recent_bereavement": _("Has someone close to the client died in the past 12 months?"),
    "recent_life_change": _("Has a big part of the client's life changed in the past 12 months (work, a baby, "
                            "retirement, illness, a relationship starting or ending)?"),
    "current_disagreement": _("Is the client in a serious disagreement with someone close right now?"),
    "long_standing_loneliness": _("Has the client felt lonely or cut off from people for most of their adult life?"),
}

AREA_NAMES = {
    "grief": _("Grief"),
    "role_dispute": _("Interpersonal role dispute"),
    "role_transition": _("Role transition"),
    "interpersonal_deficits": _("Interpersonal deficits"),
}

CONFIDENCE = {"low": _("low"), "medium": _("medium"), "high": _("high")}


def _check_same_values() -> None:
    """Fail at import if the lists drift from the suggester's case format."""
    pairs = [
        (Ring, case_format.RINGS), (AgeBand, case_format.AGE_BANDS), (Contact, case_format.CONTACT),
        (Support, case_format.SUPPORT), (Match, case_format.MATCH), (Talking, case_format.TALKING),
        (Hope, case_format.HOPE), (Ending, case_format.ENDING), (EventKind, case_format.EVENT_KINDS),
        (MoodEffect, case_format.MOOD_EFFECTS),
    ]
    for choices, values in pairs:
        mine = {v for v in choices.values if v}
        if mine != set(values):
            raise ImportError(f"{choices.__name__} differs from the suggester's values {values}")
    if set(INTAKE_QUESTIONS) != set(case_format.INTAKE_QUESTIONS):
        raise ImportError("the intake questions differ from the suggester's")


_check_same_values()
