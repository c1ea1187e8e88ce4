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
    OPEN = "open", _("Still negotiating: they talk it over or argue")
    STOPPED = "stopped", _("Talking has stopped: resentment smoulders")


class Hope(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    YES = "yes", _("Yes")
    UNSURE = "unsure", _("Not sure")
    NO = "no", _("No")


class Ending(models.TextChoices):
    UNKNOWN = "unknown", _("Not known")
    NO = "no", _("No, neither wants to end it")
    CONSIDERING = "considering", _("One or both are thinking about ending it")
    DECIDED = "decided", _("One or both have decided to end it, or it has ended")


class EventKind(models.TextChoices):
    DEATH = "death", _("A death")
    PREGNANCY_LOSS = "pregnancy_loss", _("Pregnancy loss, stillbirth or the death of a baby")
    DISPUTE = "dispute", _("Dispute or disagreement")
    ROLE_CHANGE = "role_change", _("Life change or a loss that is not a death (job, divorce or break-up, move, "
                                   "health, baby, retirement ...)")
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

# Person kinds drawn in the closeness circle (see core/charts: support, conflict, mixed, distant, loss, described).
PERSON_KINDS = {
    "loss": _("has died, or is lost"),
    "mixed": _("support and conflict"),
    "conflict": _("conflict"),
    "support": _("support"),
    "distant": _("distant"),
    "described": _("described, no clear support or conflict"),
}

INTAKE_QUESTIONS = {
    "lives_alone": _("Does the client live alone?"),
    "close_confidants": _("How many people could the client talk to about something personal?"),
    "recent_move": _("Has the client moved home in the past 12 months?"),
    "recent_bereavement": _("Has someone close to the client died in the past 12 months?"),
    "recent_life_change": _("Has a big part of the client's life changed in the past 12 months (work, a baby, "
                            "retirement, illness, a relationship starting or ending)?"),
    "current_disagreement": _("Is the client in a serious disagreement right now with someone who matters to them "
                              "(family, partner, friend, or someone at work such as a boss or colleague)?"),
    "long_standing_loneliness": _("Has the client felt lonely or cut off from people for most of their adult life?"),
}

AREA_NAMES = {
    "grief": _("Grief"),
    "role_dispute": _("Interpersonal role dispute"),
    "role_transition": _("Role transition"),
    "interpersonal_deficits": _("Interpersonal sensitivity (interpersonal deficits)"),
}

#: One line per area saying what IPT means by it, shown beside the choice (help text).
AREA_HELP = {
    "grief": _("After a death, including a pregnancy loss or the death of a baby. Other losses are role "
               "transitions."),
    "role_dispute": _("The client and someone who matters to them (a partner, family, a friend, a boss or a "
                      "colleague) expect different things of each other."),
    "role_transition": _("A change in life, welcome or not: a new job or the loss of one, a baby, a divorce or "
                         "break-up, a move, an illness, retirement."),
    "interpersonal_deficits": _("Interpersonal sensitivity, the modern name for interpersonal deficits: few or "
                                "unsatisfying relationships, being easily hurt by others, long-standing "
                                "loneliness. Chosen when no other area fits."),
}

#: Dispute stages as IPT defines them, for labels and help texts.
STAGE_NAMES = {"renegotiation": _("Renegotiation"), "impasse": _("Impasse"), "dissolution": _("Dissolution")}
STAGE_HELP = {
    "renegotiation": _("Both are still actively negotiating, often arguing."),
    "impasse": _("Talking has stopped and resentment smoulders."),
    "dissolution": _("One or both want to end the relationship."),
}

#: Event kinds IPT treats as grief (a death, and pregnancy or infant loss).
GRIEF_EVENT_KINDS = case_format.GRIEF_EVENT_KINDS


def chart_kind(kind: str) -> str:
    """Return the kind the shared charts draw for an event kind (both grief kinds share one marker)."""
    return "death_loss" if kind in GRIEF_EVENT_KINDS else kind

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
