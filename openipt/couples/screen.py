"""The private screen for partner violence and fear: the questions and how answers are read (pure).

The questions are the project's own plain words (not a licensed instrument's items). Any "yes"
to a question about fear, harm, threats, control or forced sex, a "no" to feeling safe to speak
openly in joint sessions, or "I'd rather not say" to any question is a concern: couples IPT does
not go ahead until a clinician has talked with that partner alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

YES, NO, NOT_SAY = "yes", "no", "not_say"
ANSWER_CHOICES = ((YES, _("Yes")), (NO, _("No")), (NOT_SAY, _("I'd rather not say")))


@dataclass(frozen=True)
class Question:
    id: str
    text: StrOrPromise
    concern_if: str  # the answer that is a concern ("yes", or "no" for feeling safe)
    serious: bool  # a concern here raises a high-severity alert


QUESTIONS = (
    Question("afraid", _("Are you ever afraid of your partner?"), YES, True),
    Question("hurt", _("In the last year, has your partner hit, pushed, choked or hurt you in any other way?"),
             YES, True),
    Question("threatened", _("Has your partner threatened to hurt you, your children, or someone close to you?"),
             YES, True),
    Question("controlled", _("Does your partner stop you from seeing people, going out, or having your own money "
                             "or phone?"), YES, True),
    Question("forced", _("Has your partner made you do sexual things you did not want to do?"), YES, True),
    Question("safe_to_speak", _("Would you feel safe saying what you really think with your partner in the room?"),
             NO, False),
)
QUESTION_IDS = tuple(q.id for q in QUESTIONS)
VALID = {YES, NO, NOT_SAY}


def concerns(answers: dict) -> list[str]:
    """Return the ids of the questions whose answer is a concern (a missing answer counts as one)."""
    out = []
    for q in QUESTIONS:
        value = answers.get(q.id)
        if value not in VALID or value == NOT_SAY or value == q.concern_if:
            out.append(q.id)
    return out


def alert_level(answers: dict) -> str:
    """Return the risk-review level of the alert a screen raises: high, medium, or none."""
    found = concerns(answers)
    if not found:
        return "none"
    serious = {q.id for q in QUESTIONS if q.serious}
    return "high" if any(answers.get(q) == YES for q in found if q in serious) else "medium"


def question_text(question_id: str) -> str:
    return next((str(q.text) for q in QUESTIONS if q.id == question_id), question_id)


def answer_label(value: str) -> str:
    return str(dict(ANSWER_CHOICES).get(value, _("Not answered")))
