"""Codes for what the course rules and actions refuse, and the words a person reads for each.

`rules.validate_contract` returns `Problem`s with these codes; `message` turns one into the
sentence shown beside the field it names. Views match codes, never the words.
"""

from __future__ import annotations

from enum import StrEnum

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openipt.core.errors import Problem


class CourseCode(StrEnum):
    """Refusals and contract problems particular to courses (the shared ones are in `core.errors.ErrorCode`)."""

    LOCKED = "locked"  # the note is signed; only an addendum can change it
    SESSIONS_NOT_WHOLE = "sessions_not_whole"
    SESSIONS_NOT_IN_RANGE = "sessions_not_in_range"
    SESSIONS_BELOW_MIN = "sessions_below_min"
    SESSIONS_NOT_EXACT = "sessions_not_exact"
    INITIAL_NOT_IN_RANGE = "initial_not_in_range"
    CONTRACT_TOO_SHORT = "contract_too_short"
    FREQUENCY_NOT_USED = "frequency_not_used"


# How often sessions happen, in the words of a sentence ("Sessions every two weeks ...").
FREQUENCY_WORDS = {
    "weekly": gettext_lazy("weekly"), "fortnightly": gettext_lazy("every two weeks"), "monthly": gettext_lazy("monthly"),
}

_MESSAGES = {
    CourseCode.SESSIONS_NOT_WHOLE: gettext_lazy("The number of sessions must be a whole number of at least 1."),
    CourseCode.SESSIONS_NOT_IN_RANGE: gettext_lazy(
        "The contract has %(count)d sessions; %(format)s allows %(min)d to %(max)d."),
    CourseCode.SESSIONS_BELOW_MIN: gettext_lazy("The contract has %(count)d sessions; %(format)s allows at least %(min)d."),
    CourseCode.SESSIONS_NOT_EXACT: gettext_lazy("The contract has %(count)d sessions; %(format)s allows exactly %(min)d."),
    CourseCode.INITIAL_NOT_IN_RANGE: gettext_lazy(
        "The initial phase of %(format)s takes 1 to %(max)d sessions, not %(initial)d."),
    CourseCode.CONTRACT_TOO_SHORT: gettext_lazy(
        "The contract must have at least %(shortest)d sessions: %(initial)d for the initial phase "
        "and %(termination)d for termination."),
    CourseCode.FREQUENCY_NOT_USED: gettext_lazy("Sessions %(frequency)s are not used in %(format)s; choose %(allowed)s."),
}


def _frequency(value) -> str:
    return str(FREQUENCY_WORDS[value]) if value in FREQUENCY_WORDS else repr(value)


def message(problem: Problem) -> str:
    """Return the sentence a person reads for one problem with a course."""
    params = dict(problem.params)
    if problem.code == CourseCode.FREQUENCY_NOT_USED:
        params["frequency"] = _frequency(params["frequency"])
        params["allowed"] = _(" or ").join(_frequency(f) for f in params["allowed"])
    return str(_MESSAGES[problem.code]) % params
