"""Codes for what the course lifecycle and actions refuse, and the words a person reads for each.

`lifecycle.validate_contract` and `lifecycle.transition_problems` return `Problem`s with these codes;
`message` turns one into the sentence shown (beside the field it names, when it names one).
Views match codes, never the words.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum

from openipt.core.errors import Problem


def N_(text: str) -> str:  # noqa: N802 - the usual name for "mark for translation, translate later"
    """Mark `text` for translation; `message` translates it with the function the caller passes."""
    return text


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
    # What a move to another phase or status still needs (lifecycle.transition_problems).
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
    "weekly": N_("weekly"), "fortnightly": N_("every two weeks"), "monthly": N_("monthly"),
}

_MESSAGES = {
    CourseCode.SESSIONS_NOT_WHOLE: N_("The number of sessions must be a whole number of at least 1."),
    CourseCode.SESSIONS_NOT_IN_RANGE: N_(
        "The contract has %(count)d sessions; %(format)s allows %(min)d to %(max)d."),
    CourseCode.SESSIONS_BELOW_MIN: N_("The contract has %(count)d sessions; %(format)s allows at least %(min)d."),
    CourseCode.SESSIONS_NOT_EXACT: N_("The contract has %(count)d sessions; %(format)s allows exactly %(min)d."),
    CourseCode.INITIAL_NOT_IN_RANGE: N_(
        "The initial phase of %(format)s takes 1 to %(max)d sessions, not %(initial)d."),
    CourseCode.CONTRACT_TOO_SHORT: N_(
        "The contract must have at least %(shortest)d sessions: %(initial)d for the initial phase "
        "and %(termination)d for termination."),
    CourseCode.FREQUENCY_NOT_USED: N_("Sessions %(frequency)s are not used in %(format)s; choose %(allowed)s."),
    CourseCode.ALREADY_MIDDLE: N_("The course is already in the middle phase."),
    CourseCode.NO_WAY_BACK_TO_MIDDLE: N_(
        "The course is in the termination phase and cannot go back to the middle phase."),
    CourseCode.NO_FORMULATION: N_("Write the formulation that links the symptoms to the problem area."),
    CourseCode.FORMULATION_NOT_AGREED: N_("Record the date the client agreed the formulation."),
    CourseCode.NO_PROBLEM_AREA: N_("Choose a problem area."),
    CourseCode.NO_CONTRACT: N_("Agree a treatment contract: the number and frequency of sessions."),
    CourseCode.CONTRACT_NOT_AGREED: N_("Record that the client agreed the treatment contract."),
    CourseCode.START_CHECK: "%(text)s",
    CourseCode.ALREADY_TERMINATION: N_("The course is already in the termination phase."),
    CourseCode.MIDDLE_FIRST: N_(
        "Move to the middle phase first. To stop during the initial phase, end the course early with a reason."),
    CourseCode.CONTRACT_FIRST: N_("Agree a treatment contract first; termination is counted from its end."),
    CourseCode.CONTRACT_NOT_VALID: N_("The contract is not valid: %(why)s."),
    CourseCode.TERMINATION_NOT_DUE: N_(
        "Termination is planned to begin at session %(start)s; the next session is %(next)s. "
        "Give a reason to begin it early."),
    CourseCode.TERMINATION_FIRST: N_("Move the course to the termination phase before completing it."),
    CourseCode.NO_RELAPSE_PLAN: N_(
        "Write a relapse-prevention plan: warning signs, what helps, and who to contact."),
    CourseCode.RELAPSE_PLAN_PART: N_("Add %(part)s to the relapse-prevention plan."),
    CourseCode.NO_END_REVIEW: N_("Complete the end review."),
    CourseCode.NOT_BACK_TO_PLANNED: N_("A course cannot go back to planned."),
    CourseCode.PHASES_ONLY_WHILE_ACTIVE: N_(
        "The course is %(status)s; phases change only while it is active."),
    CourseCode.MAINTENANCE_AFTER_COMPLETED: N_("Only a completed course can move to maintenance."),
    CourseCode.STATUS_NOT_ALLOWED: N_("A course that is %(status)s cannot become %(target)s."),
    CourseCode.NO_END_REASON: N_("Give a reason for ending the course early."),
}


def _same(text: str) -> str:
    return text


def message(problem: Problem, translate: Callable[[str], str] = _same) -> str:
    """Return the sentence a person reads for one problem with a course.

    This module stays free of Django (the course lifecycle is pure): a view or action passes
    Django's `gettext` as `translate`; without it the sentence is the English one.
    """
    def frequency(value: object) -> str:
        return translate(FREQUENCY_WORDS[value]) if isinstance(value, str) and value in FREQUENCY_WORDS else repr(value)

    params = dict(problem.params)
    if problem.code == CourseCode.FREQUENCY_NOT_USED:
        params["frequency"] = frequency(params["frequency"])
        params["allowed"] = translate(" or ").join(frequency(f) for f in params["allowed"])
    return translate(_MESSAGES[CourseCode(problem.code)]) % params
