"""Codes for what the course rules and actions refuse, and the words a person reads for each.

`rules.validate_contract` and `rules.transition_problems` return `Problem`s with these codes;
`message` turns one into the sentence shown (beside the field it names, when it names one).
Views match codes, never the words.
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
    # What a move to another phase or status still needs (rules.transition_problems).
    ALREADY_MIDDLE = "already_middle"
    NO_WAY_BACK_TO_MIDDLE = "no_way_back_to_middle"
    NO_FORMULATION = "no_formulation"
    FORMULATION_NOT_AGREED = "formulation_not_agreed"
    NO_PROBLEM_AREA = "no_problem_area"
    NO_CONTRACT = "no_contract"
    CONTRACT_NOT_AGREED = "contract_not_agreed"
    START_CHECK = "start_check"  # a start check of the format has not passed; its words come with it
    ALREADY_TERMINATION = "already_termination"
    MIDDLE_FIRST = "middle_first"
    CONTRACT_FIRST = "contract_first"
    CONTRACT_NOT_VALID = "contract_not_valid"
    TERMINATION_NOT_DUE = "termination_not_due"
    TERMINATION_FIRST = "termination_first"
    NO_RELAPSE_PLAN = "no_relapse_plan"
    RELAPSE_PLAN_PART = "relapse_plan_part"
    NO_END_REVIEW = "no_end_review"
    NOT_BACK_TO_PLANNED = "not_back_to_planned"
    PHASES_ONLY_WHILE_ACTIVE = "phases_only_while_active"
    MAINTENANCE_AFTER_COMPLETED = "maintenance_after_completed"
    STATUS_NOT_ALLOWED = "status_not_allowed"
    NO_END_REASON = "no_end_reason"


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
    CourseCode.ALREADY_MIDDLE: gettext_lazy("The course is already in the middle phase."),
    CourseCode.NO_WAY_BACK_TO_MIDDLE: gettext_lazy(
        "The course is in the termination phase and cannot go back to the middle phase."),
    CourseCode.NO_FORMULATION: gettext_lazy("Write the formulation that links the symptoms to the problem area."),
    CourseCode.FORMULATION_NOT_AGREED: gettext_lazy("Record the date the client agreed the formulation."),
    CourseCode.NO_PROBLEM_AREA: gettext_lazy("Choose a problem area."),
    CourseCode.NO_CONTRACT: gettext_lazy("Agree a treatment contract: the number and frequency of sessions."),
    CourseCode.CONTRACT_NOT_AGREED: gettext_lazy("Record that the client agreed the treatment contract."),
    CourseCode.START_CHECK: "%(text)s",
    CourseCode.ALREADY_TERMINATION: gettext_lazy("The course is already in the termination phase."),
    CourseCode.MIDDLE_FIRST: gettext_lazy(
        "Move to the middle phase first. To stop during the initial phase, end the course early with a reason."),
    CourseCode.CONTRACT_FIRST: gettext_lazy("Agree a treatment contract first; termination is counted from its end."),
    CourseCode.CONTRACT_NOT_VALID: gettext_lazy("The contract is not valid: %(why)s."),
    CourseCode.TERMINATION_NOT_DUE: gettext_lazy(
        "Termination is planned to begin at session %(start)s; the next session is %(next)s. "
        "Give a reason to begin it early."),
    CourseCode.TERMINATION_FIRST: gettext_lazy("Move the course to the termination phase before completing it."),
    CourseCode.NO_RELAPSE_PLAN: gettext_lazy(
        "Write a relapse-prevention plan: warning signs, what helps, and who to contact."),
    CourseCode.RELAPSE_PLAN_PART: gettext_lazy("Add %(part)s to the relapse-prevention plan."),
    CourseCode.NO_END_REVIEW: gettext_lazy("Complete the end review."),
    CourseCode.NOT_BACK_TO_PLANNED: gettext_lazy("A course cannot go back to planned."),
    CourseCode.PHASES_ONLY_WHILE_ACTIVE: gettext_lazy(
        "The course is %(status)s; phases change only while it is active."),
    CourseCode.MAINTENANCE_AFTER_COMPLETED: gettext_lazy("Only a completed course can move to maintenance."),
    CourseCode.STATUS_NOT_ALLOWED: gettext_lazy("A course that is %(status)s cannot become %(target)s."),
    CourseCode.NO_END_REASON: gettext_lazy("Give a reason for ending the course early."),
}


def _frequency(value) -> str:
    return str(FREQUENCY_WORDS[value]) if value in FREQUENCY_WORDS else repr(value)


def message(problem: Problem) -> str:
    """Return the sentence a person reads for one problem with a course."""
    params = dict(problem.params)
    if problem.code == CourseCode.FREQUENCY_NOT_USED:
        params["frequency"] = _frequency(params["frequency"])
        params["allowed"] = _(" or ").join(_frequency(f) for f in params["allowed"])
    return str(_MESSAGES[CourseCode(problem.code)]) % params
